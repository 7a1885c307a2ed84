/**
 * Migration 015 freezes the terms of purchases booked before it: each keeps
 * the points it was booked with, and a later return is valued from those
 * terms, not from the partner's rate of the day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valuate, type EarnTerms } from '../../lib/points/index.ts';
import type { Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { applyReturn } from '../../server/purchases/lifecycle.ts';
import { backends, openTestDb } from './harness.ts';

const MEMBER = '00000000-0000-4000-8000-0000000000a1';
const PURCHASE = '00000000-0000-4000-8000-0000000000b1';

describe.each(backends)('migration 015: frozen terms (%s)', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await openTestDb(backend));
  });
  afterAll(() => drop());

  it('gives a purchase booked before it the terms it was valued with, so a return after a rate change takes back what it cost', async () => {
    // Tried: a purchase of 123.45 EUR booked at 2 points per EUR under ×1.5 and a 20-point bonus (390 points), then migration 015,
    // then the operator cuts the rate to 1 point per 10 EUR, then the partner reports 100.00 left after a return.
    await migrate(db, { target: 14 });
    await db.query(`INSERT INTO members (id, email, member_number) VALUES ($1, 'old@example.test', '0000000099')`, [MEMBER]);
    await db.query(`INSERT INTO balances (member_id, pending) VALUES ($1, 390)`, [MEMBER]);
    await db.query(`INSERT INTO partners (id, doc, secret) VALUES ('old-shop', $1, 'a-secret-of-16-chars')`, [
      JSON.stringify({ id: 'old-shop', name: 'Old', domains: ['old.example'], category: 'x', earn: { points: 2, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: false }),
    ]);
    await db.query(
      `INSERT INTO purchases (id, member_id, partner_id, order_id, amount_minor, original_amount_minor, currency, detected_at, method, body_hash,
                              status, points, multiplier_bp, bonus_points, offer_ids, hold_until)
       VALUES ($1, $2, 'old-shop', 'A-1', 12345, 12345, 'EUR', now(), 'jsonld', 'h', 'pending', 390, 15000, 20, '["x1-5","bonus"]', now() + interval '30 days')`,
      [PURCHASE, MEMBER],
    );
    await db.query(`INSERT INTO ledger_entries (member_id, account, delta, reason, purchase_id) VALUES ($1, 'pending', 390, 'purchase', $2)`, [MEMBER, PURCHASE]);

    expect(await migrate(db)).toContain(15);
    const [row] = await db.query<{ terms: EarnTerms; base_points: number }>('SELECT terms, base_points FROM purchases WHERE id = $1', [PURCHASE]);
    expect(valuate(123_45, row!.terms).total).toBe(390);
    expect(row!.base_points).toBe(246);
    // Migration 016: the partner's rate as known since the beginning, for reports that say when an order was placed.
    expect(await db.query(`SELECT extract(year FROM valid_from AT TIME ZONE 'UTC')::int AS year, earn FROM partner_rates WHERE partner_id = $1`, ['old-shop'])).toEqual([
      { year: 1, earn: { points: 2, per: 1 } },
    ]);

    await db.query(`UPDATE partners SET doc = jsonb_set(doc, '{earn}', '{"points":1,"per":10}') WHERE id = 'old-shop'`);
    const returned = await db.transaction((tx) => applyReturn(tx, PURCHASE, new Date(), 100_00));
    // 100.00 × 2 × 1.5 + 20 = 320, valued as booked; the new rate would have made it 35.
    expect(returned).toMatchObject({ status: 'applied', purchase: { amountMinor: 100_00, points: 320 } });
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });
});
