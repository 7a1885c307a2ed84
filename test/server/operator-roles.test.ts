/**
 * The role matrix: every operator route with each role (and the token),
 * allowed or refused with 403 `forbidden_role`. A viewer reads; a reviewer
 * decides claims and holds; a partner manager changes the catalogue and
 * applies files; an admin does everything.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_ROLES, type OperatorRole } from '../../lib/contract/console.ts';
import { createApp } from '../../server/index.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode, partnerBody } from './helpers.ts';
import { unique } from './lifecycle-helpers.ts';
import { asOperator, operatorSession, type SignedIn } from './operator-console-helpers.ts';

type Who = OperatorRole | 'token';
const ALL: Who[] = ['viewer', 'reviewer', 'partner-manager', 'admin', 'token'];
const READERS = ALL;
const REVIEWERS: Who[] = ['reviewer', 'admin', 'token'];
const CATALOG: Who[] = ['partner-manager', 'admin', 'token'];
const ADMINS: Who[] = ['admin', 'token'];

interface RouteCase {
  method: string;
  /** The route as Hono lists it (`app.routes`), to check that every route is walked. */
  route: string;
  /** A concrete request to it; fresh per call, so a created item does not make the next call a no-op. */
  path: () => string;
  body?: () => unknown;
  allowed: Who[];
}

