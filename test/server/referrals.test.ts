/** Referrals: a code per member, a bonus for both after the referred member's first confirmed purchase, once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse, Me, Transaction } from '../../lib/contract/index.ts';
import { autoConfirmDue } from '../../server/purchases/lifecycle.ts';
import { linkReferral, REFERRAL_BONUS_POINTS } from '../../server/programme/referrals.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode, expectLedgerBalanced } from './helpers.ts';
import { balanceOf, buy, createPartner, DAY_MS, registerMember, report, reportPlaced, unique, type TestMember, type TestPartner } from './lifecycle-helpers.ts';

describe.each(backends)('referrals (%s)', (backend) => {
  let server: TestServer;
  let shop: TestPartner;

  beforeAll(async () => {
    server = await startTestServer(backend);
    shop = await createPartner(server, { earn: { points: 1, per: 1 }, autoConfirm: false });
  });
  afterAll(() => server.close());

  const register = (referralCode?: string) =>
    server.call('POST', '/v1/auth/register', {
      body: { email: `${unique('member')}@example.test`, password: 'correct horse battery', ...(referralCode !== undefined ? { referralCode } : {}) },
    });

  async function referredBy(code: string): Promise<TestMember> {
    const res = await register(code);
    expect(res.status).toBe(201);
    const body = (await res.json()) as AuthResponse;
    return { id: body.member.id, token: body.token };
  }

  async function codeOf(member: TestMember): Promise<string> {
    const res = await server.call('GET', '/v1/me', { token: member.token });
    const code = ((await res.json()) as Me).member.referralCode;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    return code!;
  }

  async function confirmedPurchase(member: TestMember, euros: number) {
    const p = await buy(server, member, shop.id, euros * 100);
    await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
    return p;
  }

  const bonusEntries = (member: TestMember) =>
    server.db.query("SELECT delta FROM ledger_entries WHERE member_id = $1 AND reason = 'referral_bonus'", [member.id]);

  describe('happy path', () => {
    it('gives every member a code, in the register answer and in GET /v1/me', async () => {
      const res = await register();
      const body = (await res.json()) as AuthResponse;
      expect(body.member.referralCode).toMatch(/^[A-Z2-9]{8}$/);
      expect(await codeOf({ id: body.member.id, token: body.token })).toBe(body.member.referralCode);
    });

    it('pays both 500 available points when the referred member’s first purchase is confirmed, and counts them to lifetime', async () => {
      const anna = await registerMember(server);
      const ben = await referredBy(await codeOf(anna));

      const p = await buy(server, ben, shop.id, 40_00);
      // Recorded is not enough: nothing before the confirmation.
      expect(await bonusEntries(ben)).toEqual([]);
      await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);

      expect(await balanceOf(server, ben)).toEqual({ available: 40 + REFERRAL_BONUS_POINTS, pending: 0, lifetime: 40 + REFERRAL_BONUS_POINTS });
      expect(await balanceOf(server, anna)).toEqual({ available: REFERRAL_BONUS_POINTS, pending: 0, lifetime: REFERRAL_BONUS_POINTS });
      const res = await server.call('GET', '/v1/me/transactions', { token: anna.token });
      const { transactions } = (await res.json()) as { transactions: Transaction[] };
      expect(transactions[0]).toMatchObject({ account: 'available', delta: 500, reason: 'referral_bonus' });
      await expectLedgerBalanced(server.db);
    });

    it('reads the code case-insensitively, with spaces or dashes as typed', async () => {
      const anna = await registerMember(server);
      const code = await codeOf(anna);
      const ben = await referredBy(` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `);
      await confirmedPurchase(ben, 10);
      expect((await balanceOf(server, anna)).available).toBe(REFERRAL_BONUS_POINTS);
    });

    it('pays on whichever purchase is confirmed first, also by auto-confirmation', async () => {
      const auto = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const anna = await registerMember(server);
      const ben = await referredBy(await codeOf(anna));
      const bought = await buy(server, ben, auto.id, 10_00);
      await reportPlaced(server, auto, [bought]);
      server.clock.advance(15 * DAY_MS);
      expect(await autoConfirmDue(server.db, server.clock.now())).toBeGreaterThanOrEqual(1);
      expect(await bonusEntries(ben)).toEqual([{ delta: REFERRAL_BONUS_POINTS }]);
      expect(await bonusEntries(anna)).toEqual([{ delta: REFERRAL_BONUS_POINTS }]);
      await expectLedgerBalanced(server.db);
    });
  });

  describe('refusals', () => {
    it('refuses an unknown code at registration with 400 and a message, creating no account', async () => {
      const email = `${unique('member')}@example.test`;
      const res = await server.call('POST', '/v1/auth/register', { body: { email, password: 'correct horse battery', referralCode: 'NOSUCHCD' } });
      expect(res.status).toBe(400);
      expect(await errorCode(res.clone())).toBe('bad_request');
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/referral code is unknown/);
      const rows = await server.db.query('SELECT 1 FROM members WHERE email = $1', [email]);
      expect(rows).toEqual([]);
    });

    it('pays once: a second confirmed purchase brings no second bonus', async () => {
      const anna = await registerMember(server);
      const ben = await referredBy(await codeOf(anna));
      await confirmedPurchase(ben, 10);
      await confirmedPurchase(ben, 20);
      expect(await bonusEntries(ben)).toHaveLength(1);
      expect(await bonusEntries(anna)).toHaveLength(1);
      await expectLedgerBalanced(server.db);
    });

    it('pays nothing for a purchase the partner cancels', async () => {
      const anna = await registerMember(server);
      const ben = await referredBy(await codeOf(anna));
      const p = await buy(server, ben, shop.id, 30_00);
      await report(server, shop, [{ orderId: p.orderId, status: 'cancelled' }]);
      expect(await bonusEntries(ben)).toEqual([]);
      expect(await bonusEntries(anna)).toEqual([]);
    });

    it('pays a member without a referrer nothing, and the referrer’s own purchases pay nobody', async () => {
      const anna = await registerMember(server);
      await referredBy(await codeOf(anna));
      await confirmedPurchase(anna, 10);
      expect(await bonusEntries(anna)).toEqual([]);
    });
  });

  describe('security', () => {
    it('refuses a member’s own code and a loop (A referred B; A names B, or C whom B referred)', async () => {
      const anna = await registerMember(server);
      const ben = await referredBy(await codeOf(anna));
      const carl = await referredBy(await codeOf(ben));
      const link = (member: TestMember, code: string) => server.db.transaction((tx) => linkReferral(tx, member.id, code, server.clock.now()));

      await expect(link(anna, await codeOf(anna))).rejects.toThrow(/own referral code/);
      await expect(link(anna, await codeOf(ben))).rejects.toThrow(/referred yourself/);
      await expect(link(anna, await codeOf(carl))).rejects.toThrow(/referred yourself/);
      // A member has one referrer; naming a second is refused too.
      await expect(link(ben, await codeOf(carl))).rejects.toThrow();
      expect(await server.db.query('SELECT 1 FROM referrals WHERE referred_id = $1', [anna.id])).toEqual([]);
      // And the database refuses a self-referral whatever the code path.
      await expect(server.db.query('INSERT INTO referrals (referred_id, referrer_id) VALUES ($1, $1)', [anna.id])).rejects.toThrow();
    });
  });
});
