/**
 * Nothing is confirmed on the member's word alone (issue 16, item 1): at the
 * end of the hold an auto-confirm partner's purchase is confirmed only when
 * the partner reported that order `placed`, through the signed API or the
 * CSV import; the rest stay pending, are flagged for the operator and are
 * rejected after a grace period with a reason the member reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Purchase } from '../../lib/contract/index.ts';
import { importConfirmations } from '../../server/operator/confirmations.ts';
import { listReviewQueue } from '../../server/purchases/fraud.ts';
import { UNVOUCHED_GRACE_DAYS } from '../../server/purchases/unvouched.ts';
import { startScheduler } from '../../server/jobs/scheduler.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import {
  balanceOf,
  buy,
  createPartner,
  DAY_MS,
  ingest,
  purchaseBody,
  purchaseRow,
  registerMember,
  report,
  reportPlaced,
  unique,
} from './lifecycle-helpers.ts';

describe.each(backends)('vouching by partner reports (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
    await server.close();
  });

  /** One round of every scheduled job at the server clock's now. */
  async function runJobs(): Promise<void> {
    const scheduler = startScheduler(server.db, { now: server.clock.now, intervalMs: 3_600_000, log: () => {} });
    await scheduler.runOnce();
    await scheduler.stop();
  }

  describe('.happy', () => {
    it('confirms a placed order at the end of the hold, and a placed report that came first vouches for the purchase when it arrives', async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await registerMember(server);
      // Tried: the partner's daily feed reports the order before the member's extension sends it.
      const early = purchaseBody(shop.id, 40_00);
      const [kept] = await reportPlaced(server, shop, [early]);
      expect(kept).toMatchObject({ status: 'applied', reason: 'kept_for_purchase' });
      expect((await ingest(server, member, [early]))[0]).toMatchObject({ status: 'accepted', purchase: { status: 'pending', points: 40 } });
      // And the usual order: purchase first, report later.
      const late = await buy(server, member, shop.id, 60_00);
      const [vouched] = await reportPlaced(server, shop, [late]);
      expect(vouched).toMatchObject({ status: 'applied', reason: 'vouched', purchase: { status: 'pending' } });

      server.clock.advance(14 * DAY_MS + 1000);
      await runJobs();
      expect(await balanceOf(server, member)).toEqual({ pending: 0, available: 100, lifetime: 100 });
    });

    it('confirms at the partner\'s lower amount; a far lower one is flagged for the operator', async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await registerMember(server);
      // Tried: the member's extension says 100.00 and 50.00; the partner's records say 97.00 and 30.00.
      const close = await buy(server, member, shop.id, 100_00);
      const far = await buy(server, member, shop.id, 50_00);
      await report(server, shop, [
        { orderId: close.orderId, status: 'placed', amountMinor: 97_00 },
        { orderId: far.orderId, status: 'placed', amountMinor: 30_00 },
      ]);
      server.clock.advance(14 * DAY_MS + 1000);
      await runJobs();
      expect(await purchaseRow(server, close.id)).toMatchObject({ status: 'confirmed', amount_minor: 97_00, points: 97 });
      expect(await purchaseRow(server, far.id)).toMatchObject({ status: 'confirmed', amount_minor: 30_00, points: 30 });
      expect(await balanceOf(server, member)).toEqual({ pending: 0, available: 127, lifetime: 127 });
      const queue = await listReviewQueue(server.db, { partnerId: shop.id });
      expect(queue.map((q) => [q.purchaseId, q.reason])).toEqual([[far.id, 'amount_above_partner']]);
    });

    it('vouches through the CSV import as through the API', async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await registerMember(server);
      const p = await buy(server, member, shop.id, 25_00);
      const result = await importConfirmations(server.db, shop.id, `order_id,status,amount_minor\n${p.orderId},placed,2500\n`, server.clock.now());
      expect(result.counts).toMatchObject({ applied: 1 });
      server.clock.advance(15 * DAY_MS);
      await runJobs();
      expect(await balanceOf(server, member)).toMatchObject({ pending: 0, available: 25 });
    });

    it('leaves auto-confirmation off for a partner that does not ask for it', async () => {
      const id = unique('shop').toLowerCase();
      const res = await server.call('PUT', `/v1/admin/partners/${id}`, {
        token: ADMIN_TOKEN,
        body: { id, name: 'Quiet', domains: [`${id}.example`], category: 'x', earn: { points: 1, per: 1 }, currency: 'EUR', secret: `secret-${id}` },
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { partner: { autoConfirm: boolean } }).partner.autoConfirm).toBe(false);
      const member = await registerMember(server);
      const p = await buy(server, member, id, 10_00);
      server.clock.advance(31 * DAY_MS);
      await runJobs();
      expect((await purchaseRow(server, p.id)).status).toBe('pending');
    });
  });

  describe('.error', () => {
    it('answers a placed report without an amount invalid, and applies the other orders of the report', async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await registerMember(server);
      const p = await buy(server, member, shop.id, 10_00);
      const results = await report(server, shop, [
        { orderId: p.orderId, status: 'placed' },
        { orderId: p.orderId, status: 'placed', amountMinor: 10_00 },
      ]);
      expect(results.map((r) => [r.status, r.reason])).toEqual([['invalid', 'amount_required'], ['applied', 'vouched']]);
    });

    it('a cancellation after the placed report wins over the hold', async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await registerMember(server);
      const p = await buy(server, member, shop.id, 10_00);
      await reportPlaced(server, shop, [p]);
      await report(server, shop, [{ orderId: p.orderId, status: 'cancelled' }]);
      server.clock.advance(15 * DAY_MS);
      await runJobs();
      expect(await purchaseRow(server, p.id)).toMatchObject({ status: 'rejected' });
      expect(await balanceOf(server, member)).toMatchObject({ pending: 0, available: 0 });
    });
  });

  describe('.security', () => {
    it('never confirms an invented order: pending past the hold, in the review queue, rejected after the grace period with a reason the member reads', async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await registerMember(server);
      // Tried: five invented orders of 999.99 the partner never reports.
      const invented: Purchase[] = [];
      for (let i = 0; i < 5; i++) invented.push(await buy(server, member, shop.id, 999_99));

      server.clock.advance(14 * DAY_MS + 1000);
      await runJobs();
      expect(await balanceOf(server, member)).toMatchObject({ pending: 5 * 999, available: 0 });
      const queue = await listReviewQueue(server.db, { partnerId: shop.id });
      expect(queue.map((q) => q.reason)).toEqual(Array(5).fill('unvouched'));

      // The member's sync still shows them pending, with the shop's confirmation still to come.
      const sync = (await (await server.call('GET', '/v1/me/sync', { token: member.token })).json()) as { purchases: { id: string; status: string }[] };
      expect(sync.purchases.filter((p) => invented.some((i) => i.id === p.id)).map((p) => p.status)).toEqual(Array(5).fill('pending'));

      server.clock.advance(UNVOUCHED_GRACE_DAYS * DAY_MS);
      await runJobs();
      const after = (await (await server.call('GET', '/v1/me/sync', { token: member.token })).json()) as {
        purchases: { id: string; status: string; reason?: string }[];
      };
      const mine = after.purchases.filter((p) => invented.some((i) => i.id === p.id));
      expect(mine.map((p) => [p.status, p.reason])).toEqual(Array(5).fill(['rejected', 'not_confirmed_by_shop']));
      expect(await balanceOf(server, member)).toEqual({ pending: 0, available: 0, lifetime: 0 });
      expect(await listReviewQueue(server.db, { partnerId: shop.id })).toEqual([]);
    });

    it("a placed report for another partner's order vouches for nothing", async () => {
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const other = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await registerMember(server);
      const p = await buy(server, member, shop.id, 10_00);
      // Tried: a partner (or its leaked key) vouching for an order at a different shop.
      await reportPlaced(server, other, [p]);
      server.clock.advance(15 * DAY_MS);
      await runJobs();
      expect((await purchaseRow(server, p.id)).status).toBe('pending');
    });
  });
});