const anyId = () => randomUUID();
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe.each(backends)('operator roles (%s)', (backend) => {
  let server: TestServer;
  const sessions = new Map<OperatorRole, SignedIn>();
  let partnerId: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    for (const role of OPERATOR_ROLES) sessions.set(role, await operatorSession(server, role));
    partnerId = unique('shop').toLowerCase();
    expect((await server.call('PUT', `/v1/admin/partners/${partnerId}`, { token: ADMIN_TOKEN, body: partnerBody(partnerId) })).status).toBe(201);
  });
  afterAll(() => server.close());

  const cases = (): RouteCase[] => [
    { method: 'GET', route: '/v1/admin/detection-health', path: () => '/v1/admin/detection-health', allowed: READERS },
    // Finance reads the points liability and breakage: every role.
    { method: 'GET', route: '/v1/admin/points-liability', path: () => '/v1/admin/points-liability?months=3', allowed: READERS },
    { method: 'GET', route: '/v1/admin/overview', path: () => '/v1/admin/overview?from=2026-01-01&to=2026-01-31', allowed: READERS },
    { method: 'GET', route: '/v1/admin/outbox', path: () => '/v1/admin/outbox', allowed: ADMINS },
    { method: 'GET', route: '/v1/admin/partners', path: () => '/v1/admin/partners?limit=5', allowed: READERS },
    { method: 'PATCH', route: '/v1/admin/partners/:id', path: () => `/v1/admin/partners/${partnerId}`, body: () => ({ name: `Edited ${randomUUID()}` }), allowed: CATALOG },
    { method: 'PUT', route: '/v1/admin/partners/:id', path: () => `/v1/admin/partners/${partnerId}`, body: () => partnerBody(partnerId, { name: `Renamed ${randomUUID()}` }), allowed: CATALOG },
    { method: 'GET', route: '/v1/admin/offers', path: () => '/v1/admin/offers?include=ended', allowed: READERS },
    { method: 'GET', route: '/v1/admin/rewards', path: () => '/v1/admin/rewards', allowed: READERS },
    {
      method: 'PUT',
      route: '/v1/admin/offers/:id',
      path: () => '/v1/admin/offers/role-offer',
      body: () => ({ id: 'role-offer', title: `Double ${randomUUID()}`, kind: 'multiplier', multiplier: 2, startsAt: iso(-86_400_000), endsAt: iso(86_400_000) }),
      allowed: CATALOG,
    },
    { method: 'PUT', route: '/v1/admin/rewards/:id', path: () => '/v1/admin/rewards/role-reward', body: () => ({ id: 'role-reward', title: `Voucher ${randomUUID()}`, kind: 'voucher', pointsCost: 100, active: true }), allowed: CATALOG },
    { method: 'GET', route: '/v1/admin/missions', path: () => '/v1/admin/missions', allowed: READERS },
    {
      method: 'PUT',
      route: '/v1/admin/missions/:id',
      path: () => '/v1/admin/missions/role-mission',
      body: () => ({ id: 'role-mission', title: { de: `Drei Shops ${randomUUID()}`, en: `Three shops ${randomUUID()}` }, rule: { kind: 'distinct-partners', count: 3 }, bonusPoints: 300, startsAt: iso(-86_400_000), endsAt: iso(86_400_000) }),
      allowed: CATALOG,
    },
    { method: 'GET', route: '/v1/admin/claims', path: () => '/v1/admin/claims?status=open', allowed: READERS },
    { method: 'POST', route: '/v1/admin/claims/:id/approve', path: () => `/v1/admin/claims/${anyId()}/approve`, allowed: REVIEWERS },
    { method: 'POST', route: '/v1/admin/claims/:id/reject', path: () => `/v1/admin/claims/${anyId()}/reject`, body: () => ({ reason: 'no receipt' }), allowed: REVIEWERS },
    { method: 'POST', route: '/v1/admin/claims/decisions', path: () => '/v1/admin/claims/decisions', body: () => ({ decision: 'approve', ids: [anyId()] }), allowed: REVIEWERS },
    { method: 'POST', route: '/v1/admin/review/decisions', path: () => '/v1/admin/review/decisions', body: () => ({ decision: 'release', ids: [anyId()] }), allowed: REVIEWERS },
    { method: 'GET', route: '/v1/admin/review', path: () => '/v1/admin/review', allowed: READERS },
    { method: 'POST', route: '/v1/admin/review/:id/release', path: () => `/v1/admin/review/${anyId()}/release`, allowed: REVIEWERS },
    { method: 'POST', route: '/v1/admin/review/:id/reject', path: () => `/v1/admin/review/${anyId()}/reject`, allowed: REVIEWERS },
    { method: 'POST', route: '/v1/admin/imports/:kind', path: () => '/v1/admin/imports/rewards', body: () => ({ format: 'json', content: JSON.stringify([{ id: 'role-import', title: `Imported ${randomUUID()}`, kind: 'voucher', pointsCost: 50, active: true }]) }), allowed: CATALOG },
    { method: 'POST', route: '/v1/admin/confirmations/:partnerId', path: () => `/v1/admin/confirmations/${partnerId}`, body: () => ({ csv: `order_id,status\n${unique('never-sold')},confirmed\n` }), allowed: CATALOG },
    { method: 'GET', route: '/v1/admin/members', path: () => '/v1/admin/members?email=nobody%40example.test', allowed: READERS },
    { method: 'GET', route: '/v1/admin/members/:id/ledger', path: () => `/v1/admin/members/${anyId()}/ledger`, allowed: READERS },
    { method: 'POST', route: '/v1/admin/members/:id/erase', path: () => `/v1/admin/members/${anyId()}/erase`, body: () => ({ reason: 'asked by mail' }), allowed: ADMINS },
    { method: 'GET', route: '/v1/admin/operators', path: () => '/v1/admin/operators', allowed: ADMINS },
    { method: 'POST', route: '/v1/admin/operators', path: () => '/v1/admin/operators', body: () => ({ email: `${unique('new')}@ops.example.test`, role: 'viewer', password: 'copper lantern harbour 9' }), allowed: ADMINS },
    { method: 'PUT', route: '/v1/admin/operators/:id', path: () => `/v1/admin/operators/${anyId()}`, body: () => ({ role: 'viewer', active: true }), allowed: ADMINS },
    { method: 'GET', route: '/v1/admin/audit', path: () => '/v1/admin/audit?limit=5', allowed: READERS },
    { method: 'GET', route: '/v1/admin/audit.csv', path: () => '/v1/admin/audit.csv', allowed: READERS },
  ];

  function call(who: Who, c: RouteCase): Promise<Response> {
    const body = c.body?.();
    if (who === 'token') return server.call(c.method, c.path(), { token: ADMIN_TOKEN, ...(body !== undefined ? { body } : {}) });
    return asOperator(server, sessions.get(who)!, c.method, c.path(), body);
  }

  it('walks every /v1/admin route the app has', () => {
    const walked = new Set(cases().map((c) => `${c.method} ${c.route}`));
    const routes = server.app.routes.filter((r) => r.path.startsWith('/v1/admin/') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) expect(walked, `${r} is not in the role matrix`).toContain(r);
  });

  for (const who of ALL) {
    it(`${who}: allowed exactly where the matrix says`, async () => {
      for (const c of cases()) {
        const res = await call(who, c);
        const label = `${who} ${c.method} ${c.route} → ${res.status}`;
        if (c.allowed.includes(who)) {
          // Allowed: the route ran (its answer may be a refusal of its own, e.g. 422 for a claim that does not exist).
          expect(res.status, label).not.toBe(403);
          expect(res.status, label).not.toBe(401);
          expect(res.status, label).toBeLessThan(500);
        } else {
          expect(res.status, label).toBe(403);
          expect(await errorCode(res), label).toBe('forbidden_role');
        }
      }
    });
  }

  it('GET /metrics is every role’s to read', async () => {
    for (const role of OPERATOR_ROLES) expect((await asOperator(server, sessions.get(role)!, 'GET', '/metrics')).status).toBe(200);
  });

  it('a route that is not in the permission table needs admin to be changed', async () => {
    const { permissionFor } = await import('../../server/accounts/operator-auth.ts');
    expect(permissionFor('POST', '/v1/admin/some-new-thing')).toBe('admin');
    expect(permissionFor('DELETE', '/v1/admin/partners/x')).toBe('admin');
    expect(permissionFor('GET', '/v1/admin/some-new-thing')).toBe('read');
    expect(permissionFor('HEAD', '/v1/admin/outbox')).toBe('admin');
  });

  it('the token keeps its old rules: 401 without or with a wrong one, 403 without ADMIN_TOKEN', async () => {
    expect((await server.call('GET', '/v1/admin/claims')).status).toBe(401);
    expect((await server.call('GET', '/v1/admin/claims', { token: 'wrong-token-wrong-token' })).status).toBe(401);
    const noToken = createApp({ ...server.deps, env: { ...server.env, ADMIN_TOKEN: undefined } });
    expect((await noToken.request('/v1/admin/claims', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(403);
    expect((await noToken.request('/v1/admin/claims')).status).toBe(403);
    // Operators still work without the token.
    const viewer = sessions.get('viewer')!;
    expect((await noToken.request('/v1/admin/claims', { headers: { Cookie: viewer.cookie } })).status).toBe(200);
  });
});
