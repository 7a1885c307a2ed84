/**
 * Rate limits hold across replicas: two server processes on one PostgreSQL
 * count against the same windows, so a client spreading its requests over
 * both (as a load balancer does) gets no more than the limit, and the 429
 * with Retry-After comes from whichever process answers.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  PASSWORD,
  postgresSchema,
  purchase,
  putPartner,
  register,
  sendReport,
  signedReport,
  startServerProcess,
  type ServerProcess,
} from './server-process.ts';

const LIMITS = {
  // The test client stands in for the load balancer: it writes the X-Forwarded-For entry the servers trust.
  TRUST_PROXY_HOPS: '1',
  RATE_LIMIT_LOGIN_IP_PER_MIN: '6',
  RATE_LIMIT_LOGIN_ACCOUNT_PER_HOUR: '4',
  RATE_LIMIT_MEMBER_PER_MIN: '10',
  RATE_LIMIT_PARTNER_PER_MIN: '5',
};

/** Sends `count` requests spread evenly over the replicas, all at once; returns the statuses and Retry-After values. */
async function burst(servers: ServerProcess[], count: number, send: (base: string, i: number) => Promise<Response>) {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => send(servers[i % servers.length]!.base, i)));
  return answers.map((r, i) => ({ status: r.status, retryAfter: r.headers.get('Retry-After'), replica: i % servers.length }));
}

function expectLimited(answers: Awaited<ReturnType<typeof burst>>, limit: number) {
  const refused = answers.filter((a) => a.status === 429);
  expect(answers.length - refused.length).toBe(limit);
  for (const a of refused) expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
  // Both processes refused: the shared window, not one process's memory, decided.
  expect(new Set(refused.map((a) => a.replica)).size).toBe(2);
}

describe.skipIf(!process.env.DATABASE_URL)('rate limits shared by two replicas on one PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof postgresSchema>>;
  let servers: ServerProcess[];

  beforeAll(async () => {
    pg = await postgresSchema();
    servers = await Promise.all([startServerProcess({ DATABASE_URL: pg.url }, LIMITS), startServerProcess({ DATABASE_URL: pg.url }, LIMITS)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await pg?.drop();
  });

  const login = (base: string, email: string, ip: string) =>
    call(base, 'POST', '/v1/auth/login', { body: { email, password: 'wrong password here' }, headers: { 'X-Forwarded-For': ip } });

  it('counts login attempts per IP over both replicas', async () => {
    const ip = `203.0.113.${randomBytes(1)[0]}`;
    const answers = await burst(servers, 14, (base) => login(base, `nobody-${randomUUID()}@example.test`, ip));
    expectLimited(answers, 6);
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 401)).toBe(true);
  });

  it('counts login attempts per account from new addresses over both replicas, whatever the IP', async () => {
    const member = await register(servers[0]!.base);
    const answers = await burst(servers, 12, (base, i) => login(base, member.email, `198.51.100.${i + 1}`));
    expectLimited(answers, 4);
    // The right password does not get through a full window either.
    const right = await call(servers[1]!.base, 'POST', '/v1/auth/login', {
      body: { email: member.email, password: PASSWORD },
      headers: { 'X-Forwarded-For': '198.51.100.200' },
    });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('Retry-After'))).toBeGreaterThan(60);
  });

  it('counts ingest requests per token over both replicas', async () => {
    const partner = await putPartner(servers[0]!.base);
    const member = await register(servers[0]!.base);
    const answers = await burst(servers, 20, (base, i) =>
      call(base, 'POST', '/v1/purchases', { token: member.token, body: { purchases: [purchase(partner.id, `rl-${i}-${randomUUID()}`, 1000)] } }),
    );
    expectLimited(answers, 10);
    // Only the requests let through booked anything.
    const rows = await pg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM purchases WHERE member_id = $1', [member.id]);
    expect(rows[0]!.n).toBe(10);
    // Another member's token has a window of its own.
    const other = await register(servers[1]!.base);
    const fresh = await call(servers[1]!.base, 'POST', '/v1/purchases', {
      token: other.token,
      body: { purchases: [purchase(partner.id, `rl-other-${randomUUID()}`, 1000)] },
    });
    expect(fresh.status).toBe(200);
  });

  it('counts confirmation requests per partner over both replicas', async () => {
    const partner = await putPartner(servers[0]!.base);
    const answers = await burst(servers, 12, (base, i) =>
      sendReport(base, signedReport(partner, [{ orderId: `never-sold-${i}-${randomUUID()}`, status: 'confirmed' }])),
    );
    expectLimited(answers, 5);
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 200)).toBe(true);
    const body = (await (await sendReport(servers[1]!.base, signedReport(partner, [{ orderId: 'x', status: 'confirmed' }]))).json()) as {
      error: { code: string };
    };
    expect(body.error.code).toBe('rate_limited');
  });
});
