/** Registration, login (one token per device), logout and login throttling. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../server/routes/auth.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode, lastMail, PASSWORD, signUp, uniqueName } from './helpers.ts';

const ACCOUNT_LIMIT = 5;
const IP_LIMIT = 8;

describe.each(backends)('auth (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend, {
      // Behind one trusted proxy: the last X-Forwarded-For entry is the client's address.
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN: String(ACCOUNT_LIMIT),
      RATE_LIMIT_LOGIN_IP_PER_MIN: String(IP_LIMIT),
    });
  });
  afterAll(() => server.close());

  /** Each test logs in from its own address, so the per-IP limit only bites where a test wants it. */
  const login = (email: string, password: string, ip = uniqueName('ip'), device?: string) =>
    server.call('POST', '/v1/auth/login', { body: { email, password, ...(device ? { device } : {}) }, headers: { 'X-Forwarded-For': `10.0.0.1, ${ip}` } });
  const me = (token: string) => server.call('GET', '/v1/me', { token });

  describe('happy path', () => {
    it('registers a member: 201 with a working token and a Luhn-checked 10-digit card number', async () => {
      const email = `${uniqueName('anna')}@example.test`;
      const res = await server.call('POST', '/v1/auth/register', { body: { email, password: PASSWORD, device: 'Chrome on laptop' } });
      expect(res.status).toBe(201);
      const { token, member } = (await res.json()) as { token: string; member: { id: string; email: string; memberNumber: string; createdAt: string } };
      expect(member.email).toBe(email);
      expect(member.memberNumber).toMatch(/^[1-9]\d{9}$/);
      expect(luhnCheckDigit(member.memberNumber.slice(0, 9))).toBe(Number(member.memberNumber[9]));
      const profile = await me(token);
      expect(profile.status).toBe(200);
      expect(await profile.json()).toMatchObject({ member: { id: member.id }, balance: { available: 0, pending: 0, lifetime: 0 } });
    });

    it('logs in with any capitalisation of the email, minting a new token per device', async () => {
      const account = await signUp(server);
      const res = await login(account.email.toUpperCase(), PASSWORD, undefined, 'Firefox on phone');
      expect(res.status).toBe(200);
      const { token, member } = (await res.json()) as { token: string; member: { id: string } };
      expect(member.id).toBe(account.id);
      expect(token).not.toBe(account.token);
      expect((await me(token)).status).toBe(200);
      expect((await me(account.token)).status).toBe(200);
    });

    it('logs out one device: that token stops working, the other device stays signed in', async () => {
      const account = await signUp(server);
      const second = ((await (await login(account.email, PASSWORD)).json()) as { token: string }).token;
      const res = await server.call('POST', '/v1/auth/logout', { token: second });
      expect([200, 204]).toContain(res.status);
      expect((await me(second)).status).toBe(401);
      expect((await me(account.token)).status).toBe(200);
    });

    it('stores the password only as a salted scrypt hash', async () => {
      const a = await signUp(server);
      const b = await signUp(server);
      const rows = await server.db.query<{ password_hash: string }>('SELECT password_hash FROM members WHERE id = ANY($1::uuid[]) ORDER BY id', [[a.id, b.id]]);
      for (const r of rows) {
        expect(r.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
        expect(r.password_hash).not.toContain(PASSWORD);
      }
      expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
    });
  });

  describe('refusals', () => {
    it('tried: registering a taken email in other capitals; answered like a new account, the owner keeps theirs and is told by mail', async () => {
      const account = await signUp(server);
      const res = await server.call('POST', '/v1/auth/register', { body: { email: account.email.toUpperCase(), password: 'a different long passphrase' } });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { token: string; member: { id: string; email: string; emailVerified: boolean } };
      expect(body.member).toMatchObject({ email: account.email, emailVerified: false });
      expect(body.member.id).not.toBe(account.id);
      // The owner's account and password are untouched, and the mail says what happened.
      expect((await login(account.email, PASSWORD)).status).toBe(200);
      expect((await login(account.email, 'a different long passphrase')).status).toBe(401);
      expect((await lastMail(server, account.email)).subject).toBe('Sammelpunkt: you already have an account');
      // The second account can never verify the address: no code was mailed for it.
      const resend = await server.call('POST', '/v1/auth/verify-email/resend', { token: body.token });
      expect(resend.status).toBe(202);
      expect((await lastMail(server, account.email)).subject).toBe('Sammelpunkt: you already have an account');
    });

    it('refuses malformed JSON with 400 in the error envelope', async () => {
      const res = await server.call('POST', '/v1/auth/register', { body: '{"email": "a@b.de", ' });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('bad_request');
    });

    it('refuses wrong types, a bad email and a short password with 400', async () => {
      for (const body of [{ email: 42, password: PASSWORD }, { email: 'not-an-email', password: PASSWORD }, { email: 'a@b.de', password: 'short' }, []]) {
        const res = await server.call('POST', '/v1/auth/register', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(await errorCode(res)).toBe('bad_request');
      }
    });

    it('refuses a body over 64 KB with 413', async () => {
      const res = await server.call('POST', '/v1/auth/register', { body: { email: 'a@b.de', password: 'x'.repeat(70_000) } });
      expect(res.status).toBe(413);
      expect(await errorCode(res)).toBe('payload_too_large');
    });

    it('answers a wrong password and an unknown email alike: 401, same message', async () => {
      const account = await signUp(server);
      const wrong = await login(account.email, 'not the password');
      const unknown = await login(`${uniqueName('nobody')}@example.test`, PASSWORD);
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const message = (r: unknown) => (r as { error: { message: string } }).error.message;
      expect(message(await wrong.json())).toBe(message(await unknown.json()));
    });

    it('refuses member routes without a token, with a made-up token and with a revoked one: 401', async () => {
      const account = await signUp(server);
      expect((await server.call('GET', '/v1/me')).status).toBe(401);
      expect((await me('sp_made-up-token')).status).toBe(401);
      await server.call('POST', '/v1/auth/logout', { token: account.token });
      const revoked = await me(account.token);
      expect(revoked.status).toBe(401);
      expect(await errorCode(revoked)).toBe('unauthorized');
      expect((await server.call('POST', '/v1/auth/logout', { token: account.token })).status).toBe(401);
    });
  });

  describe('attacks', () => {
    it('throttles password guessing on one account from one address: 429 with Retry-After, even for the right password', async () => {
      const account = await signUp(server);
      const ip = uniqueName('guesser');
      for (let i = 0; i < ACCOUNT_LIMIT; i++) expect((await login(account.email, `guess-${i}-xxxx`, ip)).status).toBe(401);
      const blocked = await login(account.email, PASSWORD, ip);
      expect(blocked.status).toBe(429);
      expect(await errorCode(blocked)).toBe('rate_limited');
      const retryAfter = Number(blocked.headers.get('Retry-After'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // The member's existing sessions are untouched, and the lock lifts when the window ends.
      expect((await me(account.token)).status).toBe(200);
      server.clock.advance(retryAfter * 1000);
      expect((await login(account.email, PASSWORD, ip)).status).toBe(200);
    });

    it('throttles one address trying many accounts: 429 with Retry-After', async () => {
      const ip = uniqueName('attacker');
      for (let i = 0; i < IP_LIMIT; i++) expect((await login(`${uniqueName('victim')}@example.test`, PASSWORD, ip)).status).toBe(401);
      const blocked = await login(`${uniqueName('victim')}@example.test`, PASSWORD, ip);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
      // Another address is not affected.
      const account = await signUp(server);
      expect((await login(account.email, PASSWORD)).status).toBe(200);
    });
  });
});
