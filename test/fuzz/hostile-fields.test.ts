/**
 * Every endpoint that takes a body, sent a valid body with each field (every
 * leaf, in every nested object and array) replaced in turn by each hostile
 * string or time the issue names: NUL, lone surrogates, bidi controls,
 * 100,000 characters, year 0, an offset of +23:59, "NaN", 1e400 (which JSON
 * reads as Infinity's text), with valid credentials so the body reaches the
 * code that stores it.
 *
 * Must hold: never a 5xx; every refusal in the error envelope. Runs on
 * PGlite, and on PostgreSQL too when DATABASE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from '../server/harness.ts';
import { partnerBody, signUp, uniqueName } from '../server/helpers.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';

/** Raw JSON texts put in place of a field (raw, so 1e400 and lone surrogates reach the server as sent). */
export const HOSTILE_JSON: readonly string[] = [
  JSON.stringify('a\u0000b'),
  '"lone \\ud800 high"',
  '"lone \\udfff low"',
  JSON.stringify('\u202eevil\u202c\u2066x\u2069'),
  JSON.stringify('x'.repeat(100_000)),
  JSON.stringify('0000-01-01T00:00:00Z'),
  JSON.stringify('2026-06-01T10:00:00+23:59'),
  JSON.stringify('NaN'),
  '1e400',
  '-1e400',
  JSON.stringify('2026-13-45T99:99:99Z'),
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths of every leaf of a JSON value. */
function leaves(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

/** The body's JSON text with the leaf at `path` replaced by a raw JSON text. */
function replaced(body: Json, path: (string | number)[], raw: string): string {
  const marker = `__HOSTILE_${randomUUID()}__`;
  const copy = structuredClone(body) as Json;
  let at = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, Json>;
  at[path[path.length - 1]!] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), raw);
}

describe.each(backends)('hostile values in every field of every body (%s)', (backend) => {
  let server: TestServer;
  let memberToken: string;
  let partnerId: string;
  const secret = 'hostile-partner-secret-0123456789';
  const statuses = new Map<number, number>();
  let sent = 0;

  beforeAll(async () => {
    server = await startTestServer(backend, {
      RATE_LIMIT_MEMBER_PER_MIN: '1000000',
      RATE_LIMIT_LOGIN_IP_PER_MIN: '1000000',
      RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN: '1000000',
      RATE_LIMIT_PARTNER_PER_MIN: '1000000',
    });
    memberToken = (await signUp(server)).token;
    partnerId = uniqueName('hostileshop');
    expect((await server.call('PUT', `/v1/admin/partners/${partnerId}`, { token: ADMIN_TOKEN, body: partnerBody(partnerId, { secret }) })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    console.log(`hostile fields (${backend}): ${sent} requests; ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${n} × ${s}`).join(', ')}`);
    await server.close();
  });

  const now = () => server.clock.now().toISOString();
  /** Each endpoint with a body: a valid body, and how to send a raw text of it with valid credentials. */
  const endpoints = (): { name: string; body: Json; send: (raw: string) => Promise<Response> }[] => {
    const member = (method: string, path: string, headers: Record<string, string> = {}) => (raw: string) =>
      server.call(method, path, { token: memberToken, body: raw, headers });
    const [hostilePartnerId, hostileOfferId, hostileRewardId] = [uniqueName('hp'), uniqueName('ho'), uniqueName('hr')];
    const admin = (path: string) => (raw: string) => server.call('PUT', path, { token: ADMIN_TOKEN, body: raw });
    return [
      { name: 'register', body: { email: `${uniqueName('h')}@example.test`, password: 'correct horse battery', device: 'laptop', referralCode: 'ABC' }, send: (raw) => server.call('POST', '/v1/auth/register', { body: raw }) },
      { name: 'login', body: { email: 'nobody@example.test', password: 'correct horse battery', device: 'laptop' }, send: (raw) => server.call('POST', '/v1/auth/login', { body: raw }) },
      { name: 'ingest', body: { purchases: [{ id: randomUUID(), partnerId, orderId: uniqueName('O'), amountMinor: 1234, currency: 'EUR', detectedAt: now(), method: 'jsonld' }] }, send: member('POST', '/v1/purchases') },
      { name: 'claim', body: { partnerId, orderId: 'C-1', amountMinor: 1234, currency: 'EUR', detectedAt: now(), method: 'jsonld', pageUrl: 'https://shop.example/thanks', note: 'missing' }, send: (raw) => member('POST', `/v1/purchases/${randomUUID()}/claim`)(raw) },
      { name: 'redemption', body: { rewardId: 'no-such-reward' }, send: (raw) => member('POST', '/v1/redemptions', { 'Idempotency-Key': randomUUID() })(raw) },
      { name: 'partner report', body: { orders: [{ orderId: 'R-1', status: 'returned', amountMinor: 100 }, { orderId: 'R-2', status: 'confirmed' }] }, send: (raw) => {
        const timestamp = String(Math.floor(server.clock.now().getTime() / 1000));
        server.clock.advance(1000);
        return server.call('POST', '/v1/partner-api/confirmations', { body: raw, headers: { 'X-Sammelpunkt-Partner': partnerId, 'X-Sammelpunkt-Timestamp': timestamp, 'X-Sammelpunkt-Signature': signConfirmation(secret, timestamp, raw) } });
      } },
      { name: 'admin partner', body: partnerBody(hostilePartnerId, { fraud: { holdAboveBasketFactor: 10 }, detection: { pathPattern: '^/thanks', orderIdSelector: '#o', amountSelector: '#a' } }) as Json, send: admin(`/v1/admin/partners/${hostilePartnerId}`) },
      { name: 'admin offer', body: { id: hostileOfferId, title: 'Offer', kind: 'bonus', bonusPoints: 5, minAmountMinor: 100, startsAt: now(), endsAt: '2030-01-01T00:00:00Z', tier: 'gold', perMemberLimit: 1, partnerId }, send: admin(`/v1/admin/offers/${hostileOfferId}`) },
      { name: 'admin reward', body: { id: hostileRewardId, title: 'Reward', kind: 'donation', pointsCost: 100, active: true, charityId: 'charity', charityName: 'Charity' }, send: admin(`/v1/admin/rewards/${hostileRewardId}`) },
    ];
  };

  it('answers every field replaced by every hostile value without a 5xx, each refusal in the error envelope', async () => {
    const failures: string[] = [];
    for (const endpoint of endpoints()) {
      for (const path of leaves(endpoint.body)) {
        for (const raw of HOSTILE_JSON) {
          const res = await endpoint.send(replaced(endpoint.body, path, raw));
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const text = await res.text();
          if (res.status >= 500) failures.push(`${endpoint.name} ${path.join('.')} = ${raw.slice(0, 40)}: ${res.status} ${text.slice(0, 200)}`);
          else if (res.status >= 400 && !/^\{"error":\{"code":/.test(text)) failures.push(`${endpoint.name} ${path.join('.')}: ${res.status} without the envelope`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
