/**
 * Velocity and anomaly limits, on by default with per-partner overrides
 * (issue 16, item 2): a purchase that trips one is booked pending, held for
 * review with the limit as its reason, shown as under review and queued for
 * the operator; it never becomes available on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { listReviewQueue } from '../../server/purchases/fraud.ts';
import { autoConfirmDue } from '../../server/purchases/lifecycle.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { balanceOf, createPartner, DAY_MS, ingest, purchaseBody, registerMember, report, reportPlaced } from './lifecycle-helpers.ts';

describe.each(backends)('default limits (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
    await server.close();
  });

  const amounts = (n: number, from = 10_00) => Array.from({ length: n }, (_, i) => from + i * 100);

  describe('.happy', () => {
    it('books five purchases a day at a partner as usual', async () => {
      const shop = await createPartner(server, { fraud: null });
      const member = await registerMember(server);
      const results = await ingest(server, member, amounts(5).map((a) => purchaseBody(shop.id, a)));
      expect(results.map((r) => r.reason ?? r.status)).toEqual(Array(5).fill('accepted'));
    });

    it("follows the partner's override: a higher daily limit, or 0 for none", async () => {
      const generous = await createPartner(server, { fraud: { maxPurchasesPerMemberPerDay: 8 } });
      const unlimited = await createPartner(server, { fraud: { maxPurchasesPerMemberPerDay: 0, maxPurchasesPerMemberPerWeek: 0 } });
      const member = await registerMember(server);
      const a = await ingest(server, member, amounts(8).map((x) => purchaseBody(generous.id, x)));
      expect(a.every((r) => r.reason === undefined)).toBe(true);
      const b = await ingest(server, member, amounts(20).map((x) => purchaseBody(unlimited.id, x)));
      expect(b.every((r) => r.reason === undefined)).toBe(true);
    });
  });

  describe('.security', () => {
    it('holds the sixth purchase of a day for review: pending, under review, in the queue, never auto-confirmed', async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true, fraud: null });
      const member = await registerMember(server);
      // Tried: six orders in one day at one shop, all vouched for by the partner afterwards.
      const bodies = amounts(6).map((a) => purchaseBody(shop.id, a));
      const results = await ingest(server, member, bodies);
      expect(results.map((r) => r.reason ?? r.status)).toEqual([...Array(5).fill('accepted'), 'velocity_per_day']);
      expect(results[5]).toMatchObject({ status: 'accepted', purchase: { status: 'pending', reason: 'velocity_per_day' } });
      const queue = await listReviewQueue(server.db, { partnerId: shop.id });
      expect(queue.map((q) => [q.purchaseId, q.reason])).toEqual([[bodies[5]!.id, 'velocity_per_day']]);

      await reportPlaced(server, shop, bodies);
      server.clock.advance(15 * DAY_MS);
      await autoConfirmDue(server.db, server.clock.now(), 10_000);
      const points = bodies.slice(0, 5).reduce((s, b) => s + Math.floor(b.amountMinor / 100), 0);
      expect(await balanceOf(server, member)).toMatchObject({ available: points, pending: Math.floor(bodies[5]!.amountMinor / 100) });
    });

    it('holds the sixteenth purchase of a week, and amounts over 2,000.00 a day', async () => {
      const shop = await createPartner(server, { fraud: null });
      const member = await registerMember(server);
      let last: string | undefined;
      for (let day = 0; day < 4; day++) {
        const results = await ingest(server, member, amounts(4, 10_00 + day * 1000).map((a) => purchaseBody(shop.id, a)));
        last = results.at(-1)?.reason;
        server.clock.advance(DAY_MS + 1000);
      }
      // 16 purchases over four days: the sixteenth trips the week's limit.
      expect(last).toBe('velocity_per_week');

      const rich = await registerMember(server);
      const [first, second] = await ingest(server, rich, [purchaseBody(shop.id, 1_500_00), purchaseBody(shop.id, 600_00)]);
      expect([first?.reason, second?.reason]).toEqual([undefined, 'amount_per_day']);
    });

    it('holds the same amount sent a fourth time in a week', async () => {
      const shop = await createPartner(server, { fraud: null });
      const member = await registerMember(server);
      const results = [];
      for (let day = 0; day < 4; day++) {
        results.push(...(await ingest(server, member, [purchaseBody(shop.id, 99_99)])));
        server.clock.advance(DAY_MS + 1000);
      }
      expect(results.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'accepted', 'accepted', 'repeated_amount']);
    });

    it("holds an order id that fits none of the shapes of the partner's confirmed order numbers", async () => {
      const shop = await createPartner(server, { fraud: { holdOrderIdsOffPattern: true } });
      const regular = await registerMember(server);
      const history = Array.from({ length: 20 }, (_, i) => ({ ...purchaseBody(shop.id, 30_00), orderId: `SH-${10_000 + i}` }));
      await ingest(server, regular, history);
      await report(server, shop, history.map((h) => ({ orderId: h.orderId, status: 'confirmed' as const })));
      const member = await registerMember(server);
      // Tried: a plausible next number, and ids an attacker makes up.
      const results = await ingest(server, member, ['SH-123456', 'INV-2026-0001-x', '1234567'].map((orderId) => ({ ...purchaseBody(shop.id, 30_00), orderId })));
      expect(results.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'order_id_pattern', 'order_id_pattern']);
      expect(results[1]).toMatchObject({ status: 'accepted', purchase: { status: 'pending' } });
    });

    it('holds the purchases of a member most of whose purchases the shops refused', async () => {
      const shop = await createPartner(server, { fraud: { maxRejectedSharePercent: 50 } });
      const member = await registerMember(server);
      const bodies = amounts(5).map((a) => purchaseBody(shop.id, a));
      await ingest(server, member, bodies);
      await report(server, shop, bodies.map((b) => ({ orderId: b.orderId, status: 'cancelled' as const })));
      const [next] = await ingest(server, member, [purchaseBody(shop.id, 12_34)]);
      expect(next).toMatchObject({ status: 'accepted', reason: 'high_rejected_share', purchase: { status: 'pending' } });
    });
  });
});
