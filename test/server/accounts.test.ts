/**
 * Accounts a real programme would ship (issue 21, item 3): email
 * verification before points can be spent, passwords that are hard to guess
 * and hashed at OWASP's cost, password change and reset, signing out
 * everywhere, tokens that expire, and an erasure that asks for the password
 * and does not wipe a debt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { parseEnv } from '../../server/platform/env.ts';
import { createApp } from '../../server/index.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { DAY_MS, errorCode, lastMail, PASSWORD, signUp, uniqueName, verifyEmail } from './helpers.ts';
import { buy, createPartner, createReward, report } from './lifecycle-helpers.ts';

describe('password hashing defaults', () => {
  it('hashes at OWASP scrypt parameters unless told otherwise (N=2^17, r=8, p=1)', () => {
    expect(parseEnv({}).SCRYPT_LOG_N).toBe(17);
    expect(() => parseEnv({ SCRYPT_LOG_N: '9' })).toThrow(/SCRYPT_LOG_N/);
  });
});

describe.each(backends)('accounts (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend, { TOKEN_IDLE_DAYS: '3', TOKEN_MAX_DAYS: '10' });
  });
  afterAll(() => server.close());

  const email = () => `${uniqueName('member')}@example.test`;
  const register = (address: string, password = PASSWORD) => server.call('POST', '/v1/auth/register', { body: { email: address, password } });
  const login = (address: string, password = PASSWORD) => server.call('POST', '/v1/auth/login', { body: { email: address, password } });
  const me = (token: string) => server.call('GET', '/v1/me', { token });
  const tokenOf = async (res: Response) => ((await res.json()) as { token: string }).token;

  describe('email verification', () => {
    it('tried: spending points before confirming the email; 403 email_not_verified, then the mailed code unlocks it', async () => {
      const member = await signUp(server, email(), { verified: false });
      const profile = (await (await me(member.token)).json()) as { member: { emailVerified: boolean } };
      expect(profile.member.emailVerified).toBe(false);
      const mail = await lastMail(server, member.email);
      expect(mail.text).toContain(mail.code);

      const partner = await createPartner(server);
      const bought = await buy(server, { id: member.id, token: member.token }, partner.id, 10_00);
      await report(server, partner, [{ orderId: bought.orderId, status: 'confirmed' }]);
      const rewardId = await createReward(server, { kind: 'voucher', pointsCost: 5 });
      const redeem = () => server.call('POST', '/v1/redemptions', { token: member.token, body: { rewardId }, headers: { 'Idempotency-Key': `k-${member.id}` } });
      const refused = await redeem();
      expect(refused.status).toBe(403);
      expect(await errorCode(refused)).toBe('email_not_verified');

      await verifyEmail(server, member);
      expect(((await (await me(member.token)).json()) as { member: { emailVerified: boolean } }).member.emailVerified).toBe(true);
      // The same key works now: the refusal was not stored under it.
      expect((await redeem()).status).toBe(201);
    });

    it('tried: guessing the code; a wrong code is 400, five wrong ones use it up, a resent code works', async () => {
      const member = await signUp(server, email(), { verified: false });
      const { code } = await lastMail(server, member.email);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const verify = (c: string) => server.call('POST', '/v1/auth/verify-email', { token: member.token, body: { code: c } });
      for (let i = 0; i < 5; i++) {
        const res = await verify(wrong);
        expect(res.status).toBe(400);
        expect(await errorCode(res)).toBe('invalid_code');
      }
      expect((await verify(code!)).status).toBe(400);
      expect((await server.call('POST', '/v1/auth/verify-email/resend', { token: member.token })).status).toBe(202);
      const fresh = await lastMail(server, member.email);
      expect(fresh.code).not.toBe(code);
      expect((await verify(fresh.code!)).status).toBe(200);
    });
  });

  describe('passwords', () => {
    it('tried: 12345678, password1 and the email itself as passwords; each refused with 400 weak_password, and nothing is created', async () => {
      const address = email();
      for (const password of ['12345678', 'password1', address]) {
        const res = await register(address, password);
        expect(res.status).toBe(400);
        expect(await errorCode(res)).toBe('weak_password');
      }
      expect((await login(address, '12345678')).status).toBe(401);
    });

    it('rehashes a password stored at a lower cost on the next login', async () => {
      const member = await signUp(server);
      const stored = async () => (await server.db.query<{ password_hash: string }>('SELECT password_hash FROM members WHERE id = $1', [member.id]))[0]!.password_hash;
      expect((await stored()).split('$')[1]).toBe(String(2 ** 10));
      const stronger = createApp({ ...server.deps, env: { ...server.env, SCRYPT_LOG_N: 11 } });
      const res = await stronger.request('/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: member.email, password: PASSWORD }) });
      expect(res.status).toBe(200);
      expect((await stored()).split('$')[1]).toBe(String(2 ** 11));
      expect((await login(member.email)).status).toBe(200);
    });

    it('changes the password with the current one, and signs out every other device', async () => {
      const member = await signUp(server);
      const phone = await tokenOf(await login(member.email));
      const change = (currentPassword: string, newPassword: string) =>
        server.call('POST', '/v1/auth/password', { token: member.token, body: { currentPassword, newPassword } });
      const wrong = await change('not my password', 'a brand new passphrase');
      expect(wrong.status).toBe(403);
      expect(await errorCode(wrong)).toBe('wrong_password');
      expect(await errorCode(await change(PASSWORD, '12345678'))).toBe('weak_password');
      expect((await change(PASSWORD, 'a brand new passphrase')).status).toBe(204);
      expect((await me(member.token)).status).toBe(200);
      expect((await me(phone)).status).toBe(401);
      expect((await login(member.email)).status).toBe(401);
      expect((await login(member.email, 'a brand new passphrase')).status).toBe(200);
    });

    it('resets a forgotten password by mail; an unknown email is answered alike and gets no mail', async () => {
      const member = await signUp(server);
      const unknown = email();
      const ask = (address: string) => server.call('POST', '/v1/auth/password-reset', { body: { email: address } });
      expect((await ask(unknown)).status).toBe(202);
      expect((await ask(member.email)).status).toBe(202);
      const outbox = await server.call('GET', `/v1/admin/outbox?to=${encodeURIComponent(unknown)}`, { token: ADMIN_TOKEN });
      expect(((await outbox.json()) as { mails: unknown[] }).mails).toEqual([]);
      const { code, subject } = await lastMail(server, member.email);
      expect(subject).toContain('reset');
      const confirm = (c: string, newPassword = 'reset passphrase for anna') =>
        server.call('POST', '/v1/auth/password-reset/confirm', { body: { email: member.email, code: c, newPassword } });
      expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(await errorCode(await confirm(code === 'AAAA-AAAA-AAAA' ? 'BBBB-BBBB-BBBB' : 'AAAA-AAAA-AAAA'))).toBe('invalid_code');
      // A six-digit code (the verification kind) is not a reset code.
      expect(await errorCode(await confirm('123456'))).toBe('bad_request');
      // Typed in lower case and without its dashes, it still works.
      expect((await confirm(code!.toLowerCase().replaceAll('-', ''))).status).toBe(204);
      expect((await me(member.token)).status).toBe(401);
      expect((await login(member.email, 'reset passphrase for anna')).status).toBe(200);
      // A used code does not work twice.
      expect((await confirm(code!, 'another passphrase again')).status).toBe(400);
    });
    it('tried: a stranger asks for 8 resets of a member\'s email and sends 15 wrong codes; one mail reaches the member, its code still works, and verification mails are untouched', async () => {
      const member = await signUp(server, undefined, { verified: false });
      const resetMails = async () =>
        ((await (await server.call('GET', `/v1/admin/outbox?to=${encodeURIComponent(member.email)}`, { token: ADMIN_TOKEN })).json()) as { mails: { subject: string }[] }).mails.filter((m) =>
          m.subject.includes('reset'),
        );
      for (let i = 0; i < 8; i++) expect((await server.call('POST', '/v1/auth/password-reset', { body: { email: member.email } })).status).toBe(202);
      expect(await resetMails()).toHaveLength(1);
      const { code } = await lastMail(server, member.email);
      const confirm = (c: string, newPassword = 'my own new passphrase') =>
        server.call('POST', '/v1/auth/password-reset/confirm', { body: { email: member.email, code: c, newPassword } });
      for (let i = 0; i < 15; i++) {
        expect(await errorCode(await confirm(`WRNG-CODE-${'ABCDEFGHJKLMNPQ'[i]}XYZ`, 'a stranger passphrase'))).toBe('invalid_code');
      }
      // The member's own verification mails were not spent by the stranger's asking.
      expect((await server.call('POST', '/v1/auth/verify-email/resend', { token: member.token })).status).toBe(202);
      expect((await lastMail(server, member.email)).subject).not.toContain('reset');
      server.clock.advance(61_000);
      expect((await confirm(code!)).status).toBe(204);
      expect((await login(member.email, 'my own new passphrase')).status).toBe(200);
      // Ten minutes on, the next ask sends a new mail again.
      server.clock.advance(10 * 60_000);
      await server.call('POST', '/v1/auth/password-reset', { body: { email: member.email } });
      expect(await resetMails()).toHaveLength(2);
    });
  });


  describe('sessions', () => {
    it('signs out everywhere: every token of the member stops working', async () => {
      const member = await signUp(server);
      const phone = await tokenOf(await login(member.email));
      expect((await server.call('POST', '/v1/auth/logout-all', { token: phone })).status).toBe(204);
      expect((await me(member.token)).status).toBe(401);
      expect((await me(phone)).status).toBe(401);
      expect((await login(member.email)).status).toBe(200);
    });

    it('ends a token after 3 idle days and after 10 days in all, however often it is used', async () => {
      const member = await signUp(server);
      const idle = await tokenOf(await login(member.email));
      for (let day = 1; day <= 9; day++) {
        server.clock.advance(DAY_MS);
        expect((await me(member.token)).status).toBe(200);
      }
      // The idle token was not used for 9 days.
      expect((await me(idle)).status).toBe(401);
      server.clock.advance(DAY_MS + 60_000);
      const expired = await me(member.token);
      expect(expired.status).toBe(401);
      expect(await errorCode(expired)).toBe('unauthorized');
      expect((await login(member.email)).status).toBe(200);
    });
  });

  describe('erasure', () => {
    it('tried: erasing with the token alone, and with a wrong password; both refused, the account stays', async () => {
      const member = await signUp(server);
      expect((await server.call('DELETE', '/v1/me', { token: member.token })).status).toBe(400);
      const wrong = await server.call('DELETE', '/v1/me', { token: member.token, body: { password: 'not my password' } });
      expect(wrong.status).toBe(403);
      expect((await me(member.token)).status).toBe(200);
    });

    it('tried: redeem, have the order returned, erase, register again with the email; the new account owes the debt', async () => {
      const address = email();
      const member = await signUp(server, address);
      const partner = await createPartner(server);
      const bought = await buy(server, { id: member.id, token: member.token }, partner.id, 500_00);
      await report(server, partner, [{ orderId: bought.orderId, status: 'confirmed' }]);
      const rewardId = await createReward(server, { kind: 'voucher', pointsCost: 500 });
      const redeemed = await server.call('POST', '/v1/redemptions', { token: member.token, body: { rewardId }, headers: { 'Idempotency-Key': `debt-${member.id}` } });
      expect(redeemed.status).toBe(201);
      await report(server, partner, [{ orderId: bought.orderId, status: 'returned' }]);
      expect(((await (await me(member.token)).json()) as { balance: { available: number } }).balance.available).toBe(-500);

      expect((await server.call('DELETE', '/v1/me', { token: member.token, body: { password: PASSWORD } })).status).toBe(204);
      // What is kept names no one: a hash of the email and the points.
      const kept = await server.db.query<{ email_sha256: string; points: number }>('SELECT email_sha256, points FROM erased_debts WHERE member_id = $1', [member.id]);
      expect(kept).toEqual([{ email_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), points: 500 }]);

      const again = await signUp(server, address.toUpperCase());
      const balance = ((await (await me(again.token)).json()) as { balance: { available: number; lifetime: number } }).balance;
      expect(balance).toMatchObject({ available: -500, lifetime: 0 });
      expect((await verifyLedger(server.db)).mismatches).toEqual([]);
      // The debt follows the email: erased once more, the next account with it owes it still.
      const erased = await server.call('DELETE', '/v1/me', { token: again.token, body: { password: PASSWORD } });
      expect(erased.status).toBe(204);
      const third = await signUp(server, address);
      expect(((await (await me(third.token)).json()) as { balance: { available: number } }).balance.available).toBe(-500);
    });
  });
});
