/**
 * The purchase state machine: each transition once, partial returns in
 * pending and confirmed, cancellations, and auto-confirmation after the hold
 * period. Purchases come in through the real ingest route; the transitions
 * are called directly, as the partner API and the auto-confirm job do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../server/db/index.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { applyReturn, autoConfirmDue, autoConfirmDueForMember, cancel, confirm } from '../../server/purchases/lifecycle.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import {
  balanceOf,
  buy,
  createPartner,
  createReward,
  DAY_MS,
  entriesOf,
  purchaseRow,
  registerMember,
  reportPlaced,
  type TestMember,
  type TestPartner,
} from './lifecycle-helpers.ts';

describe.each(backends)('purchase lifecycle (%s)', (backend) => {
  let server: TestServer;
  let shop: TestPartner;

  beforeAll(async () => {
    server = await startTestServer(backend);
    // 1 point per EUR, so 100.00 EUR earns 100 points.
    shop = await createPartner(server, { earn: { points: 1, per: 1 }, holdDays: 30, autoConfirm: false });
  });
  afterAll(async () => {
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
    await server.close();
  });

  const run = <T>(fn: (tx: Queryable) => Promise<T>) => server.db.transaction(fn);
  const now = () => server.clock.now();

  async function freshMember(): Promise<TestMember> {
    return registerMember(server);
  }

  describe('confirmation', () => {
    it('moves the points from pending to available once, and a second confirmation is unchanged', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      expect(p).toMatchObject({ status: 'pending', points: 100 });
      const before = await purchaseRow(server, p.id);

      const first = await run((tx) => confirm(tx, p.id, now()));
      expect(first.status).toBe('applied');
      expect(first.purchase).toMatchObject({ status: 'confirmed', points: 100 });
      expect(first.purchase.confirmedAt).toBeDefined();
      expect((await purchaseRow(server, p.id)).change_seq).toBeGreaterThan(before.change_seq);

      const second = await run((tx) => confirm(tx, p.id, now()));
      expect(second.status).toBe('unchanged');
      expect(await entriesOf(server, p.id)).toEqual([
        { account: 'pending', delta: 100, reason: 'purchase' },
        { account: 'pending', delta: -100, reason: 'confirmation' },
        { account: 'available', delta: 100, reason: 'confirmation' },
      ]);
      expect(await balanceOf(server, member)).toEqual({ available: 100, pending: 0, lifetime: 100 });
    });

    it('recomputes the points first when the partner confirms a lower amount', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      const r = await run((tx) => confirm(tx, p.id, now(), 80_00));
      expect(r.status).toBe('applied');
      expect(r.purchase).toMatchObject({ status: 'confirmed', amountMinor: 80_00, points: 80 });
      expect(await entriesOf(server, p.id)).toEqual([
        { account: 'pending', delta: 100, reason: 'purchase' },
        { account: 'pending', delta: -20, reason: 'purchase_adjusted' },
        { account: 'pending', delta: -80, reason: 'confirmation' },
        { account: 'available', delta: 80, reason: 'confirmation' },
      ]);
      expect(await balanceOf(server, member)).toEqual({ available: 80, pending: 0, lifetime: 80 });
    });

    it('confirms at the partner\'s amount when it is above the member\'s: the partner\'s record of what was paid stands', async () => {
      // Tried: the extension read 100.00 (a net total), the partner confirms 119.00.
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      const r = await run((tx) => confirm(tx, p.id, now(), 119_00));
      expect(r).toMatchObject({ status: 'applied', purchase: { status: 'confirmed', amountMinor: 119_00, points: 119 } });
      expect(await balanceOf(server, member)).toMatchObject({ available: 119, pending: 0 });
    });

    it('refuses a confirmation above the contract\'s ceiling of 1,000,000.00, and changes nothing', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      const r = await run((tx) => confirm(tx, p.id, now(), 100_000_001));
      expect(r).toMatchObject({ status: 'invalid', reason: 'amount_too_large', purchase: { status: 'pending', points: 100 } });
      expect(await entriesOf(server, p.id)).toHaveLength(1);
    });

    it('refuses a confirmation of a zero amount (that is a return)', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      const r = await run((tx) => confirm(tx, p.id, now(), 0));
      expect(r.status).toBe('invalid');
      expect((await purchaseRow(server, p.id)).status).toBe('pending');
    });

    it('refuses to confirm a purchase that was already rejected', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      await run((tx) => cancel(tx, p.id, now()));
      const r = await run((tx) => confirm(tx, p.id, now()));
      expect(r).toMatchObject({ status: 'invalid', reason: 'already_rejected', purchase: { status: 'rejected' } });
      expect(await balanceOf(server, member)).toEqual({ available: 0, pending: 0, lifetime: 0 });
    });

    it('applies two racing confirmations of the same purchase exactly once', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      const results = await Promise.all([run((tx) => confirm(tx, p.id, now())), run((tx) => confirm(tx, p.id, now()))]);
      expect(results.map((r) => r.status).sort()).toEqual(['applied', 'unchanged']);
      expect(await balanceOf(server, member)).toEqual({ available: 100, pending: 0, lifetime: 100 });
    });
  });

  describe('partial returns', () => {
    it('take back points(old) − points(new) from pending, repeatedly, never raising the amount', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);

      const first = await run((tx) => applyReturn(tx, p.id, now(), 60_00));
      expect(first).toMatchObject({ status: 'applied', purchase: { status: 'pending', amountMinor: 60_00, points: 60 } });
      expect(await balanceOf(server, member)).toEqual({ available: 0, pending: 60, lifetime: 0 });

      const same = await run((tx) => applyReturn(tx, p.id, now(), 60_00));
      expect(same.status).toBe('unchanged');
      const higher = await run((tx) => applyReturn(tx, p.id, now(), 70_00));
      expect(higher).toMatchObject({ status: 'invalid', reason: 'amount_above_standing' });

      const second = await run((tx) => applyReturn(tx, p.id, now(), 25_50));
      expect(second).toMatchObject({ status: 'applied', purchase: { amountMinor: 25_50, points: 25 } });
      expect(await entriesOf(server, p.id)).toEqual([
        { account: 'pending', delta: 100, reason: 'purchase' },
        { account: 'pending', delta: -40, reason: 'return' },
        { account: 'pending', delta: -35, reason: 'return' },
      ]);

      // Confirmation then moves only what is left.
      await run((tx) => confirm(tx, p.id, now()));
      expect(await balanceOf(server, member)).toEqual({ available: 25, pending: 0, lifetime: 25 });
    });

    it('take back points from available once the purchase is confirmed', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      await run((tx) => confirm(tx, p.id, now()));
      const r = await run((tx) => applyReturn(tx, p.id, now(), 30_00));
      expect(r).toMatchObject({ status: 'applied', purchase: { status: 'confirmed', amountMinor: 30_00, points: 30 } });
      expect((await entriesOf(server, p.id)).at(-1)).toEqual({ account: 'available', delta: -70, reason: 'return' });
      expect(await balanceOf(server, member)).toEqual({ available: 30, pending: 0, lifetime: 30 });
    });
  });

  describe('full returns and cancellations', () => {
    it('reject a pending purchase on a full return, once', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      const r = await run((tx) => applyReturn(tx, p.id, now()));
      expect(r).toMatchObject({ status: 'applied', purchase: { status: 'rejected' } });
      const again = await run((tx) => applyReturn(tx, p.id, now()));
      expect(again.status).toBe('unchanged');
      expect((await entriesOf(server, p.id)).at(-1)).toEqual({ account: 'pending', delta: -100, reason: 'cancellation' });
      expect(await balanceOf(server, member)).toEqual({ available: 0, pending: 0, lifetime: 0 });
    });

    it('reverse a confirmed purchase on a return to zero', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      await run((tx) => confirm(tx, p.id, now()));
      const r = await run((tx) => applyReturn(tx, p.id, now(), 0));
      expect(r).toMatchObject({ status: 'applied', purchase: { status: 'reversed' } });
      expect((await entriesOf(server, p.id)).at(-1)).toEqual({ account: 'available', delta: -100, reason: 'reversal' });
      expect(await balanceOf(server, member)).toEqual({ available: 0, pending: 0, lifetime: 0 });
    });

    it('cancel: pending → rejected, confirmed → reversed, and final states stay unchanged', async () => {
      const member = await freshMember();
      const pending = await buy(server, member, shop.id, 50_00);
      const confirmed = await buy(server, member, shop.id, 40_00);
      await run((tx) => confirm(tx, confirmed.id, now()));

      expect((await run((tx) => cancel(tx, pending.id, now()))).purchase.status).toBe('rejected');
      expect((await run((tx) => cancel(tx, confirmed.id, now()))).purchase.status).toBe('reversed');
      for (const id of [pending.id, confirmed.id]) {
        const again = await run((tx) => cancel(tx, id, now()));
        expect(again.status).toBe('unchanged');
        const afterReturn = await run((tx) => applyReturn(tx, id, now(), 10_00));
        expect(afterReturn.status).toBe('unchanged');
      }
      expect(await balanceOf(server, member)).toEqual({ available: 0, pending: 0, lifetime: 0 });
    });

    it('let a reversal take available below zero when the points were already spent (a debt, not a redemption)', async () => {
      const member = await freshMember();
      const p = await buy(server, member, shop.id, 100_00);
      await run((tx) => confirm(tx, p.id, now()));
      const rewardId = await createReward(server, { kind: 'donation', pointsCost: 80 });
      const redeemed = await server.call('POST', '/v1/redemptions', {
        token: member.token,
        body: { rewardId },
        headers: { 'Idempotency-Key': `debt-${p.id}` },
      });
      expect(redeemed.status).toBe(201);
      await run((tx) => cancel(tx, p.id, now()));
      expect(await balanceOf(server, member)).toEqual({ available: -80, pending: 0, lifetime: 0 });
    });
  });

  describe('auto-confirmation', () => {
    it('confirms pending purchases once the hold period has passed, and never twice', async () => {
      const autoShop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const member = await freshMember();
      const held = await buy(server, member, autoShop.id, 100_00);
      const manual = await buy(server, member, shop.id, 20_00);
      await reportPlaced(server, autoShop, [held]);
      await reportPlaced(server, shop, [manual]);

      server.clock.advance(13 * DAY_MS);
      expect(await autoConfirmDueForMember(server.db, member.id, now())).toBe(0);
      expect((await purchaseRow(server, held.id)).status).toBe('pending');

      server.clock.advance(2 * DAY_MS);
      const [a, b] = await Promise.all([autoConfirmDue(server.db, now(), 500), autoConfirmDue(server.db, now(), 500)]);
      expect(a + b).toBeGreaterThanOrEqual(1);
      expect(await autoConfirmDue(server.db, now(), 500)).toBe(0);
      expect((await purchaseRow(server, held.id)).status).toBe('confirmed');
      // The partner without auto-confirmation waits for its own report.
      expect((await purchaseRow(server, manual.id)).status).toBe('pending');
      expect(await entriesOf(server, held.id)).toEqual([
        { account: 'pending', delta: 100, reason: 'purchase' },
        { account: 'pending', delta: -100, reason: 'confirmation' },
        { account: 'available', delta: 100, reason: 'confirmation' },
      ]);
      expect(await balanceOf(server, member)).toEqual({ available: 100, pending: 20, lifetime: 100 });
    });
  });
});
