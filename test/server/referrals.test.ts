/**
 * Referrals (docs/referrals.md): a code per member; a bonus for both, earned
 * by the referred member's first confirmed purchase of at least the minimum,
 * pending until that purchase's hold has ended, taken back when it is
 * returned; one bonus per person (canonical email, ever); held for the
 * operator when made from the referrer's own network within a day.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse, Me, Transaction } from '../../lib/contract/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { autoConfirmDue } from '../../server/purchases/lifecycle.ts';
import { canonicalEmail, isDisposableEmail, referralEmailKey } from '../../server/programme/referral-identity.ts';
import {
  decideHeldReferral,
  linkReferral,
  listHeldReferrals,
  qualifies,
  REFERRAL_BONUS_POINTS,
  releaseDueReferralBonuses,
} from '../../server/programme/referrals.ts';
import { clientNetwork } from '../../server/platform/client-address.ts';
import { parseEnv } from '../../server/platform/env.ts';
import { ADMIN_TOKEN, backends, openTestDb, startTestServer, type TestServer } from './harness.ts';
import { errorCode, expectLedgerBalanced } from './helpers.ts';
import { balanceOf, buy, createPartner, createReward, DAY_MS, report, reportPlaced, unique, type TestMember, type TestPartner } from './lifecycle-helpers.ts';

const BONUS = REFERRAL_BONUS_POINTS;

describe('who a referred member is (pure)', () => {
  it('reduces an email to its mailbox: NFKC, trimmed, lower-cased, plus-tags dropped, dots dropped at Gmail only', () => {
    expect(canonicalEmail('  Anna.Maier+shop@Example.DE ')).toBe('anna.maier@example.de');
    expect(canonicalEmail('a.n.n.a+1@googlemail.com')).toBe('anna@gmail.com');
    expect(canonicalEmail('A.NNA@GMAIL.COM.')).toBe('anna@gmail.com');
    // Fullwidth letters are the same letters after NFKC.
    expect(canonicalEmail('ａｎｎａ@ｇｍａｉｌ.com')).toBe('anna@gmail.com');
    // Outlook, GMX and the rest deliver a.nna and anna to different mailboxes.
    expect(canonicalEmail('a.nna@outlook.com')).toBe('a.nna@outlook.com');
    expect(referralEmailKey('anna+x@gmail.com')).toBe(createHash('sha256').update('anna@gmail.com').digest('hex'));
  });

  it('knows throw-away mail services, their subdomains, and the operator’s own additions', () => {
    expect(isDisposableEmail('x@mailinator.com')).toBe(true);
    expect(isDisposableEmail('x@eu.mailinator.com')).toBe(true);
    expect(isDisposableEmail('x@example.de')).toBe(false);
    expect(isDisposableEmail('x@burner.example', ['burner.example'])).toBe(true);
  });

  it('takes an IPv6 client by its /64, an IPv4 client by its address', () => {
    expect(clientNetwork('2001:db8:1:2::1')).toBe(clientNetwork('2001:db8:1:2:ffff:ee:dd:9'));
    expect(clientNetwork('2001:db8:1:2::1')).not.toBe(clientNetwork('2001:db8:1:3::1'));
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
  });

  it('qualifies a purchase of at least the minimum in its currency, worth a point, never one of 1 minor unit', () => {
    const at = (amount_minor: number, currency = 'EUR', base_points = 1) => qualifies({ amount_minor, currency, base_points }, 1000);
    expect(at(999)).toBe(false);
    expect(at(1000)).toBe(true);
    expect(at(1000, 'EUR', 0)).toBe(false);
    expect(at(10, 'JPY')).toBe(true);
    expect(at(9_999, 'KWD')).toBe(false);
    expect(at(10_000, 'KWD')).toBe(true);
    expect(qualifies({ amount_minor: 1, currency: 'EUR', base_points: 1 }, 0)).toBe(false);
  });

  it('reads the operator’s settings from the environment, 500 points and 10.00 by default', () => {
    expect(parseEnv({})).toMatchObject({ REFERRAL_BONUS_POINTS: 500, REFERRAL_MIN_AMOUNT: 1000, REFERRAL_BLOCKED_DOMAINS: [] });
    expect(parseEnv({ REFERRAL_MIN_AMOUNT: '25.5', REFERRAL_BLOCKED_DOMAINS: 'A.example, b.example' })).toMatchObject({
      REFERRAL_MIN_AMOUNT: 2550,
      REFERRAL_BLOCKED_DOMAINS: ['a.example', 'b.example'],
    });
    expect(() => parseEnv({ REFERRAL_MIN_AMOUNT: '10,00' })).toThrow(/REFERRAL_MIN_AMOUNT/);
  });
});

describe.each(backends)('referrals (%s)', (backend) => {
  let server: TestServer;
  let shop: TestPartner;
  let addresses = 0;

  beforeAll(async () => {
    // One trusted proxy: each test registration names its own client address in X-Forwarded-For.
    server = await startTestServer(backend, { TRUST_PROXY_HOPS: '1' });
    shop = await createPartner(server, { earn: { points: 1, per: 1 }, autoConfirm: false, holdDays: 30 });
  });
  afterAll(async () => {
    await expectLedgerBalanced(server.db);
    await server.close();
  });

  /** A client address no other test registration used. */
  const freshAddress = () => `198.18.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`;

  interface Joined extends TestMember {
    email: string;
  }

  /** Registers (with a referral code, from an address) and types the mailed code, as a member does. */
  async function join(opts: { code?: string; email?: string; address?: string; verify?: boolean } = {}): Promise<Joined> {
    const email = opts.email ?? `${unique('member')}@example.test`;
    const res = await server.call('POST', '/v1/auth/register', {
      body: { email, password: 'correct horse battery', ...(opts.code !== undefined ? { referralCode: opts.code } : {}) },
      headers: { 'X-Forwarded-For': opts.address ?? freshAddress() },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as AuthResponse;
    const member = { id: body.member.id, token: body.token, email };
    if (opts.verify !== false) {
      const outbox = await server.call('GET', `/v1/admin/outbox?to=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
      const { mails } = (await outbox.json()) as { mails: { code?: string }[] };
      const verified = await server.call('POST', '/v1/auth/verify-email', { token: member.token, body: { code: mails[0]?.code } });
      expect(verified.status).toBe(200);
    }
    return member;
  }

  async function codeOf(member: TestMember): Promise<string> {
    const res = await server.call('GET', '/v1/me', { token: member.token });
    const code = ((await res.json()) as Me).member.referralCode;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    return code!;
  }

  async function pair(opts: { referredEmail?: string } = {}): Promise<{ anna: Joined; ben: Joined }> {
    const anna = await join();
    const ben = await join({ code: await codeOf(anna), ...(opts.referredEmail ? { email: opts.referredEmail } : {}) });
    return { anna, ben };
  }

  const referralOf = async (member: TestMember) => ((await (await server.call('GET', '/v1/me', { token: member.token })).json()) as Me).referral;

  async function confirmedPurchase(member: TestMember, amountMinor: number, partner = shop) {
    const p = await buy(server, member, partner.id, amountMinor);
    await report(server, partner, [{ orderId: p.orderId, status: 'confirmed' }]);
    return p;
  }

  const bonusEntries = (member: TestMember) =>
    server.db.query<{ account: string; delta: number; reason: string }>(
      "SELECT account, delta, reason FROM ledger_entries WHERE member_id = $1 AND reason LIKE 'referral%' ORDER BY id",
      [member.id],
    );

  /** Moves the clock past the shop's 30-day hold and runs the release job, as the scheduler would. */
  async function afterHold(): Promise<number> {
    server.clock.advance(31 * DAY_MS);
    return releaseDueReferralBonuses(server.db, server.clock.now());
  }

  describe('happy path', () => {
    it('gives every member a code, in the register answer and in GET /v1/me, and no referral status without one', async () => {
      const anna = await join();
      expect(await codeOf(anna)).toMatch(/^[A-Z2-9]{8}$/);
      expect(await referralOf(anna)).toBeUndefined();
    });

    it('books 500 pending for both at the first confirmed purchase of 10.00, and makes them available once its hold has ended', async () => {
      const { anna, ben } = await pair();
      expect(await referralOf(ben)).toEqual({ status: 'waiting_for_purchase', bonusPoints: BONUS, minAmount: '10.00' });

      const p = await buy(server, ben, shop.id, 40_00);
      // Recorded is not enough: nothing before the confirmation.
      expect(await bonusEntries(ben)).toEqual([]);
      await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);

      // Confirmed early by the shop, inside its 30-day hold: the bonus waits in pending, the purchase's points do not.
      expect(await balanceOf(server, ben)).toEqual({ available: 40, pending: BONUS, lifetime: 40 });
      expect(await balanceOf(server, anna)).toEqual({ available: 0, pending: BONUS, lifetime: 0 });
      expect(await referralOf(ben)).toEqual({ status: 'pending', bonusPoints: BONUS, minAmount: '10.00', availableAt: p.expectedConfirmationAt });

      expect(await afterHold()).toBeGreaterThanOrEqual(1);
      expect(await balanceOf(server, ben)).toEqual({ available: 40 + BONUS, pending: 0, lifetime: 40 + BONUS });
      expect(await balanceOf(server, anna)).toEqual({ available: BONUS, pending: 0, lifetime: BONUS });
      expect((await referralOf(ben))?.status).toBe('earned');
      const res = await server.call('GET', '/v1/me/transactions', { token: anna.token });
      const { transactions } = (await res.json()) as { transactions: Transaction[] };
      expect(transactions[0]).toMatchObject({ account: 'available', delta: BONUS, reason: 'referral_bonus' });
      await expectLedgerBalanced(server.db);
    });

    it('pays at once when the purchase is auto-confirmed at the end of its hold', async () => {
      const auto = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const { anna, ben } = await pair();
      const bought = await buy(server, ben, auto.id, 10_00);
      await reportPlaced(server, auto, [bought]);
      server.clock.advance(15 * DAY_MS);
      expect(await autoConfirmDue(server.db, server.clock.now())).toBeGreaterThanOrEqual(1);
      expect((await balanceOf(server, ben)).available).toBe(10 + BONUS);
      expect((await balanceOf(server, anna)).available).toBe(BONUS);
      await expectLedgerBalanced(server.db);
    });

    it('reads the code case-insensitively, with spaces or dashes as typed', async () => {
      const anna = await join();
      const code = await codeOf(anna);
      const ben = await join({ code: ` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} ` });
      await confirmedPurchase(ben, 10_00);
      expect((await balanceOf(server, anna)).pending).toBe(BONUS);
    });

    it('pays on the first purchase that reaches the minimum, not on a smaller one before it', async () => {
      const { anna, ben } = await pair();
      await confirmedPurchase(ben, 5_00);
      expect(await bonusEntries(anna)).toEqual([]);
      await confirmedPurchase(ben, 12_00);
      expect(await bonusEntries(anna)).toEqual([{ account: 'pending', delta: BONUS, reason: 'referral_bonus' }]);
    });
  });

  describe('refusals', () => {
    it('refuses an unknown code at registration with 400 and a message, creating no account', async () => {
      const email = `${unique('member')}@example.test`;
      const res = await server.call('POST', '/v1/auth/register', { body: { email, password: 'correct horse battery', referralCode: 'NOSUCHCD' } });
      expect(res.status).toBe(400);
      expect(await errorCode(res.clone())).toBe('bad_request');
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/referral code is unknown/);
      expect(await server.db.query('SELECT 1 FROM members WHERE email = $1', [email])).toEqual([]);
    });

    it('pays once: a second confirmed purchase brings no second bonus', async () => {
      const { anna, ben } = await pair();
      await confirmedPurchase(ben, 10_00);
      await confirmedPurchase(ben, 20_00);
      await afterHold();
      // Booked to pending once, moved to available once.
      expect(await bonusEntries(anna)).toEqual([
        { account: 'pending', delta: BONUS, reason: 'referral_bonus' },
        { account: 'pending', delta: -BONUS, reason: 'referral_bonus' },
        { account: 'available', delta: BONUS, reason: 'referral_bonus' },
      ]);
      expect((await balanceOf(server, ben)).available).toBe(30 + BONUS);
    });

    it('pays nothing for a purchase the partner cancels, and the referrer’s own purchases pay nobody', async () => {
      const { anna, ben } = await pair();
      const p = await buy(server, ben, shop.id, 30_00);
      await report(server, shop, [{ orderId: p.orderId, status: 'cancelled' }]);
      await confirmedPurchase(anna, 30_00);
      expect(await bonusEntries(ben)).toEqual([]);
      expect(await bonusEntries(anna)).toEqual([]);
    });
  });

  describe('security', () => {
    it('attacker confirms a 1-minor-unit order, a 9.99 one and one worth 0 points: no bonus', async () => {
      const stingy = await createPartner(server, { earn: { points: 1, per: 100 }, autoConfirm: false });
      const { anna, ben } = await pair();
      await confirmedPurchase(ben, 1);
      await confirmedPurchase(ben, 9_99);
      // 50.00 at one point per 100.00 is worth nothing.
      await confirmedPurchase(ben, 50_00, stingy);
      await afterHold();
      expect(await bonusEntries(ben)).toEqual([]);
      expect(await bonusEntries(anna)).toEqual([]);
      expect((await referralOf(ben))?.status).toBe('waiting_for_purchase');
    });

    it('attacker refers their own plus-address (anna+2@…): not eligible, and says so only once the address is verified', async () => {
      const local = unique('anna');
      const anna = await join({ email: `${local}@example.test` });
      const code = await codeOf(anna);
      const unverified = await join({ code, email: `${local}+2@example.test`, verify: false });
      // Before verification the reason would tell a stranger that the address has an account.
      expect((await referralOf(unverified))?.status).toBe('waiting_for_purchase');
      const second = await join({ code, email: `${local.toUpperCase()}+shop@Example.test` });
      expect(await referralOf(second)).toMatchObject({ status: 'not_eligible', reason: 'own_email' });
      await confirmedPurchase(second, 50_00);
      await afterHold();
      expect(await bonusEntries(anna)).toEqual([]);
      expect(await bonusEntries(second)).toEqual([]);
    });

    it('attacker refers their own Gmail with dots and googlemail.com, and a friend’s existing Gmail: not eligible', async () => {
      const local = unique('anna').replaceAll('-', '');
      const anna = await join({ email: `${local}@gmail.com` });
      const dotted = `${local.slice(0, 2)}.${local.slice(2, 5)}.${local.slice(5)}`;
      const own = await join({ code: await codeOf(anna), email: `${dotted}@googlemail.com` });
      expect(await referralOf(own)).toMatchObject({ status: 'not_eligible', reason: 'own_email' });

      // Ben is a member already; a dotted, plus-tagged copy of his address referred by Carl is no new person.
      const benLocal = unique('ben').replaceAll('-', '');
      await join({ email: `${benLocal}@gmail.com` });
      const carl = await join();
      const again = await join({ code: await codeOf(carl), email: `${benLocal.slice(0, 3)}.${benLocal.slice(3)}+carl@gmail.com` });
      expect(await referralOf(again)).toMatchObject({ status: 'not_eligible', reason: 'email_already_used' });
      await confirmedPurchase(again, 50_00);
      expect(await bonusEntries(carl)).toEqual([]);
    });

    it('attacker erases the referred account and registers the same email again with the code: no second bonus, and only a hash is kept', async () => {
      const { anna, ben } = await pair();
      await confirmedPurchase(ben, 20_00);
      const erased = await server.call('DELETE', '/v1/me', { token: ben.token, body: { password: 'correct horse battery' } });
      expect(erased.status).toBe(204);
      const kept = await server.db.query<{ email_sha256: string }>('SELECT email_sha256 FROM referral_email_keys WHERE email_sha256 = $1', [referralEmailKey(ben.email)]);
      expect(kept).toHaveLength(1);
      expect(await server.db.query('SELECT 1 FROM member_networks WHERE member_id = $1', [ben.id])).toEqual([]);

      const reborn = await join({ code: await codeOf(anna), email: ben.email.replace('@', '+new@') });
      expect(await referralOf(reborn)).toMatchObject({ status: 'not_eligible', reason: 'email_already_used' });
      await confirmedPurchase(reborn, 20_00);
      expect(await bonusEntries(anna)).toEqual([{ account: 'pending', delta: BONUS, reason: 'referral_bonus' }]);
    });

    it('attacker uses a throw-away address: not eligible', async () => {
      const anna = await join();
      const temp = await join({ code: await codeOf(anna), email: `${unique('x')}@mailinator.com` });
      expect(await referralOf(temp)).toMatchObject({ status: 'not_eligible', reason: 'disposable_email' });
    });

    it('attacker returns the purchase after the bonus was paid and spent: both bonuses are taken back, the balance goes below zero', async () => {
      const { anna, ben } = await pair();
      const p = await confirmedPurchase(ben, 20_00);
      await afterHold();
      expect((await balanceOf(server, ben)).available).toBe(20 + BONUS);
      const reward = await createReward(server, { kind: 'voucher', pointsCost: 20 + BONUS });
      const spent = await server.call('POST', '/v1/redemptions', { token: ben.token, body: { rewardId: reward }, headers: { 'Idempotency-Key': randomUUID() } });
      expect(spent.status).toBe(201);

      const [returned] = await report(server, shop, [{ orderId: p.orderId, status: 'returned' }]);
      expect(returned?.purchase?.status).toBe('reversed');
      // The purchase's 20 and the bonus's 500 are owed, as after any return of points already spent.
      expect(await balanceOf(server, ben)).toEqual({ available: -(20 + BONUS), pending: 0, lifetime: 0 });
      expect(await balanceOf(server, anna)).toEqual({ available: 0, pending: 0, lifetime: 0 });
      expect(await referralOf(ben)).toMatchObject({ status: 'taken_back', reason: 'purchase_reversed' });
      // Done for good: a later purchase earns no new bonus.
      await confirmedPurchase(ben, 30_00);
      await afterHold();
      expect((await balanceOf(server, anna)).available).toBe(0);
      await expectLedgerBalanced(server.db);
    });

    it('attacker cancels the purchase while the bonus is still pending, or returns it below the minimum: taken back from pending', async () => {
      const first = await pair();
      const p = await confirmedPurchase(first.ben, 20_00);
      await report(server, shop, [{ orderId: p.orderId, status: 'cancelled' }]);
      expect(await balanceOf(server, first.anna)).toEqual({ available: 0, pending: 0, lifetime: 0 });

      const second = await pair();
      const q = await confirmedPurchase(second.ben, 20_00);
      // Down to 15.00 still qualifies; down to 8.00 no longer does.
      await report(server, shop, [{ orderId: q.orderId, status: 'returned', amountMinor: 15_00 }]);
      expect((await balanceOf(server, second.anna)).pending).toBe(BONUS);
      await report(server, shop, [{ orderId: q.orderId, status: 'returned', amountMinor: 8_00 }]);
      expect(await balanceOf(server, second.anna)).toEqual({ available: 0, pending: 0, lifetime: 0 });
      expect(await referralOf(second.ben)).toMatchObject({ status: 'taken_back', reason: 'purchase_returned_below_minimum' });
      await afterHold();
      expect(await balanceOf(server, second.anna)).toEqual({ available: 0, pending: 0, lifetime: 0 });
      await expectLedgerBalanced(server.db);
    });

    it('attacker registers the referred account from the referrer’s own address: held for the operator, paid only once released', async () => {
      const home = freshAddress();
      const anna = await join({ address: home });
      const ben = await join({ code: await codeOf(anna), address: home });
      expect(await referralOf(ben)).toMatchObject({ status: 'under_review', reason: 'same_address_as_referrer' });
      expect((await listHeldReferrals(server.db, { limit: 10_000 })).find((r) => r.referredId === ben.id)).toMatchObject({
        referrerId: anna.id,
        reason: 'same_address_as_referrer',
      });

      await confirmedPurchase(ben, 25_00);
      await afterHold();
      // The hold has long ended, but a held referral is not paid automatically.
      expect(await balanceOf(server, anna)).toEqual({ available: 0, pending: BONUS, lifetime: 0 });
      expect(await decideHeldReferral(server.db, ben.id, 'release', server.clock.now())).toBe(true);
      expect(await decideHeldReferral(server.db, ben.id, 'release', server.clock.now())).toBe(false);
      expect(await balanceOf(server, anna)).toEqual({ available: BONUS, pending: 0, lifetime: BONUS });
      expect((await referralOf(ben))?.status).toBe('earned');
    });

    it('attacker hops within an IPv6 /64: held too; the operator refuses it and the pending bonus goes', async () => {
      const anna = await join({ address: '2001:db8:77:1::1' });
      const ben = await join({ code: await codeOf(anna), address: '2001:db8:77:1:abcd::42' });
      expect((await referralOf(ben))?.status).toBe('under_review');
      await confirmedPurchase(ben, 25_00);
      expect(await decideHeldReferral(server.db, ben.id, 'reject', server.clock.now())).toBe(true);
      expect(await balanceOf(server, anna)).toEqual({ available: 0, pending: 0, lifetime: 0 });
      expect(await referralOf(ben)).toMatchObject({ status: 'not_eligible', reason: 'refused_after_review' });
      await expectLedgerBalanced(server.db);
    });

    it('an address the referrer last used more than a day ago is not held', async () => {
      const shared = freshAddress();
      const anna = await join({ address: shared });
      const code = await codeOf(anna);
      server.clock.advance(25 * 60 * 60 * 1000);
      const ben = await join({ code, address: shared });
      expect((await referralOf(ben))?.status).toBe('waiting_for_purchase');
    });

    it('refuses a member’s own code and a loop (A referred B; A names B, or C whom B referred)', async () => {
      const anna = await join();
      const ben = await join({ code: await codeOf(anna) });
      const carl = await join({ code: await codeOf(ben) });
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

  describe('operator settings', () => {
    let custom: TestServer;
    beforeAll(async () => {
      custom = await startTestServer(backend, { TRUST_PROXY_HOPS: '1', REFERRAL_BONUS_POINTS: '250', REFERRAL_MIN_AMOUNT: '25.00', REFERRAL_BLOCKED_DOMAINS: 'burner.example' });
    });
    afterAll(() => custom.close());

    it('pays the operator’s bonus from the operator’s minimum, and refuses the operator’s blocked domains', async () => {
      const saved = server;
      server = custom;
      try {
        const partner = await createPartner(custom, { earn: { points: 1, per: 1 }, autoConfirm: false });
        const anna = await join({ address: '192.0.2.10' });
        const ben = await join({ code: await codeOf(anna), address: '192.0.2.11' });
        expect(await referralOf(ben)).toEqual({ status: 'waiting_for_purchase', bonusPoints: 250, minAmount: '25.00' });
        await confirmedPurchase(ben, 24_99, partner);
        expect(await bonusEntries(anna)).toEqual([]);
        await confirmedPurchase(ben, 25_00, partner);
        expect(await bonusEntries(anna)).toEqual([{ account: 'pending', delta: 250, reason: 'referral_bonus' }]);
        const burner = await join({ code: await codeOf(anna), email: `${unique('x')}@mx.burner.example`, address: '192.0.2.12' });
        expect(await referralOf(burner)).toMatchObject({ status: 'not_eligible', reason: 'disposable_email' });
      } finally {
        server = saved;
      }
    });
  });
});

describe.each(backends)('migration 041 (%s)', (backend) => {
  it('remembers the members already there under the same canonical key as the server computes', async () => {
    const { db, drop } = await openTestDb(backend);
    try {
      await migrate(db, { target: 40 });
      const emails = ['Anna.Maier+shop@example.de', 'a.n.n.a+x@googlemail.com', 'Ben@GMAIL.com', 'carl@outlook.com'];
      for (const [i, email] of emails.entries()) {
        await db.query('INSERT INTO members (id, email, member_number, referral_code) VALUES ($1, $2, $3, $4)', [randomUUID(), email, `00000000${i}`, `CODE000${i}`]);
      }
      await migrate(db);
      const keys = (await db.query<{ email_sha256: string }>('SELECT email_sha256 FROM referral_email_keys')).map((r) => r.email_sha256).sort();
      expect(keys).toEqual([...new Set(emails.map(referralEmailKey))].sort());
    } finally {
      await drop();
    }
  });
});
