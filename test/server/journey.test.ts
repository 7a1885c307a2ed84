/**
 * Issue 2's "done means", end to end through the API: a member registers,
 * ingests two purchases (one sent twice, one also claimed by a second
 * member), the partner confirms one and partly returns the other, the member
 * redeems a reward, and GET /v1/me shows exactly what the ledger entries sum
 * to, with the ledger check clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Balance, Transaction } from '../../lib/contract/index.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import {
  createPartner,
  createReward,
  ingest,
  purchaseBody,
  registerMember,
  emailSha256,
  report,
  type TestMember,
} from './lifecycle-helpers.ts';

describe.each(backends)('a member journey (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  async function me(member: TestMember): Promise<{ member: { id: string }; balance: Balance }> {
    const res = await server.call('GET', '/v1/me', { token: member.token });
    expect(res.status).toBe(200);
    return (await res.json()) as { member: { id: string }; balance: Balance };
  }

  /** Every ledger entry of the member, through the paged transactions route. */
  async function allTransactions(member: TestMember): Promise<Transaction[]> {
    const all: Transaction[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await server.call('GET', `/v1/me/transactions${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, { token: member.token });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { transactions: Transaction[]; nextCursor?: string };
      all.push(...body.transactions);
      if (!body.nextCursor) return all;
      cursor = body.nextCursor;
    }
    throw new Error('transactions did not end');
  }

  async function sqlSums(memberId: string): Promise<Balance> {
    const rows = await server.db.query<Balance>(
      `SELECT COALESCE(SUM(delta) FILTER (WHERE account = 'available'), 0)::bigint AS available,
              COALESCE(SUM(delta) FILTER (WHERE account = 'pending'), 0)::bigint AS pending,
              COALESCE(SUM(delta) FILTER (WHERE account = 'available' AND reason <> 'redemption'), 0)::bigint AS lifetime
         FROM ledger_entries WHERE member_id = $1`,
      [memberId],
    );
    return rows[0]!;
  }

  it('ends with GET /v1/me showing exactly the balances its ledger entries sum to', async () => {
    // The operator sets up a partner (1 point per EUR) and a reward.
    const shop = await createPartner(server, { earn: { points: 1, per: 1 }, autoConfirm: false });
    const rewardId = await createReward(server, { kind: 'voucher', pointsCost: 30 });

    // A member registers through the API; the extension sends two purchases.
    const anna = await registerMember(server);
    const shoes = purchaseBody(shop.id, 100_00);
    const jacket = purchaseBody(shop.id, 60_00);
    const first = await ingest(server, anna, [shoes, jacket]);
    expect(first.map((r) => [r.status, r.purchase?.status, r.purchase?.points])).toEqual([
      ['accepted', 'pending', 100],
      ['accepted', 'pending', 60],
    ]);

    // The extension's retry after a lost answer: the same ids and bodies again book nothing.
    const replay = await ingest(server, anna, [shoes, jacket]);
    expect(replay.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect((await me(anna)).balance).toEqual({ available: 0, pending: 160, lifetime: 0 });

    // A second member claims the same order of the same partner: a contest, both held under review.
    const ben = await registerMember(server);
    const [claimed] = await ingest(server, ben, [{ ...purchaseBody(shop.id, 60_00), orderId: jacket.orderId }]);
    expect(claimed).toMatchObject({ status: 'accepted', reason: 'contested', purchase: { status: 'pending' } });
    // The partner's record names the buyer by email hash: Ben's claim is refused, Anna's jacket is hers again.
    const [decided] = await report(server, shop, [{ orderId: jacket.orderId, status: 'placed', amountMinor: 60_00, customerEmailSha256: emailSha256(anna.email!) }]);
    expect(decided).toMatchObject({ status: 'applied', purchase: { status: 'pending' } });
    expect(decided?.purchase?.reason).toBeUndefined();
    expect((await me(ben)).balance).toEqual({ available: 0, pending: 0, lifetime: 0 });

    // The partner confirms the shoes and reports a partial return of the jacket (40.00 EUR stand).
    const results = await report(server, shop, [
      { orderId: shoes.orderId, status: 'confirmed' },
      { orderId: jacket.orderId, status: 'returned', amountMinor: 40_00 },
    ]);
    expect(results.map((r) => [r.status, r.purchase?.status, r.purchase?.points])).toEqual([
      ['applied', 'confirmed', 100],
      ['applied', 'pending', 40],
    ]);
    expect((await me(anna)).balance).toEqual({ available: 100, pending: 40, lifetime: 100 });

    // The member redeems a voucher.
    const redeemed = await server.call('POST', '/v1/redemptions', {
      token: anna.token,
      body: { rewardId },
      headers: { 'Idempotency-Key': `journey-${anna.id}` },
    });
    expect(redeemed.status).toBe(201);

    // What the member sees is what the entries sum to: in SQL and through the API.
    const balance = (await me(anna)).balance;
    expect(balance).toEqual({ available: 70, pending: 40, lifetime: 100 });
    expect(await sqlSums(anna.id)).toEqual(balance);
    const transactions = await allTransactions(anna);
    const sum = (account: 'available' | 'pending', pred: (t: Transaction) => boolean = () => true) =>
      transactions.filter((t) => t.account === account && pred(t)).reduce((s, t) => s + t.delta, 0);
    expect({
      available: sum('available'),
      pending: sum('pending'),
      lifetime: sum('available', (t) => t.reason !== 'redemption'),
    }).toEqual(balance);
    expect(transactions.map((t) => [t.account, t.delta, t.reason]).sort()).toEqual(
      [
        ['pending', 100, 'purchase'],
        ['pending', 60, 'purchase'],
        ['pending', -100, 'confirmation'],
        ['available', 100, 'confirmation'],
        ['pending', -20, 'return'],
        ['available', -30, 'redemption'],
      ].sort(),
    );

    // `npm run ledger:verify` runs this same check over every member.
    const verified = await verifyLedger(server.db);
    expect(verified.mismatches).toEqual([]);
    expect(verified.members).toBeGreaterThanOrEqual(2);
  });
});
