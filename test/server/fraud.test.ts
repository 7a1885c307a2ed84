/**
 * Fraud limits beyond the partner's daily ones: orders far above a partner's
 * usual basket are held for the operator, and claims of another member's
 * order are listed for the operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideHeld, listDuplicateClaims, listHeldForReview } from '../../server/purchases/fraud.ts';
import { autoConfirmDue, confirm } from '../../server/purchases/lifecycle.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { report } from './lifecycle-helpers.ts';
import { addPartner, balanceOf, DAY_MS, expectLedgerBalanced, ingest, purchase, signUp } from './helpers.ts';

describe.each(backends)('fraud review (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const HISTORY_SECRET = 'history-partner-secret-0123456789';
  /** A partner with `n` ordinary purchases of 50.00 EUR the partner confirmed (its usual basket counts confirmed ones only). */
  async function partnerWithHistory(n: number, confirmed = true, secret = HISTORY_SECRET): Promise<string> {
    const partner = await addPartner(server, { holdDays: 14, secret, fraud: { holdAboveBasketFactor: 10 } });
    const regular = await signUp(server);
    const history = Array.from({ length: n }, () => purchase(partner, { amountMinor: 5_000 }));
    await ingest(server, regular.token, history);
    if (confirmed) await report(server, { id: partner, secret }, history.map((h) => ({ orderId: h.orderId, status: 'confirmed' as const })));
    return partner;
  }

  describe('.happy', () => {
    it("books an order within the partner's factor (10x) of its usual basket normally", async () => {
      const partner = await partnerWithHistory(20);
      const member = await signUp(server);
      const [result] = await ingest(server, member.token, [purchase(partner, { amountMinor: 50_000 })]);
      expect(result).toMatchObject({ status: 'accepted', purchase: { status: 'pending' } });
      expect(result?.reason).toBeUndefined();
    });

    it('holds an order above 10x the median of the last 100: accepted, pending, never auto-confirmed until released', async () => {
      const partner = await partnerWithHistory(25);
      const member = await signUp(server);
      const big = purchase(partner, { amountMinor: 50_001 });
      const [result] = await ingest(server, member.token, [big]);
      expect(result).toMatchObject({ status: 'accepted', reason: 'held_for_review', purchase: { status: 'pending', points: 500 } });
      expect((await balanceOf(server, member.token)).pending).toBe(500);

      const held = await listHeldForReview(server.db);
      expect(held).toEqual(expect.arrayContaining([expect.objectContaining({ purchaseId: big.id, memberId: member.id, amountMinor: 50_001 })]));
      // The partner vouches for the order: only the review hold stands between it and auto-confirmation.
      await report(server, { id: partner, secret: HISTORY_SECRET }, [{ orderId: big.orderId, status: 'placed', amountMinor: 50_001 }]);

      // Past the hold period: the others confirm, the held one does not.
      await autoConfirmDue(server.db, new Date(server.clock.now().getTime() + 15 * DAY_MS), 10_000);
      expect(await balanceOf(server, member.token)).toMatchObject({ pending: 500, available: 0 });

      expect(await decideHeld(server.db, big.id, 'release', server.clock.now())).toBe(true);
      expect(await decideHeld(server.db, big.id, 'release', server.clock.now())).toBe(false);
      expect((await listHeldForReview(server.db)).map((h) => h.purchaseId)).not.toContain(big.id);
      await autoConfirmDue(server.db, new Date(server.clock.now().getTime() + 15 * DAY_MS), 10_000);
      expect(await balanceOf(server, member.token)).toMatchObject({ pending: 0, available: 500 });
      await expectLedgerBalanced(server.db);
    });

    it("the partner's own confirmation decides a held order: it leaves the operator's queue", async () => {
      const secret = 'held-partner-secret-0123456789';
      const partner = await partnerWithHistory(20, true, secret);
      const member = await signUp(server);
      const big = purchase(partner, { amountMinor: 90_000 });
      expect((await ingest(server, member.token, [big]))[0]?.reason).toBe('held_for_review');
      expect((await listHeldForReview(server.db)).map((h) => h.purchaseId)).toContain(big.id);
      const [decided] = await report(server, { id: partner, secret }, [{ orderId: big.orderId, status: 'confirmed' }]);
      expect(decided).toMatchObject({ status: 'applied', purchase: { status: 'confirmed' } });
      // The member no longer sees the purchase as held once the partner has decided.
      expect(decided?.purchase?.reason).toBeUndefined();
      expect((await listHeldForReview(server.db)).map((h) => h.purchaseId)).not.toContain(big.id);
      expect(await balanceOf(server, member.token)).toMatchObject({ pending: 0, available: 900 });
    });

    it('an operator rejection takes the pending points back, once', async () => {
      const partner = await partnerWithHistory(20);
      const member = await signUp(server);
      const big = purchase(partner, { amountMinor: 900_000 });
      await ingest(server, member.token, [big]);
      expect(await decideHeld(server.db, big.id, 'reject', server.clock.now())).toBe(true);
      expect(await decideHeld(server.db, big.id, 'reject', server.clock.now())).toBe(false);
      expect(await balanceOf(server, member.token)).toMatchObject({ pending: 0, available: 0 });
      const res = await server.call('GET', '/v1/me/sync', { token: member.token });
      const body = (await res.json()) as { purchases: { id: string; status: string }[] };
      expect(body.purchases.find((p) => p.id === big.id)?.status).toBe('rejected');
      await expectLedgerBalanced(server.db);
    });

    it('lists a claim of another member\'s order for the operator, with both members', async () => {
      const partner = await addPartner(server);
      const holder = await signUp(server);
      const claimant = await signUp(server);
      const original = purchase(partner, { orderId: 'SHARED-1' });
      await ingest(server, holder.token, [original]);
      const copy = purchase(partner, { orderId: 'SHARED-1' });
      const [result] = await ingest(server, claimant.token, [copy]);
      expect(result).toMatchObject({ status: 'accepted', reason: 'contested' });
      const claims = await listDuplicateClaims(server.db);
      expect(claims).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            claimId: copy.id,
            claimantMemberId: claimant.id,
            holderPurchaseId: original.id,
            holderMemberId: holder.id,
            partnerId: partner,
            orderId: 'SHARED-1',
          }),
        ]),
      );
    });
  });

  describe('.error', () => {
    it('holds nothing for a partner that did not ask for it', async () => {
      const partner = await addPartner(server);
      const regular = await signUp(server);
      await ingest(server, regular.token, Array.from({ length: 25 }, () => purchase(partner, { amountMinor: 1_000 })));
      const [result] = await ingest(server, regular.token, [purchase(partner, { amountMinor: 900_000 })]);
      expect(result?.reason).toBeUndefined();
    });

    it('learns the usual basket from confirmed purchases only: pending orders a member invents move nothing', async () => {
      // Tried: 40 pending orders of 5,000.00 (never confirmed) to lift the basket, then 40 of 0.10 to sink it.
      const partner = await partnerWithHistory(25);
      const gamer = await signUp(server);
      for (let i = 0; i < 2; i++) {
        await ingest(server, gamer.token, Array.from({ length: 20 }, () => purchase(partner, { amountMinor: 500_000 })));
      }
      const member = await signUp(server);
      const [big] = await ingest(server, member.token, [purchase(partner, { amountMinor: 60_000 })]);
      expect(big?.reason).toBe('held_for_review');
      for (let i = 0; i < 2; i++) {
        await ingest(server, gamer.token, Array.from({ length: 20 }, () => purchase(partner, { amountMinor: 10 })));
      }
      const [ordinary] = await ingest(server, member.token, [purchase(partner, { amountMinor: 40_000 })]);
      expect(ordinary?.reason).toBeUndefined();
    });

    it('does not judge a partner until 20 of its purchases are confirmed, however many are pending', async () => {
      const partner = await partnerWithHistory(60, false);
      const member = await signUp(server);
      const [result] = await ingest(server, member.token, [purchase(partner, { amountMinor: 900_000 })]);
      expect(result).toMatchObject({ status: 'accepted' });
      expect(result?.reason).toBeUndefined();
    });

    it('does not judge a partner with fewer than 20 purchases of history', async () => {
      const partner = await partnerWithHistory(19);
      const member = await signUp(server);
      const [result] = await ingest(server, member.token, [purchase(partner, { amountMinor: 900_000 })]);
      expect(result).toMatchObject({ status: 'accepted' });
      expect(result?.reason).toBeUndefined();
    });

    it('a member re-sending the same order from a second device is not listed as a cross-member claim', async () => {
      const partner = await addPartner(server);
      const member = await signUp(server);
      await ingest(server, member.token, [purchase(partner, { orderId: 'OWN-1' })]);
      const [again] = await ingest(server, member.token, [purchase(partner, { orderId: 'OWN-1' })]);
      expect(again?.status).toBe('duplicate');
      expect((await listDuplicateClaims(server.db)).filter((c) => c.orderId === 'OWN-1')).toEqual([]);
    });
  });
});
