/**
 * The points ledger: append-only entries and the per-member balance row,
 * always changed together in one transaction.
 */
import type { Balance } from '../../lib/contract/index.ts';
import { prepared, type Queryable } from '../db/index.ts';

export type Account = 'pending' | 'available';

/** Why an entry was written. Entries of the available account count towards `lifetime` unless spent. */
export type EntryReason =
  | 'purchase' // pending +points when a purchase is accepted
  | 'purchase_adjusted' // pending ± when a confirmation changes the amount
  | 'confirmation' // pending − and available + when a purchase is confirmed
  | 'return' // pending or available − on a partial return
  | 'cancellation' // pending − when a pending purchase is cancelled or fully returned
  | 'reversal' // available − when a confirmed purchase is cancelled or fully returned
  | 'redemption' // available − when points are spent on a voucher
  | 'donation' // available − when points are donated to a charity (its account gets them, see charity.ts)
  | 'bonus' // available + for a programme bonus
  | 'referral_bonus' // pending + for both members when a referred member's first qualifying purchase is confirmed; pending − available + when its hold has ended
  | 'referral_bonus_reversal' // pending or available − for both when that purchase is reversed or returned below the minimum
  | 'debt_transferred' // available + on an erased member whose unpaid debt a new account with its email took over
  | 'debt_inherited' // available − on that new account: the debt it took over
  | 'expiry' // available − what was left of an earning lot when it expired (names the lot, see expiry.ts)
  | 'expiry_reinstated' // available + the expired part of a lot given back when its purchase is returned (names the lot)
  | 'mission_bonus' // available + when a mission's counting purchases are confirmed (names the mission, see programme/missions.ts)
  | 'mission_bonus_reversal'; // available − when a return or cancellation makes that mission no longer hold (names the mission)

/**
 * Reasons of spending, of moving a debt and of expiry: they change
 * `available` but never `lifetime` (every point ever confirmed, DESIGN.md).
 */
export const SPENDING_REASONS: ReadonlySet<EntryReason> = new Set([
  'redemption',
  'donation',
  'debt_transferred',
  'debt_inherited',
  'expiry',
  'expiry_reinstated',
]);

export interface Entry {
  account: Account;
  delta: number;
  reason: EntryReason;
  purchaseId?: string;
  redemptionId?: string;
  /** For `expiry` and `expiry_reinstated`: the earning entry (lot) it expires or gives back. */
  earningEntryId?: number;
  /** For `mission_bonus` and `mission_bonus_reversal`: the mission. */
  missionId?: string;
}

const LOCK_MEMBER = prepared('lock_member', 'SELECT available, pending, lifetime FROM balances WHERE member_id = $1 FOR UPDATE');

/**
 * Locks the member's balance row for the rest of the transaction and returns
 * it. Every change to a member's purchases or points starts here, so changes
 * of one member are serialised and their change numbers commit in order.
 */

export async function lockMember(tx: Queryable, memberId: string): Promise<Balance> {
  const rows = await tx.query<Balance>(LOCK_MEMBER, [memberId]);
  const row = rows[0];
  if (!row) throw new Error(`no balance row for member ${memberId}`);
  return row;
}

/**
 * Appends entries and moves the balance row by their sums, in one
 * statement. Call after `lockMember`. `at` dates the entries (the caller's
 * clock, which tests move); without it, the database's.
 */
export async function post(tx: Queryable, memberId: string, entries: readonly Entry[], at?: Date): Promise<Balance> {
  const moving = entries.filter((e) => e.delta !== 0);
  const sum = (pred: (e: Entry) => boolean) => moving.filter(pred).reduce((s, e) => s + e.delta, 0);
  const params: unknown[] = [
    memberId,
    sum((e) => e.account === 'available'),
    sum((e) => e.account === 'pending'),
    sum((e) => e.account === 'available' && !SPENDING_REASONS.has(e.reason)),
    at?.toISOString() ?? null,
  ];
  const values: string[] = [];
  for (const e of moving) {
    const base = params.length;
    values.push(
      `($1::uuid, $${base + 1}, $${base + 2}::bigint, $${base + 3}, $${base + 4}::uuid, $${base + 5}::uuid, $${base + 6}::bigint, $${base + 7}::text, COALESCE($5::timestamptz, now()))`,
    );
    params.push(e.account, e.delta, e.reason, e.purchaseId ?? null, e.redemptionId ?? null, e.earningEntryId ?? null, e.missionId ?? null);
  }
  const appended = values.length
    ? `WITH appended AS (
         INSERT INTO ledger_entries (member_id, account, delta, reason, purchase_id, redemption_id, earning_entry_id, mission_id, created_at) VALUES ${values.join(', ')}
       ) `
    : '';
  const rows = await tx.query<Balance>(
    `${appended}UPDATE balances SET available = available + $2, pending = pending + $3, lifetime = lifetime + $4, updated_at = COALESCE($5::timestamptz, now())
     WHERE member_id = $1 RETURNING available, pending, lifetime`,
    params,
  );
  return rows[0]!;
}

/**
 * The ledger half of booking new purchases in the same statement that
 * inserts them (ingest.ts), as `post` would book them: given a CTE `booked`
 * of the inserted rows (`id`, `status`, `points`), a pending entry for each
 * accepted purchase with points, and the balance moved by their sum. Use
 * after `lockMember`, like `post`.
 */
export function postBookedPurchasesCtes(memberParam: string): string {
  const earning = `b.status = 'pending' AND b.points > 0`;
  return `appended AS (
       INSERT INTO ledger_entries (member_id, account, delta, reason, purchase_id)
       SELECT ${memberParam}, 'pending', b.points, 'purchase', b.id FROM booked b WHERE ${earning}
     ), moved AS (
       UPDATE balances SET pending = pending + (SELECT COALESCE(SUM(b.points), 0) FROM booked b WHERE ${earning}), updated_at = now()
        WHERE member_id = ${memberParam}
     )`;
}

export interface BalanceMismatch {
  memberId: string;
  stored: Balance;
  fromEntries: Balance;
}

/** Recomputes every balance from its entries; returns the members whose row differs. */
export async function verifyLedger(db: Queryable): Promise<{ members: number; mismatches: BalanceMismatch[] }> {
  const spending = [...SPENDING_REASONS];
  const rows = await db.query<{
    member_id: string;
    available: number;
    pending: number;
    lifetime: number;
    e_available: number;
    e_pending: number;
    e_lifetime: number;
  }>(
    `SELECT b.member_id, b.available, b.pending, b.lifetime,
            COALESCE(e.available, 0) AS e_available, COALESCE(e.pending, 0) AS e_pending, COALESCE(e.lifetime, 0) AS e_lifetime
       FROM balances b
       LEFT JOIN (
         SELECT member_id,
                SUM(delta) FILTER (WHERE account = 'available') AS available,
                SUM(delta) FILTER (WHERE account = 'pending') AS pending,
                SUM(delta) FILTER (WHERE account = 'available' AND NOT (reason = ANY($1::text[]))) AS lifetime
           FROM ledger_entries GROUP BY member_id
       ) e ON e.member_id = b.member_id`,
    [spending],
  );
  const mismatches = rows
    .filter((r) => r.available !== r.e_available || r.pending !== r.e_pending || r.lifetime !== r.e_lifetime)
    .map((r) => ({
      memberId: r.member_id,
      stored: { available: r.available, pending: r.pending, lifetime: r.lifetime },
      fromEntries: { available: r.e_available, pending: r.e_pending, lifetime: r.e_lifetime },
    }));
  return { members: rows.length, mismatches };
}
