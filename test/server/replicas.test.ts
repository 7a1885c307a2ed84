/**
 * Two server processes on one PostgreSQL, as in production behind a load
 * balancer, receiving the same thing at the same moment: the same purchases
 * (same ids), the same orders under new ids from one member and from two
 * members, the same redemption Idempotency-Key, the same partner
 * confirmation. Each must have one effect, checked in the database.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import {
  call,
  postgresSchema,
  purchase,
  putPartner,
  putReward,
  register,
  sendReport,
  signedReport,
  startServerProcess,
  type Member,
  type Partner,
  type ServerProcess,
} from './server-process.ts';

const SOAK = process.env.SOAK === '1';
const ROUNDS = SOAK ? 40 : 3;
const BATCH = 25;

interface IngestAnswer {
  results: { id: string; status: string; reason?: string }[];
}

async function ingestVia(base: string, member: Member, items: unknown[]): Promise<IngestAnswer> {
  const res = await call(base, 'POST', '/v1/purchases', { token: member.token, body: { purchases: items } });
  expect(res.status).toBe(200);
  return (await res.json()) as IngestAnswer;
}

describe.skipIf(!process.env.DATABASE_URL)('two replicas on one PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof postgresSchema>>;
  let db: Db;
  let a: ServerProcess;
  let b: ServerProcess;
  let partner: Partner;

  beforeAll(async () => {
    pg = await postgresSchema();
    db = pg.db;
    // Both start at once: the migration's advisory lock must let exactly one of them migrate.
    [a, b] = await Promise.all([startServerProcess({ DATABASE_URL: pg.url }), startServerProcess({ DATABASE_URL: pg.url })]);
    partner = await putPartner(a.base);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await pg?.drop();
  });

  const holders = async (orderIds: string[]) =>
    db.query<{ order_id: string; n: number }>(
      `SELECT order_id, count(*)::int AS n FROM purchases WHERE partner_id = $1 AND order_id = ANY($2::text[]) AND duplicate_of IS NULL GROUP BY order_id`,
      // Orders are stored normalised: upper-cased at a partner whose order numbers ignore case.
      [partner.id, orderIds.map((o) => o.toUpperCase())],
    );

  it('books the same batch (same ids) sent to both replicas at once exactly once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const member = await register(a.base);
      const items = Array.from({ length: BATCH }, (_, i) => purchase(partner.id, `same-ids-${round}-${i}-${randomUUID()}`, 1000 + i));
      const [fromA, fromB] = await Promise.all([ingestVia(a.base, member, items), ingestVia(b.base, member, items)]);
      for (let i = 0; i < BATCH; i++) {
        expect([fromA.results[i]!.status, fromB.results[i]!.status].sort()).toEqual(['accepted', 'duplicate']);
      }
      const rows = await db.query<{ n: number; points: number }>(
        `SELECT count(*)::int AS n, COALESCE(sum(points), 0)::int AS points FROM purchases WHERE member_id = $1`,
        [member.id],
      );
      expect(rows[0]!.n).toBe(BATCH);
      const entries = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_entries WHERE member_id = $1 AND reason = 'purchase'`, [member.id]);
      expect(entries[0]!.n).toBe(BATCH);
      const balance = await db.query<{ pending: number }>('SELECT pending FROM balances WHERE member_id = $1', [member.id]);
      expect(balance[0]!.pending).toBe(rows[0]!.points);
    }
  });

  it('books the same orders from two devices of one member (new ids) once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const member = await register(a.base);
      const orders = Array.from({ length: BATCH }, (_, i) => `two-devices-${round}-${i}-${randomUUID()}`);
      const phone = orders.map((o) => purchase(partner.id, o, 2000));
      const laptop = orders.map((o) => purchase(partner.id, o, 2000));
      const [fromA, fromB] = await Promise.all([ingestVia(a.base, member, phone), ingestVia(b.base, member, laptop)]);
      for (let i = 0; i < BATCH; i++) {
        expect([fromA.results[i]!.status, fromB.results[i]!.status].sort()).toEqual(['accepted', 'duplicate']);
      }
      expect((await holders(orders)).every((r) => r.n === 1)).toBe(true);
      const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM purchases WHERE member_id = $1', [member.id]);
      expect(rows[0]!.n).toBe(BATCH);
      const balance = await db.query<{ pending: number }>('SELECT pending FROM balances WHERE member_id = $1', [member.id]);
      expect(balance[0]!.pending).toBe(BATCH * 20);
    }
  });

  it('makes an order claimed by three members at once a contest: one first row, all three held, nothing lost', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const claimants = await Promise.all([register(a.base), register(b.base), register(a.base)]);
      const orders = Array.from({ length: BATCH }, (_, i) => `many-members-${round}-${i}-${randomUUID()}`);
      // Each member sends the orders in another order, so their transactions collide at different rows.
      const answers = await Promise.all(
        claimants.map((member, m) => {
          const mine = orders.map((o) => purchase(partner.id, o, 3000));
          if (m === 1) mine.reverse();
          return ingestVia(m === 1 ? b.base : a.base, member, mine).then((r) => (m === 1 ? { results: [...r.results].reverse() } : r));
        }),
      );
      for (let i = 0; i < BATCH; i++) {
        const statuses = answers.map((r) => r.results[i]!);
        expect(statuses.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
        expect(statuses.map((r) => r.reason ?? 'first').sort()).toEqual(['contested', 'contested', 'first']);
      }
      const unheld = await db.query('SELECT 1 FROM purchases WHERE partner_id = $1 AND order_id = ANY($2::text[]) AND review IS DISTINCT FROM \'held\'', [
        partner.id,
        orders.map((o) => o.toUpperCase()),
      ]);
      expect(unheld).toEqual([]);
      const held = await holders(orders);
      expect(held).toHaveLength(BATCH);
      expect(held.every((r) => r.n === 1)).toBe(true);
      const pending = await db.query<{ pending: number }>('SELECT sum(pending)::int AS pending FROM balances WHERE member_id = ANY($1::uuid[])', [
        claimants.map((c) => c.id),
      ]);
      expect(pending[0]!.pending).toBe(3 * BATCH * 30);
    }
  });

  it('redeems once for the same Idempotency-Key sent to both replicas at once', async () => {
    const reward = await putReward(a.base, 10);
    for (let round = 0; round < ROUNDS; round++) {
      const member = await register(a.base);
      const orderId = `redeem-${round}-${randomUUID()}`;
      await ingestVia(a.base, member, [purchase(partner.id, orderId, 5000)]);
      const confirmed = await sendReport(a.base, signedReport(partner, [{ orderId, status: 'confirmed' }]));
      expect(confirmed.status).toBe(200);
      const key = randomUUID();
      const send = (base: string) =>
        call(base, 'POST', '/v1/redemptions', { token: member.token, body: { rewardId: reward }, headers: { 'Idempotency-Key': key } });
      const answers = await Promise.all([send(a.base), send(b.base), send(a.base), send(b.base)]);
      expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { redemption: { id: string } }).redemption.id)));
      expect(ids.size).toBe(1);
      const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM redemptions WHERE member_id = $1', [member.id]);
      expect(rows[0]!.n).toBe(1);
      const spent = await db.query<{ n: number; available: number }>(
        `SELECT (SELECT count(*)::int FROM ledger_entries WHERE member_id = $1 AND reason = 'redemption') AS n,
                (SELECT available FROM balances WHERE member_id = $1) AS available`,
        [member.id],
      );
      expect(spent[0]).toEqual({ n: 1, available: 40 });
    }
  });

  it('never lets concurrent redemptions under different keys spend more than is available', async () => {
    const reward = await putReward(a.base, 10);
    for (let round = 0; round < ROUNDS; round++) {
      const member = await register(a.base);
      const orderId = `overspend-${round}-${randomUUID()}`;
      await ingestVia(a.base, member, [purchase(partner.id, orderId, 5000)]);
      expect((await sendReport(b.base, signedReport(partner, [{ orderId, status: 'confirmed' }]))).status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call(i % 2 ? a.base : b.base, 'POST', '/v1/redemptions', {
            token: member.token,
            body: { rewardId: reward },
            headers: { 'Idempotency-Key': randomUUID() },
          }),
        ),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7);
      const spent = await db.query<{ n: number; available: number }>(
        `SELECT (SELECT count(*)::int FROM ledger_entries WHERE member_id = $1 AND reason = 'redemption') AS n,
                (SELECT available FROM balances WHERE member_id = $1) AS available`,
        [member.id],
      );
      expect(spent[0]).toEqual({ n: 5, available: 0 });
    }
  });

  it('applies the same partner confirmation sent to both replicas at once once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const member = await register(a.base);
      const orders = Array.from({ length: 10 }, (_, i) => `confirm-${round}-${i}-${randomUUID()}`);
      await ingestVia(a.base, member, orders.map((o) => purchase(partner.id, o, 1500)));
      const report = orders.map((orderId) => ({ orderId, status: 'confirmed' as const }));
      // The very same signed request twice (a partner's retry racing itself): one is a replay.
      // One clock reading for both: read twice, a second boundary between them made both the same signature (a replay).
      const now = Math.floor(Date.now() / 1000);
      const same = signedReport(partner, report, now);
      // And two separately signed requests for the same orders: each order confirms once.
      const other = signedReport(partner, report, now - 1);
      const answers = await Promise.all([sendReport(a.base, same), sendReport(b.base, same), sendReport(b.base, other)]);
      expect(answers.slice(0, 2).map((r) => r.status).sort()).toEqual([200, 401]);
      expect(answers[2]!.status).toBe(200);
      const applied = (
        await Promise.all(
          answers.filter((r) => r.status === 200).map(async (r) => ((await r.json()) as { results: { status: string }[] }).results.map((x) => x.status)),
        )
      ).flat();
      expect(applied.filter((s) => s === 'applied')).toHaveLength(orders.length);
      expect(applied.filter((s) => s === 'unchanged')).toHaveLength(orders.length);
      const entries = await db.query<{ purchase_id: string; n: number }>(
        `SELECT purchase_id, count(*)::int AS n FROM ledger_entries WHERE member_id = $1 AND reason = 'confirmation' GROUP BY purchase_id`,
        [member.id],
      );
      expect(entries).toHaveLength(orders.length);
      expect(entries.every((e) => e.n === 2)).toBe(true);
      const balance = await db.query<{ available: number; pending: number }>('SELECT available, pending FROM balances WHERE member_id = $1', [member.id]);
      expect(balance[0]).toEqual({ available: orders.length * 15, pending: 0 });
    }
  });

  it('leaves the ledger consistent after all of it', async () => {
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });
});
