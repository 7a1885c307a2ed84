/**
 * Limits an attacker can neither dodge nor turn against members (issue 21,
 * item 4). The server runs behind one trusted proxy (TRUST_PROXY_HOPS=1), so
 * a test picks a client's address by the last X-Forwarded-For entry, the one
 * that proxy would have appended; anything before it is the client's own word.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JOBS, pruneRateLimitsJob } from '../../server/jobs/scheduler.ts';
import { clientAddressFrom } from '../../server/platform/client-address.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { addPartner, DAY_MS, errorCode, PASSWORD, partnerBody, uniqueName } from './helpers.ts';

const LIMITS = {
  TRUST_PROXY_HOPS: '1',
  RATE_LIMIT_LOGIN_IP_PER_MIN: '8',
  RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN: '5',
  RATE_LIMIT_LOGIN_ACCOUNT_PER_HOUR: '12',
  RATE_LIMIT_REGISTER_IP_PER_DAY: '3',
  RATE_LIMIT_ADMIN_FAILURES_PER_15MIN: '4',
  RATE_LIMIT_CLAIMS_PER_DAY: '2',
  RATE_LIMIT_MEMBER_PER_MIN: '6',
  RATE_LIMIT_PARTNER_PER_MIN: '2',
};

let addressCounter = 0;
const newAddress = () => `203.0.113.${++addressCounter % 250}-${uniqueName('a')}`;

describe('the client address', () => {
  it('is the socket without trusted proxies, and the hop the proxies appended with them', () => {
    expect(clientAddressFrom('198.51.100.9', 'forged-1, forged-2', 0)).toBe('198.51.100.9');
    expect(clientAddressFrom('10.0.0.1', 'forged, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddressFrom('10.0.0.2', 'forged, 203.0.113.7, 10.0.0.1', 2)).toBe('203.0.113.7');
    expect(clientAddressFrom('::ffff:198.51.100.9', undefined, 0)).toBe('198.51.100.9');
    // A request that reached the server past its proxy: the leftmost it has.
    expect(clientAddressFrom('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
  });
});

describe.each(backends)('limits (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend, LIMITS);
  });
  afterAll(() => server.close());

  const from = (address: string, forged = 'forged') => ({ 'X-Forwarded-For': `${forged}, ${address}` });
  const register = async (address: string) => {
    const email = `${uniqueName('member')}@example.test`;
    const res = await server.call('POST', '/v1/auth/register', { body: { email, password: PASSWORD }, headers: from(address) });
    return { res, email };
  };
  const signUpFrom = async (address = newAddress()) => {
    const { res, email } = await register(address);
    expect(res.status).toBe(201);
    return { email, ...((await res.json()) as { token: string; member: { id: string } }) };
  };
  const login = (email: string, password: string, address: string, forged?: string) =>
    server.call('POST', '/v1/auth/login', { body: { email, password }, headers: from(address, forged) });

  it('tried: 25 wrong logins from one address, each with a different forged first X-Forwarded-For hop; refused from the 9th', async () => {
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await login(`${uniqueName('x')}@example.test`, 'wrong password', address, `198.18.0.${i}`)).status);
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(8).every((s) => s === 429)).toBe(true);
    // Someone else, from their own address, signs in as usual.
    const other = await signUpFrom();
    expect((await login(other.email, PASSWORD, newAddress())).status).toBe(200);
  });

  it('tried: wrong passwords for one member from 40 rotating addresses; the member still signs in from their own device', async () => {
    const home = newAddress();
    const member = await signUpFrom(home);
    expect((await login(member.email, PASSWORD, home)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await login(member.email, `guess-${i}-xxxx`, newAddress())).status);
    // The account-wide limit for unknown addresses stops the spread guessing after 12 attempts.
    expect(statuses.filter((s) => s === 401)).toHaveLength(12);
    expect(statuses.filter((s) => s === 429)).toHaveLength(28);
    // The member's own address is not locked out, and the existing session keeps working.
    expect((await login(member.email, PASSWORD, home)).status).toBe(200);
    expect((await server.call('GET', '/v1/me', { token: member.token })).status).toBe(200);
  });

  it('tried: 6 guesses for one account from one address; the 6th is refused, the account from elsewhere is not', async () => {
    const member = await signUpFrom();
    const attacker = newAddress();
    for (let i = 0; i < 5; i++) expect((await login(member.email, `guess-${i}-xxxx`, attacker)).status).toBe(401);
    const blocked = await login(member.email, PASSWORD, attacker);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await login(member.email, PASSWORD, newAddress())).status).toBe(200);
  });

  it('tried: 5 registrations from one address in a day; the 4th and 5th are refused, another address registers', async () => {
    const address = newAddress();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await register(address)).res.status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect((await register(newAddress())).res.status).toBe(201);
    server.clock.advance(DAY_MS);
    expect((await register(address)).res.status).toBe(201);
  });

  it('tried: 5 registrations from 5 addresses of one IPv6 /64; the 4th and 5th are refused, another /64 registers', async () => {
    const net = `2001:db8:${(++addressCounter).toString(16)}:7`;
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push((await register(`${net}::${i.toString(16)}:a0b:${i}`)).res.status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect((await register(`2001:db8:${(++addressCounter).toString(16)}:7::1`)).res.status).toBe(201);
  });

  it('tried: wrong passwords for a member from 40 addresses of other networks; the member signs in from a new address of its own /64 (IPv6 privacy addresses change daily)', async () => {
    const home = `2001:db8:${(++addressCounter).toString(16)}:42`;
    const member = await signUpFrom(`${home}::1`);
    for (let i = 0; i < 40; i++) await login(member.email, `guess-${i}-xxxx`, newAddress());
    expect((await login(member.email, PASSWORD, `${home}:8d3e:11ff:fe2a:9c01`)).status).toBe(200);
  });

  it('tried: a member signs in again to mint a fresh allowance; the limit is the member’s, whatever the token', async () => {
    const member = await signUpFrom();
    const second = (await (await login(member.email, PASSWORD, newAddress())).json()) as { token: string };
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await server.call('GET', '/v1/me', { token: i % 2 ? second.token : member.token })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const blocked = await server.call('GET', '/v1/me', { token: second.token });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('RateLimit')).toMatch(/^"member";r=0;t=\d+$/);
  });

  it('says on every member answer how much of the limit is left (IETF RateLimit fields)', async () => {
    const member = await signUpFrom();
    const res = await server.call('GET', '/v1/me', { token: member.token });
    expect(res.headers.get('RateLimit-Policy')).toBe('"member";q=6;w=60');
    expect(res.headers.get('RateLimit')).toMatch(/^"member";r=5;t=\d+$/);
  });

  it('tried: 6 guesses of the operator token from one address; the right token from there waits, from the operator’s address it works', async () => {
    const attacker = newAddress();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await server.call('PUT', '/v1/admin/partners/guess', { token: `guess-${i}-0123456789abcdef`, headers: from(attacker), body: partnerBody('guess') })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const id = uniqueName('shop');
    const right = await server.call('PUT', `/v1/admin/partners/${id}`, { token: ADMIN_TOKEN, headers: from(attacker), body: partnerBody(id) });
    expect(right.status).toBe(429);
    const operator = await server.call('PUT', `/v1/admin/partners/${id}`, { token: ADMIN_TOKEN, headers: from(newAddress()), body: partnerBody(id) });
    expect(operator.status).toBe(201);
  });

  it('tried: one signed partner request replayed 5 times; the replays are refused and use none of the partner’s allowance', async () => {
    const secret = `secret-${randomUUID()}`;
    const partnerId = await addPartner(server, { secret });
    const send = (raw: string) => {
      const ts = String(Math.floor(server.clock.now().getTime() / 1000));
      return { raw, headers: { 'X-Sammelpunkt-Partner': partnerId, 'X-Sammelpunkt-Timestamp': ts, 'X-Sammelpunkt-Signature': signConfirmation(secret, ts, raw) } };
    };
    const post = (r: { raw: string; headers: Record<string, string> }) => server.call('POST', '/v1/partner-api/confirmations', { body: r.raw, headers: r.headers });
    const first = send(JSON.stringify({ orders: [{ orderId: 'never-1', status: 'confirmed' }] }));
    expect((await post(first)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await post(first)).status).toBe(401);
    // The partner's limit is 2 a minute: its own second request still gets through.
    expect((await post(send(JSON.stringify({ orders: [{ orderId: 'never-2', status: 'confirmed' }] })))).status).toBe(200);
  });

  it('tried: 3 missing-points claims in a day; the 3rd is refused, the next day it is taken', async () => {
    const partnerId = await addPartner(server);
    const member = await signUpFrom();
    const claim = () =>
      server.call('POST', `/v1/purchases/${randomUUID()}/claim`, {
        token: member.token,
        body: { partnerId, orderId: uniqueName('o'), amountMinor: 1000, currency: 'EUR', detectedAt: server.clock.now().toISOString() },
      });
    expect((await claim()).status).toBe(201);
    expect((await claim()).status).toBe(201);
    const blocked = await claim();
    expect(blocked.status).toBe(429);
    expect(await errorCode(blocked)).toBe('rate_limited');
    server.clock.advance(DAY_MS);
    expect((await claim()).status).toBe(201);
  });

  it('prunes counters whose window ended days ago, in the scheduler', async () => {
    const old = new Date(server.clock.now().getTime() - 3 * DAY_MS).toISOString();
    await server.db.query(`INSERT INTO rate_limits (key, window_start, count) VALUES ('stale-test', $1, 5)`, [old]);
    const fresh = new Date(server.clock.now().getTime() - 60_000).toISOString();
    await server.db.query(`INSERT INTO rate_limits (key, window_start, count) VALUES ('fresh-test', $1, 5)`, [fresh]);
    expect(DEFAULT_JOBS).toContain(pruneRateLimitsJob);
    await pruneRateLimitsJob.run({ db: server.db, now: server.clock.now(), keepAlive: async () => true });
    expect(await server.db.query(`SELECT 1 FROM rate_limits WHERE key = 'stale-test'`)).toEqual([]);
    expect(await server.db.query(`SELECT 1 FROM rate_limits WHERE key = 'fresh-test'`)).toHaveLength(1);
  });
});
