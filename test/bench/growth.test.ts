/**
 * The growth benchmark's pure parts: its size list, and its bulk fill, which
 * must write what the app would have written (ledger:verify finds nothing
 * wrong) on PGlite and, with DATABASE_URL, on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDatabase, memberEmail } from '../../bench/growth/fill.ts';
import { parseSizes, sizesFrom } from '../../bench/growth/sizes.ts';
import { openPglite, openPostgres, type Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { showMember } from '../../server/operator/members.ts';
import { luhnCheckDigit } from '../../server/routes/auth.ts';
import { backends } from '../server/harness.ts';

describe('growth sizes', () => {
  it('reads powers of ten and plain numbers, smallest first, ten purchases a member unless named', () => {
    expect(parseSizes('1e7,1e4, 1e6')).toEqual([
      { purchases: 10_000, members: 1_000, label: '1e4' },
      { purchases: 1_000_000, members: 100_000, label: '1e6' },
      { purchases: 10_000_000, members: 1_000_000, label: '1e7' },
    ]);
    expect(parseSizes('25000/100')).toEqual([{ purchases: 25_000, members: 100, label: '25000' }]);
    expect(parseSizes('1e4,10000')).toHaveLength(1);
  });

  it('takes --sizes before the environment, and the default last', () => {
    expect(sizesFrom(['growth', '--sizes', '1e4'], {}).map((s) => s.label)).toEqual(['1e4']);
    expect(sizesFrom(['growth', '--sizes=1e5,1e4'], {}).map((s) => s.label)).toEqual(['1e4', '1e5']);
    expect(sizesFrom(['growth'], { BENCH_GROWTH_SIZES: '1e6' }).map((s) => s.label)).toEqual(['1e6']);
    expect(sizesFrom(['growth'], {}).map((s) => s.label)).toEqual(['1e4', '1e6', '1e7']);
  });

  it('refuses what is not a size', () => {
    for (const bad of ['', 'ten', '1e4,-5', '0', '1.5', '100/1000', '1/2/3', '1e10']) expect(() => parseSizes(bad), bad).toThrow();
    expect(() => sizesFrom(['growth', '--sizes'], {})).toThrow();
  });
});

async function openOneConnection(backend: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (backend === 'pglite') {
    const db = await openPglite();
    return { db, drop: () => db.close() };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  // One connection: the fill's session settings must hold for its statements.
  const db = await openPostgres(process.env.DATABASE_URL!, { schema, max: 1 });
  return {
    db,
    drop: async () => {
      await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.close();
    },
  };
}

describe.each(backends)('growth fill (%s)', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  const purchases = 3_000;
  const members = 300;

  beforeAll(async () => {
    ({ db, drop } = await openOneConnection(backend));
    await migrate(db);
    for (const id of ['bench-shop', 'growth-p01']) {
      const doc = { id, name: id, domains: [`${id}.example`], category: 'fashion', earn: { points: 1, per: 2 }, currency: 'EUR', holdDays: 30, autoConfirm: false };
      await db.query('INSERT INTO partners (id, doc, secret) VALUES ($1, $2::jsonb, $3)', [id, JSON.stringify(doc), 'secret']);
    }
    // Small chunks, so the chunk boundaries are crossed too.
    await fillDatabase(db, { purchases, members, partnerIds: ['bench-shop', 'growth-p01'], passwordHash: 'x', now: new Date(), chunk: 700 });
  }, 120_000);
  afterAll(() => drop());

  it('writes what the app would have: ledger:verify finds every balance, entry and valuation consistent', async () => {
    const { ok, lines } = await ledgerVerification(db);
    expect(lines.join('\n')).toContain(`ledger ok: ${members} balances`);
    expect(lines.join('\n')).toContain(`purchases ok: ${purchases} purchases`);
    expect(ok).toBe(true);
  });

  it('gives every member ten purchases over two years, in every state the lifecycle reaches', async () => {
    const perMember = await db.query<{ n: number; count: number }>('SELECT n, count(*)::int AS count FROM (SELECT member_id, count(*)::int AS n FROM purchases GROUP BY member_id) s GROUP BY n');
    expect(perMember).toEqual([{ n: 10, count: members }]);
    const states = await db.query<{ status: string }>('SELECT DISTINCT status FROM purchases ORDER BY status');
    expect(states.map((s) => s.status)).toEqual(['confirmed', 'pending', 'rejected', 'reversed']);
    const [held] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM purchases WHERE review = 'held' AND status = 'pending'`);
    expect(held!.n).toBeGreaterThan(0);
    // The rows the indexes were dropped for are found through them again.
    const [order] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM purchases WHERE partner_id IN ('bench-shop', 'growth-p01') AND order_id = 'G1'`);
    expect(order!.n).toBe(1);
  });

  it('writes members as registration does: a member number with its Luhn digit, a unique referral code, a verified email', async () => {
    const report = await showMember(db, memberEmail(7));
    const body = report.memberNumber.slice(0, -1);
    expect(Number(report.memberNumber.at(-1))).toBe(luhnCheckDigit(body));
    expect(report.purchases.length).toBeGreaterThan(0);
    const [codes] = await db.query<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT referral_code)::int AS distinct FROM members');
    expect(codes!.distinct).toBe(codes!.n);
    const [unverified] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE email_verified_at IS NULL');
    expect(unverified!.n).toBe(0);
  });
});
