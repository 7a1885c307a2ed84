/**
 * The database ceiling for batch ingest: the same purchase rows written with
 * the same multi-row INSERT the server uses (100 rows per statement), through
 * the driver directly, by as many concurrent writers as there are HTTP
 * clients. No HTTP, no auth, no look-ups, no ledger: what is left is what
 * PostgreSQL itself charges for the rows.
 */
import { openPostgres, type Db } from '../../server/db/index.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { CURRENCY, PARTNER_ID } from './setup.ts';
import { POSTGRES_URL } from '../lib/postgres.ts';
import type { ApiStack } from './stack.ts';

const INSERT = `INSERT INTO purchases (id, member_id, partner_id, order_id, amount_minor, original_amount_minor, currency, detected_at,
                        method, body_hash, status, reason, points, multiplier_bp, bonus_points, offer_ids, duplicate_of,
                        hold_until, created_at, updated_at)
 SELECT u.id, $1, $2, u.order_id, u.amount_minor, u.amount_minor, $3, u.detected_at, 'bench', u.body_hash, 'pending', NULL,
        u.points, 10000, 0, '[]'::jsonb, NULL, u.hold_until, $4, $4
   FROM unnest($5::uuid[], $6::text[], $7::bigint[], $8::timestamptz[], $9::text[], $10::bigint[], $11::timestamptz[])
     AS u(id, order_id, amount_minor, detected_at, body_hash, points, hold_until)
 ON CONFLICT DO NOTHING
 RETURNING id`;

let counter = 0;
const tag = Date.now().toString(36);

function batchParams(memberId: string, size: number): unknown[] {
  const now = new Date();
  const hold = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  const ids: string[] = [];
  const orders: string[] = [];
  const amounts: number[] = [];
  const detected: string[] = [];
  const hashes: string[] = [];
  const points: number[] = [];
  const holds: string[] = [];
  for (let i = 0; i < size; i++) {
    counter++;
    const amount = 1000 + (counter % 9000);
    ids.push(uuidv7());
    orders.push(`RAW${tag}-${counter}`);
    amounts.push(amount);
    detected.push(now.toISOString());
    hashes.push('0'.repeat(64));
    points.push(Math.floor(amount / 200));
    holds.push(hold);
  }
  return [memberId, PARTNER_ID, CURRENCY, now.toISOString(), ids, orders, amounts, detected, hashes, points, holds];
}

export async function rawInsertCeiling(
  stack: ApiStack,
  memberIds: readonly string[],
  opts: { concurrency: number; batchSize: number; durationMs: number },
): Promise<{ purchasesPerSec: number; statements: number }> {
  // PostgreSQL: a pool of its own with one connection per writer. PGlite: its only connection.
  const db: Db = stack.backend === 'postgres' ? await openPostgres(POSTGRES_URL, { schema: stack.schema, max: opts.concurrency }) : stack.db;
  let rows = 0;
  let statements = 0;
  let next = 0;
  const start = performance.now();
  const end = start + opts.durationMs;
  const writer = async () => {
    while (performance.now() < end) {
      const inserted = await db.query(INSERT, batchParams(memberIds[next++ % memberIds.length]!, opts.batchSize));
      rows += inserted.length;
      statements++;
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, writer));
  } finally {
    if (stack.backend === 'postgres') await db.close();
  }
  return { purchasesPerSec: rows / ((performance.now() - start) / 1000), statements };
}
