/**
 * The API fed a fuzz corpus generated from its own OpenAPI document: for every
 * operation, valid-ish bodies (from the request schema), mutated bodies
 * (fields dropped, wrong types, hostile strings, prototype keys), broken
 * JSON, oversized bodies, junk path parameters, cursors and headers, with and
 * without valid credentials (member token, operator token, partner HMAC).
 *
 * Must hold: never a 5xx, and every answer that is not a success comes in the
 * error envelope {error:{code,message,requestId}}. Fixed seed; CI sends about
 * 2,000 requests, `SOAK=1` 20,000.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../server/harness.ts';
import { partnerBody, signUp, uniqueName } from '../server/helpers.ts';
import { generate, hostileValue, mutate, pick, type Gen, type Json, type Schema } from './schema-gen.ts';

const SOAK = process.env.SOAK === '1';
const ROUNDS = SOAK ? 100 : 10;
const SEED = 8;

interface Operation {
  method: string;
  path: string;
  security: string;
  bodySchema?: Schema;
  query: string[];
  headers: string[];
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('API fuzz from /openapi.json', () => {
  let server: TestServer;
  let operations: Operation[];
  let g: Gen;
  const partnerSecret = 'fuzz-partner-secret-0123456789';
  let partnerId: string;
  let memberToken: string;

  beforeAll(async () => {
    server = await startTestServer('pglite', {
      RATE_LIMIT_MEMBER_PER_MIN: '1000000',
      RATE_LIMIT_LOGIN_IP_PER_MIN: '1000000',
      RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN: '1000000',
      RATE_LIMIT_PARTNER_PER_MIN: '1000000',
      RATE_LIMIT_LOGIN_ACCOUNT_PER_HOUR: '1000000',
      RATE_LIMIT_ADMIN_FAILURES_PER_15MIN: '1000000',
      RATE_LIMIT_CLAIMS_PER_DAY: '1000000',
      RATE_LIMIT_MAIL_PER_DAY: '1000000',
      RATE_LIMIT_EXPORT_PER_DAY: '1000000',
    });
    memberToken = (await signUp(server)).token;
    partnerId = uniqueName('fuzzshop');
    const put = await server.call('PUT', `/v1/admin/partners/${partnerId}`, { token: ADMIN_TOKEN, body: partnerBody(partnerId, { secret: partnerSecret }) });
    expect(put.status).toBe(201);
    const doc = (await (await server.call('GET', '/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[]; parameters?: { name: string; in: string }[]; requestBody?: { content: { 'application/json': { schema: Schema } } } }>>;
      components: { schemas: Record<string, Schema> };
    };
    g = { random: seeded(SEED), schemas: doc.components.schemas };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        security: Object.keys(op.security?.[0] ?? {}).join(','),
        bodySchema: op.requestBody?.content['application/json'].schema,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        headers: (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name),
      })),
    );
  }, 120_000);
  afterAll(() => server.close());

  const PATH_JUNK = ['x', '00000000-0000-0000-0000-000000000000', crypto.randomUUID(), '%00', '..%2F..%2Fadmin', 'a'.repeat(300), '%F0%9F%98%80', '__proto__', '-1', "1'or'1'='1"];

  async function credentialsFor(op: Operation, headers: Record<string, string>, raw: string | undefined): Promise<void> {
    const roll = g.random();
    if (roll < 0.1) return; // none
    if (roll < 0.2) {
      headers.Authorization = pick(g, ['Bearer ', 'Bearer x', 'Basic YTpi', `Bearer ${'a'.repeat(5000)}`, 'Bearer %00\u00e9', ADMIN_TOKEN]);
      return;
    }
    if (op.security.includes('adminBearer')) headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
    else if (op.security.includes('bearer')) {
      // Erasure and logout end the token they are sent with: a fresh member for those
      // (sparingly: registration hashes a password with scrypt).
      const ends = op.path === '/v1/auth/logout' || (op.path === '/v1/me' && op.method === 'DELETE');
      headers.Authorization = `Bearer ${ends ? (await signUp(server)).token : memberToken}`;
    } else if (op.security.includes('partner')) {
      const timestamp = String(Math.floor(server.clock.now().getTime() / 1000) + (g.random() < 0.2 ? pick(g, [-400, 400, 1e9]) : 0));
      server.clock.advance(1000);
      headers['X-Sammelpunkt-Partner'] = g.random() < 0.9 ? partnerId : pick(g, ['nope', '', '__proto__']);
      headers['X-Sammelpunkt-Timestamp'] = g.random() < 0.9 ? timestamp : pick(g, ['', 'abc', '-1', '1e99']);
      headers['X-Sammelpunkt-Signature'] =
        g.random() < 0.85 ? `sha256=${createHmac('sha256', partnerSecret).update(`${timestamp}.${raw ?? ''}`).digest('hex')}` : pick(g, ['sha256=', 'md5=00', 'sha256=zz']);
    }
  }

  function bodyFor(op: Operation): string | undefined {
    if (op.bodySchema === undefined) return g.random() < 0.1 ? '{"unexpected":true}' : undefined;
    const roll = g.random();
    const valid = generate(g, op.bodySchema);
    if (roll < 0.3) return JSON.stringify(valid);
    if (roll < 0.8) {
      let value: Json = valid;
      for (let i = 0, n = 1 + Math.floor(g.random() * 3); i < n; i++) value = mutate(g, value);
      return JSON.stringify(value);
    }
    if (roll < 0.87) return JSON.stringify(hostileValue(g));
    if (roll < 0.93) return pick(g, ['', '{', 'null', '[]', '{"a":1,}', '\u0000', '{"__proto__":{"x":1}}', `${'['.repeat(5000)}${']'.repeat(5000)}`]);
    // Over the 64 KB limit.
    return JSON.stringify({ purchases: [], padding: 'x'.repeat(70 * 1024) });
  }

  it(`answers ${ROUNDS} rounds over every operation without a 5xx, errors always enveloped`, async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let requests = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of operations) {
        for (let k = 0; k < 10; k++) {
          const path =
            op.path.replace(/\{(\w+)\}/g, () => (g.random() < 0.5 ? `fuzz-${Math.floor(g.random() * 100)}` : pick(g, PATH_JUNK))) +
            (op.query.length > 0 && g.random() < 0.6 ? `?${op.query[0]}=${encodeURIComponent(String(pick(g, ['', 'abc', '-1', '%', 'MTIz', '9'.repeat(40), '{"seq":-1}'])))}` : '');
          const raw = op.method === 'GET' ? undefined : bodyFor(op);
          const headers: Record<string, string> = {};
          if (raw !== undefined) headers['Content-Type'] = g.random() < 0.9 ? 'application/json' : pick(g, ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']);
          for (const name of op.headers) {
            if (name.startsWith('X-Sammelpunkt')) continue;
            if (g.random() < 0.8) headers[name] = g.random() < 0.7 ? `fuzz-${Math.floor(g.random() * 1e6)}` : pick(g, ['', 'x'.repeat(1000), '"*"', 'W/"x"']);
          }
          await credentialsFor(op, headers, raw);
          const res = await server.app.request(path, { method: op.method, headers, body: raw });
          requests++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const label = `${op.method} ${path.slice(0, 80)} -> ${res.status}`;
          if (res.status >= 500) failures.push(`${label} ${(await res.text()).slice(0, 200)}`);
          else if (res.status >= 400) {
            const text = await res.text();
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
            const error = (body as { error?: Record<string, unknown> } | null)?.error;
            if (typeof error?.code !== 'string' || typeof error.message !== 'string' || typeof error.requestId !== 'string') {
              failures.push(`${label} not enveloped: ${text.slice(0, 200)}`);
            }
          } else await res.arrayBuffer();
        }
      }
    }
    console.log(`[api-fuzz] seed=${SEED} operations=${operations.length} requests=${requests} statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))} failures=${failures.length}`);
    expect(failures.slice(0, 20)).toEqual([]);
  }, SOAK ? 3_600_000 : 300_000);
});

// Found by the soak run of the fuzz above (seed 8, 20,000 requests): a NUL
// character in a stored text field (the device label, the referral code) was
// a 500, because PostgreSQL text cannot hold U+0000.
describe('.security: NUL characters in stored text are a 400, not a 500', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  }, 120_000);
  afterAll(() => server.close());

  it.each([
    ['the device label', { device: 'Laptop\u0000' }],
    ['the referral code', { referralCode: '\u0000' }],
  ])('in %s at registration', async (_name, extra) => {
    const res = await server.call('POST', '/v1/auth/register', { body: { email: `${uniqueName('nul')}@example.test`, password: 'correct horse battery', ...extra } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('in a partner name from the operator', async () => {
    const id = uniqueName('nulshop');
    const res = await server.call('PUT', `/v1/admin/partners/${id}`, { token: ADMIN_TOKEN, body: partnerBody(id, { name: 'Shop\u0000' }) });
    expect(res.status).toBe(400);
  });
});
