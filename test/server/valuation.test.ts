/**
 * Points follow the money (issue 23, DESIGN.md "Money, points, time"): every
 * booking is the valuation of the amount in force under the terms frozen with
 * the purchase. Each test says what was tried; purchases come in through the
 * real ingest route and change through the signed partner API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { verifyValuations } from '../../server/ledger/valuations.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { farBelowMemberAmount, listAmountFlags } from '../../server/operator/amount-flags.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { addOffer } from './helpers.ts';
import {
  balanceOf,
  createPartner,
  DAY_MS,
  ingest,
  purchaseBody,
  registerMember,
  report,
  type TestMember,
  type TestPartner,
} from './lifecycle-helpers.ts';
import type { Purchase } from '../../lib/contract/index.ts';

describe.each(backends)('valuation from frozen terms (%s)', (backend) => {
  let server: TestServer;
  const iso = (offsetMs: number) => new Date(server.clock.now().getTime() + offsetMs).toISOString();

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
    expect((await verifyValuations(server.db)).mismatches).toEqual([]);
    await server.close();
  });

  /** Buys at the server's clock (the tests move it), so offers are judged at the moment the order was placed. */
  async function buy(member: TestMember, shopId: string, amountMinor: number): Promise<Purchase> {
    const [r] = await ingest(server, member, [{ ...purchaseBody(shopId, amountMinor), detectedAt: server.clock.now().toISOString() }]);
    expect(r?.status).toBe('accepted');
    return r!.purchase!;
  }

  async function setRate(shop: TestPartner, earn: { points: number; per: number }) {
    const current = (await server.db.query<{ doc: Record<string, unknown> }>('SELECT doc FROM partners WHERE id = $1', [shop.id]))[0]!.doc;
    const res = await server.call('PUT', `/v1/admin/partners/${shop.id}`, { token: ADMIN_TOKEN, body: { ...current, earn, secret: shop.secret } });
    expect(res.status).toBe(200);
  }

  describe('.happy', () => {
    it('drops a bonus with a minimum when a partial return brings the amount below it', async () => {
      // Tried: 120.00 with a 500-point bonus from 100.00, then the partner reports 80.00 left after a return.
      const shop = await createPartner(server, { autoConfirm: false });
      await addOffer(server, { partnerId: shop.id, kind: 'bonus', bonusPoints: 500, minAmountMinor: 100_00, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 120_00);
      expect(p.points).toBe(620);
      const [returned] = await report(server, shop, [{ orderId: p.orderId, status: 'returned', amountMinor: 80_00 }]);
      expect(returned).toMatchObject({ status: 'applied', purchase: { amountMinor: 80_00, points: 80 } });
      expect(await balanceOf(server, member)).toMatchObject({ pending: 80, available: 0 });
    });

    it('drops a multiplier with a minimum when the partner confirms a lower amount than the member claimed', async () => {
      // Tried: the member claims 150.00 under a ×2 from 100.00; the partner confirms 90.00.
      const shop = await createPartner(server, { autoConfirm: false });
      await addOffer(server, { partnerId: shop.id, kind: 'multiplier', multiplier: 2, minAmountMinor: 100_00, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 150_00);
      expect(p.points).toBe(300);
      const [confirmed] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', amountMinor: 90_00 }]);
      expect(confirmed).toMatchObject({ status: 'applied', purchase: { status: 'confirmed', amountMinor: 90_00, points: 90 } });
      expect(await balanceOf(server, member)).toMatchObject({ pending: 0, available: 90, lifetime: 90 });
    });

    it('values a return after a rate rise at the booked rate: a return never adds points', async () => {
      // Tried: 100.00 booked at 1 point per EUR, the operator raises the rate to 3, then 40.00 is returned.
      const shop = await createPartner(server, { autoConfirm: false });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 100_00);
      await setRate(shop, { points: 3, per: 1 });
      const [returned] = await report(server, shop, [{ orderId: p.orderId, status: 'returned', amountMinor: 60_00 }]);
      expect(returned).toMatchObject({ status: 'applied', purchase: { points: 60 } });
      expect(await balanceOf(server, member)).toMatchObject({ pending: 60 });
    });

    it('values a confirmation after a rate cut at the booked rate: the member loses only what the lower amount costs', async () => {
      // Tried: 100.00 booked at 2 points per EUR, the rate is cut to 1 per 10 EUR, the partner confirms 90.00.
      const shop = await createPartner(server, { earn: { points: 2, per: 1 }, autoConfirm: false });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 100_00);
      await setRate(shop, { points: 1, per: 10 });
      const [confirmed] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', amountMinor: 90_00 }]);
      expect(confirmed).toMatchObject({ status: 'applied', purchase: { points: 180 } });
      expect(await balanceOf(server, member)).toMatchObject({ available: 180, pending: 0 });
    });

    it('applies an offer whose minimum the partner\'s higher amount reaches, as it stood when the order was placed', async () => {
      // Tried: the extension read 90.00 (net), a bonus from 100.00 ran that day and has ended since; the partner confirms 110.00.
      const shop = await createPartner(server, { autoConfirm: false });
      const offer = await addOffer(server, { partnerId: shop.id, kind: 'bonus', bonusPoints: 50, minAmountMinor: 100_00, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 90_00);
      expect(p.points).toBe(90);
      server.clock.advance(2 * DAY_MS);
      expect(offer).toBeTruthy();
      const [confirmed] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', amountMinor: 110_00 }]);
      expect(confirmed).toMatchObject({ status: 'applied', purchase: { amountMinor: 110_00, points: 160 } });
    });

    it('frees a per-member offer use when the amount drops below the offer\'s minimum, so the next purchase gets it', async () => {
      // Tried: a once-per-member bonus from 100.00; purchase 1 takes it, a return to 50.00 drops it, purchase 2 gets it.
      const shop = await createPartner(server, { autoConfirm: false });
      await addOffer(server, { partnerId: shop.id, kind: 'bonus', bonusPoints: 40, minAmountMinor: 100_00, perMemberLimit: 1, startsAt: iso(-DAY_MS), endsAt: iso(10 * DAY_MS) });
      const member = await registerMember(server);
      const first = await buy(member, shop.id, 100_00);
      expect(first.points).toBe(140);
      expect((await buy(member, shop.id, 100_00)).points).toBe(100);
      await report(server, shop, [{ orderId: first.orderId, status: 'returned', amountMinor: 50_00 }]);
      expect((await buy(member, shop.id, 100_00)).points).toBe(140);
    });

    it('frees a per-member offer use when the order is cancelled', async () => {
      const shop = await createPartner(server, { autoConfirm: false });
      await addOffer(server, { partnerId: shop.id, kind: 'bonus', bonusPoints: 40, perMemberLimit: 1, startsAt: iso(-DAY_MS), endsAt: iso(10 * DAY_MS) });
      const member = await registerMember(server);
      const first = await buy(member, shop.id, 20_00);
      expect(first.points).toBe(60);
      await report(server, shop, [{ orderId: first.orderId, status: 'cancelled' }]);
      expect((await buy(member, shop.id, 20_00)).points).toBe(60);
    });

    it('counts only base points towards the tier, never offer bonuses', async () => {
      // Tried: a 5000-point bonus (enough for gold on its own) on a 10.00 purchase, confirmed.
      const shop = await createPartner(server, { autoConfirm: false });
      await addOffer(server, { partnerId: shop.id, kind: 'bonus', bonusPoints: 5000, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 10_00);
      await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
      const me = (await (await server.call('GET', '/v1/me', { token: member.token })).json()) as { tier: string; balance: { available: number }; tierProgress: { pointsInWindow: number } };
      expect(me.balance.available).toBe(5010);
      expect(me.tier).toBe('basis');
      expect(me.tierProgress.pointsInWindow).toBe(10);
    });
  });

  describe('.happy: the partner says when the order was placed (orderedAt)', () => {
    it('values a confirmation at the rate in force when the order was placed, not when the purchase arrived', async () => {
      // Tried: ordered at 1 point per EUR; the rate rose to 3 before the member's extension sent the purchase (booked at 3);
      // the partner confirms with orderedAt before the rise.
      const shop = await createPartner(server, { autoConfirm: false });
      const orderedAt = iso(0);
      server.clock.advance(DAY_MS);
      await setRate(shop, { points: 3, per: 1 });
      server.clock.advance(DAY_MS);
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 100_00);
      expect(p.points).toBe(300);
      const [confirmed] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', orderedAt }]);
      expect(confirmed).toMatchObject({ status: 'applied', purchase: { status: 'confirmed', amountMinor: 100_00, points: 100 } });
      expect(await balanceOf(server, member)).toMatchObject({ available: 100, pending: 0 });
    });

    it('applies the offers that ran when the order was placed, and judges them at the partner\'s amount', async () => {
      // Tried: a bonus from 50.00 ran yesterday only; the purchase arrived today (no bonus); the partner confirms 60.00 ordered yesterday.
      const shop = await createPartner(server, { autoConfirm: false });
      await addOffer(server, { partnerId: shop.id, kind: 'bonus', bonusPoints: 70, minAmountMinor: 50_00, startsAt: iso(-2 * DAY_MS), endsAt: iso(-DAY_MS / 2) });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 40_00);
      expect(p.points).toBe(40);
      const [confirmed] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', amountMinor: 60_00, orderedAt: iso(-DAY_MS) }]);
      expect(confirmed).toMatchObject({ status: 'applied', purchase: { amountMinor: 60_00, points: 130 } });
    });

    it('refuses an orderedAt in the future as invalid and changes nothing', async () => {
      const shop = await createPartner(server, { autoConfirm: false });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 40_00);
      const [r] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', orderedAt: iso(DAY_MS) }]);
      expect(r).toMatchObject({ status: 'invalid', reason: 'ordered_in_future', purchase: { status: 'pending', points: 40 } });
    });
  });

  describe('.security: a member\'s amount far above the partner\'s', () => {
    it('confirms at the partner\'s amount and flags it for the operator when the member claimed more than 10 % and 5.00 above it', async () => {
      // Tried: the member claims 100.00, the partner confirms 80.00 (flagged); another claims 100.00 and the partner confirms 95.00 (5.00 below: not flagged).
      const shop = await createPartner(server, { autoConfirm: false });
      const member = await registerMember(server);
      const high = await buy(member, shop.id, 100_00);
      const close = await buy(member, shop.id, 100_00);
      const results = await report(server, shop, [
        { orderId: high.orderId, status: 'confirmed', amountMinor: 80_00 },
        { orderId: close.orderId, status: 'confirmed', amountMinor: 95_00 },
      ]);
      expect(results.map((r) => [r.status, r.purchase?.amountMinor, r.purchase?.points])).toEqual([['applied', 80_00, 80], ['applied', 95_00, 95]]);
      const flagged = (await listAmountFlags(server.db, 10_000)).filter((f) => f.memberId === member.id);
      expect(flagged).toEqual([expect.objectContaining({ purchaseId: high.id, memberAmountMinor: 100_00, partnerAmountMinor: 80_00, currency: 'EUR' })]);
    });

    it('judges "far" in the currency\'s own major unit', () => {
      expect(farBelowMemberAmount(20_00, 14_00, 2)).toBe(true);
      expect(farBelowMemberAmount(1000_00, 950_00, 2)).toBe(false);
      expect(farBelowMemberAmount(100, 89, 0)).toBe(true);
      expect(farBelowMemberAmount(50, 44, 0)).toBe(true);
      expect(farBelowMemberAmount(40, 35, 0)).toBe(false);
      expect(farBelowMemberAmount(100_000, 89_000, 3)).toBe(true);
      expect(farBelowMemberAmount(40_000, 34_000, 3)).toBe(true);
      expect(farBelowMemberAmount(40_000, 35_000, 3)).toBe(false);
    });
  });

  describe('.happy: ISO 4217 exponents', () => {
    it('earns JPY points per yen, not per hundredth of a yen', async () => {
      // Tried: 1 point per 100 JPY; a purchase of 12,345 JPY (amountMinor 12345, exponent 0).
      const shop = await createPartner(server, { currency: 'JPY', earn: { points: 1, per: 100 } });
      const member = await registerMember(server);
      const [r] = await ingest(server, member, [{ ...purchaseBody(shop.id, 12_345), currency: 'JPY' }]);
      expect(r).toMatchObject({ status: 'accepted', purchase: { points: 123 } });
    });

    it('earns KWD points per dinar of 1000 fils', async () => {
      // Tried: 1 point per KWD; 12.345 KWD (amountMinor 12345, exponent 3).
      const shop = await createPartner(server, { currency: 'KWD' });
      const member = await registerMember(server);
      const [r] = await ingest(server, member, [{ ...purchaseBody(shop.id, 12_345), currency: 'KWD' }]);
      expect(r).toMatchObject({ status: 'accepted', purchase: { points: 12 } });
    });
  });

  describe('.error', () => {
    it('refuses a partner whose currency has no minor unit (gold)', async () => {
      const res = await server.call('PUT', '/v1/admin/partners/gold-shop', {
        token: ADMIN_TOKEN,
        body: { id: 'gold-shop', name: 'Gold', domains: ['gold.example'], category: 'x', earn: { points: 1, per: 1 }, currency: 'XAU', secret: 'a-secret-of-16-chars' },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('.happy: the rules are in the API document', () => {
    it('states the valuation and the partner-report rules in /openapi.json', async () => {
      const doc = (await (await server.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { description?: string }>> };
      const reports = doc.paths['/v1/partner-api/confirmations']!.post!.description!;
      expect(reports).toContain("the partner's amount stands");
      expect(reports).toContain('10^e');
      expect(reports).toContain('frozen');
      expect(doc.paths['/v1/purchases']!.post!.description).toContain('ISO 4217 minor-unit exponent');
    });
  });

  describe('.security: ledger:verify', () => {
    it('names a purchase whose points are not the valuation of its amount, or whose entries disagree', async () => {
      // Tried: points raised on the row behind the ledger's back, then an entry the row does not account for.
      const shop = await createPartner(server, { autoConfirm: false });
      const member = await registerMember(server);
      const p = await buy(member, shop.id, 50_00);
      expect((await ledgerVerification(server.db)).lines).toContain(
        `purchases ok: ${(await verifyValuations(server.db)).purchases} purchases, each booked at the valuation of its amount under its frozen terms`,
      );
      await server.db.query('UPDATE purchases SET points = points + 7 WHERE id = $1', [p.id]);
      const tampered = await ledgerVerification(server.db);
      expect(tampered.ok).toBe(false);
      expect(tampered.lines.join('\n')).toContain(`purchase ${p.id} (member ${member.id}, pending, amount 5000): points 57, valued 50; entries pending 50, available 0`);
      await server.db.query('UPDATE purchases SET points = points - 7 WHERE id = $1', [p.id]);
      expect((await ledgerVerification(server.db)).ok).toBe(true);
    });
  });
});
