/**
 * POST /v1/partner-api/confirmations: what a partner's report must do, what
 * it must refuse, and what an attacker tries with signatures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import {
  balanceOf,
  buy,
  createPartner,
  registerMember,
  report,
  sendConfirmations,
  unique,
  type TestMember,
  type TestPartner,
} from './lifecycle-helpers.ts';

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

describe.each(backends)('partner confirmations (%s)', (backend) => {
  let server: TestServer;
  let shop: TestPartner;
  let member: TestMember;

  beforeAll(async () => {
    server = await startTestServer(backend, { RATE_LIMIT_PARTNER_PER_MIN: '1000' });
    shop = await createPartner(server, { earn: { points: 1, per: 2 }, autoConfirm: false });
    member = await registerMember(server);
  });
  afterAll(async () => {
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
    await server.close();
  });

  const seconds = () => Math.floor(server.clock.now().getTime() / 1000);

  async function expect401(res: Response): Promise<ErrorBody> {
    expect(res.status).toBe(401);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'unauthorized' });
    expect(body.error.requestId).toEqual(expect.any(String));
    return body;
  }

  describe('happy path', () => {
    it('confirms a pending purchase and answers the purchase as it stands', async () => {
      const p = await buy(server, member, shop.id, 120_00);
      const before = await balanceOf(server, member);
      const [result] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
      expect(result).toMatchObject({ orderId: p.orderId, status: 'applied', purchase: { id: p.id, status: 'confirmed', points: 60 } });
      const after = await balanceOf(server, member);
      expect(after.available - before.available).toBe(60);
      expect(after.pending - before.pending).toBe(-60);

      const [again] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
      expect(again).toMatchObject({ status: 'unchanged', purchase: { status: 'confirmed' } });
    });

    it('applies a partial return by the amount that stands, then a full return reverses the rest', async () => {
      const p = await buy(server, member, shop.id, 100_00);
      await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
      const [partial] = await report(server, shop, [{ orderId: p.orderId, status: 'returned', amountMinor: 40_00 }]);
      expect(partial).toMatchObject({ status: 'applied', purchase: { status: 'confirmed', amountMinor: 40_00, points: 20 } });
      const [full] = await report(server, shop, [{ orderId: p.orderId, status: 'returned' }]);
      expect(full).toMatchObject({ status: 'applied', purchase: { status: 'reversed' } });
    });

    it('answers each order of a mixed batch in order, one bad order not failing the others', async () => {
      const toConfirm = await buy(server, member, shop.id, 50_00);
      const toCancel = await buy(server, member, shop.id, 30_00);
      const toReturn = await buy(server, member, shop.id, 80_00);
      const missing = unique('never-sold');
      const results = await report(server, shop, [
        { orderId: toConfirm.orderId, status: 'confirmed' },
        { orderId: missing, status: 'confirmed' },
        { orderId: toCancel.orderId, status: 'cancelled' },
        { orderId: toReturn.orderId, status: 'returned', amountMinor: 90_00 },
        { orderId: toReturn.orderId, status: 'returned', amountMinor: 60_00 },
      ]);
      expect(results.map((r) => [r.orderId, r.status, r.purchase?.status])).toEqual([
        [toConfirm.orderId, 'applied', 'confirmed'],
        [missing, 'unknown', undefined],
        [toCancel.orderId, 'applied', 'rejected'],
        [toReturn.orderId, 'invalid', 'pending'],
        [toReturn.orderId, 'applied', 'pending'],
      ]);
      expect(results[3]!.reason).toBe('amount_above_standing');
      expect(results[4]!.purchase).toMatchObject({ amountMinor: 60_00, points: 30 });
    });
  });

  describe('refusals', () => {
    it('answers unknown for an order this partner never had, and keeps it for the operator', async () => {
      const orderId = unique('ghost-order');
      const [result] = await report(server, shop, [{ orderId, status: 'returned', amountMinor: 10_00 }]);
      expect(result).toEqual({ orderId, status: 'unknown' });
      const kept = await server.db.query('SELECT partner_id, status, amount_minor FROM unknown_confirmations WHERE order_id = $1', [orderId]);
      expect(kept).toEqual([{ partner_id: shop.id, status: 'returned', amount_minor: 10_00 }]);
    });

    it("answers unknown for another partner's order, even with the same order id", async () => {
      const other = await createPartner(server);
      const p = await buy(server, member, other.id, 10_00);
      const [result] = await report(server, shop, [{ orderId: p.orderId, status: 'cancelled' }]);
      expect(result!.status).toBe('unknown');
    });

    it('confirms at the partner\'s amount above the member\'s, and the member sees the corrected amount', async () => {
      // Tried: the member's extension recorded 100.00, the partner confirms 150.00 (the extension under-read the total).
      const p = await buy(server, member, shop.id, 100_00);
      const before = await balanceOf(server, member);
      const [result] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', amountMinor: 150_00 }]);
      // The shop earns 1 point per 2.00: 50 points were pending, 75 are available.
      expect(result).toMatchObject({ status: 'applied', purchase: { status: 'confirmed', amountMinor: 150_00, points: 75, reason: 'amount_adjusted' } });
      expect(await balanceOf(server, member)).toEqual({ available: before.available + 75, pending: before.pending - 50, lifetime: before.lifetime + 75 });
      const sync = await server.call('GET', '/v1/me/sync', { token: member.token });
      const seen = ((await sync.json()) as { purchases: { id: string; amountMinor: number }[] }).purchases.find((x) => x.id === p.id);
      expect(seen?.amountMinor).toBe(150_00);
    });

    it('marks a confirmation above the ceiling of 1,000,000.00 invalid and books nothing', async () => {
      const p = await buy(server, member, shop.id, 100_00);
      const before = await balanceOf(server, member);
      const [result] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed', amountMinor: 100_000_001 }]);
      expect(result).toMatchObject({ status: 'invalid', reason: 'amount_too_large', purchase: { status: 'pending', amountMinor: 100_00 } });
      expect(await balanceOf(server, member)).toEqual(before);
    });

    it('refuses a body that is not a list of orders with 400, after the signature is checked', async () => {
      const { res } = await sendConfirmations(server, shop, { orders: [{ orderId: 'x', status: 'shipped' }] });
      expect(res.status).toBe(400);
      const { res: notJson } = await sendConfirmations(server, shop, '{"orders": [');
      expect(notJson.status).toBe(400);
    });
  });

  describe('security', () => {
    const body = () => ({ orders: [{ orderId: unique('any'), status: 'confirmed' as const }] });

    it('refuses a wrong signature with 401', async () => {
      await expect401((await sendConfirmations(server, shop, body(), { signature: signConfirmation('not-the-secret-at-all', String(seconds()), '{}') })).res);
      await expect401((await sendConfirmations(server, shop, body(), { signature: 'sha256=00' })).res);
    });

    it('refuses a request without a signature with 401', async () => {
      const res = await server.call('POST', '/v1/partner-api/confirmations', {
        body: body(),
        headers: { 'X-Sammelpunkt-Partner': shop.id, 'X-Sammelpunkt-Timestamp': String(seconds()) },
      });
      await expect401(res);
    });

    it('refuses a body changed after signing with 401', async () => {
      const signed = JSON.stringify(body());
      const ts = String(seconds());
      const res = await sendConfirmations(server, shop, `${signed} `, { timestamp: ts, signature: signConfirmation(shop.secret, ts, signed) });
      await expect401(res.res);
    });

    it('refuses an unknown partner with 401', async () => {
      await expect401((await sendConfirmations(server, { id: 'no-such-shop', secret: shop.secret }, body())).res);
    });

    it("refuses a request signed with another partner's secret with 401", async () => {
      const other = await createPartner(server);
      await expect401((await sendConfirmations(server, { id: shop.id, secret: other.secret }, body())).res);
    });

    it('refuses a timestamp 301 s stale with 401', async () => {
      await expect401((await sendConfirmations(server, shop, body(), { timestamp: String(seconds() - 301) })).res);
    });

    it('refuses a timestamp 301 s in the future with 401', async () => {
      await expect401((await sendConfirmations(server, shop, body(), { timestamp: String(seconds() + 301) })).res);
    });

    it('accepts a timestamp 299 s old (inside the window)', async () => {
      const { res } = await sendConfirmations(server, shop, body(), { timestamp: String(seconds() - 299) });
      expect(res.status).toBe(200);
    });

    it('refuses a timestamp that is not unix seconds with 401', async () => {
      await expect401((await sendConfirmations(server, shop, body(), { timestamp: new Date().toISOString() })).res);
    });

    it('refuses a replayed signature with 401, and the replay changes nothing', async () => {
      const p = await buy(server, member, shop.id, 100_00);
      const first = await sendConfirmations(server, shop, { orders: [{ orderId: p.orderId, status: 'returned', amountMinor: 50_00 }] });
      expect(first.res.status).toBe(200);
      const before = await balanceOf(server, member);
      // The same bytes, timestamp and signature again, as an eavesdropper would resend them.
      const replay = await server.call('POST', '/v1/partner-api/confirmations', {
        body: first.raw,
        headers: { 'X-Sammelpunkt-Partner': shop.id, 'X-Sammelpunkt-Timestamp': first.timestamp, 'X-Sammelpunkt-Signature': first.signature },
      });
      await expect401(replay);
      expect(await balanceOf(server, member)).toEqual(before);
    });

    it('answers 429 with Retry-After when a partner goes over its rate limit', async () => {
      const limited = await startTestServer(backend, { RATE_LIMIT_PARTNER_PER_MIN: '2' });
      try {
        const p = await createPartner(limited);
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await sendConfirmations(limited, p, body())).res.status);
        expect(statuses).toEqual([200, 200, 429]);
        const { res } = await sendConfirmations(limited, p, body());
        expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });
  });
});
