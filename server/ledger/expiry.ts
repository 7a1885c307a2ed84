/**
 * Points expiry (docs/expiry.md). Every credit to a member's available
 * account is an earning lot, dated when it was booked. Spending, returns and
 * every other debit use the lots up first in, first out: the debits of a
 * member, all together, eat the lots from the oldest on, and a debit beyond
 * the lots is a debt that the next lots pay first. What is left of a lot at
 * the end of the month `months` after it was earned expires: one `expiry`
 * entry naming the lot, booked by the scheduler, at most once per lot (a
 * unique index). Points already spent are never expired, and available
 * never goes below zero through an expiry, since a lot only has points left
 * while the member's debits have not reached it.
 *
 * A return or reversal of a purchase whose lot partly expired first gives
 * the expired part back (`expiry_reinstated`, naming the lot), up to the
 * points it takes back: the member ends where they would have without the
 * expiry, and never loses the same points twice.
 */
import { MAX_UPCOMING_EXPIRIES } from '../../lib/contract/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { lockMember, post, type Entry } from './ledger.ts';

/** Confirmed points expire after this many months unless the operator sets POINTS_EXPIRY_MONTHS (0: never). */
export const DEFAULT_POINTS_EXPIRY_MONTHS = 36;

/** How far ahead the member is told what will expire. */
export const EXPIRY_FORECAST_DAYS = 365;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant a lot earned at `earnedAt` expires: the end of the month `months` later (UTC), i.e. the first instant of the month after. */
export function lotExpiresAt(earnedAt: Date, months: number): Date {
  return new Date(Date.UTC(earnedAt.getUTCFullYear(), earnedAt.getUTCMonth() + months + 1, 1));
}

/** The last day on which a lot can still be spent, as the member reads it (YYYY-MM-DD, UTC). */
export function lastSpendableDay(expiresAt: Date): string {
  return new Date(expiresAt.getTime() - DAY_MS).toISOString().slice(0, 10);
}

/** Lots earned before this instant have expired by `now` (the first of this month, `months` back). */
export function earnedBeforeCutoff(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
}

/** A lot as the ledger has it: its earning entry and what was credited to it (reinstatements included) and expired from it. */
export interface Lot {
  entryId: number;
  earnedAt: Date;
  creditedPoints: number;
  expiredPoints: number;
  /** Whether an `expiry` entry names it (even one of zero points, which `post` never writes). */
  expired: boolean;
}

export interface LotPlan extends Lot {
  expiresAt: Date;
  /** Points of the lot not yet spent, taken back or expired. */
  remainingPoints: number;
  /** Past its expiry at `now` and not yet expired: the job books `remainingPoints` now. */
  due: boolean;
}

/**
 * Where each lot stands, oldest first, given all the member's debits
 * (`debitedPoints`, the sum of every negative available entry, expiries
 * included). A lot has what the debits have not reached of it; a lot that is
 * due counts as expired for the lots after it, so a forecast agrees with
 * what the job will book.
 */
export function planLots(lots: readonly Lot[], debitedPoints: number, months: number, now: Date): LotPlan[] {
  let prefix = 0;
  let debited = debitedPoints;
  return lots.map((lot) => {
    prefix += lot.creditedPoints;
    const remainingPoints = Math.max(0, Math.min(lot.creditedPoints, prefix - debited));
    const expiresAt = lotExpiresAt(lot.earnedAt, months);
    const due = !lot.expired && expiresAt.getTime() <= now.getTime();
    if (due) debited += remainingPoints;
    return { ...lot, expiresAt, remainingPoints, due };
  });
}

interface LotRow {
  [key: string]: unknown;
  lot_id: number | null;
  earned_at: Date | null;
  credited: number;
  expired: number;
  expiries: number;
  debited: number;
}

/**
 * A member's lots earned before `$2` (all with NULL) and the sum of all the
 * member's debits, in one read of the member's available entries. Later
 * lots come after those in FIFO order, so leaving them out changes nothing
 * about the earlier ones. Reinstatements and expiries count towards the lot
 * they name; the first row (no lot) carries the debits.
 */
const LOTS_SQL = `
  WITH a AS (SELECT id, delta, reason, earning_entry_id, created_at FROM ledger_entries WHERE member_id = $1 AND account = 'available')
  SELECT NULL::bigint AS lot_id, NULL::timestamptz AS earned_at, 0::bigint AS credited, 0::bigint AS expired, 0 AS expiries,
         COALESCE(-SUM(delta) FILTER (WHERE delta < 0), 0)::bigint AS debited
    FROM a
  UNION ALL
  SELECT COALESCE(earning_entry_id, id), MIN(created_at) FILTER (WHERE earning_entry_id IS NULL),
         COALESCE(SUM(delta) FILTER (WHERE delta > 0), 0)::bigint, COALESCE(-SUM(delta) FILTER (WHERE reason = 'expiry'), 0)::bigint,
         COUNT(*) FILTER (WHERE reason = 'expiry')::int, 0::bigint
    FROM a WHERE delta > 0 OR reason = 'expiry'
   GROUP BY 1
  HAVING $2::timestamptz IS NULL OR MIN(created_at) FILTER (WHERE earning_entry_id IS NULL) < $2::timestamptz`;

export async function loadLots(db: Queryable, memberId: string, earnedBefore?: Date): Promise<{ lots: Lot[]; debitedPoints: number }> {
  const rows = await db.query<LotRow>(LOTS_SQL, [memberId, earnedBefore?.toISOString() ?? null]);
  let debitedPoints = 0;
  const lots: Lot[] = [];
  for (const r of rows) {
    debitedPoints += Number(r.debited);
    if (r.lot_id === null || r.earned_at === null) continue;
    lots.push({
      entryId: Number(r.lot_id),
      earnedAt: new Date(r.earned_at),
      creditedPoints: Number(r.credited),
      expiredPoints: Number(r.expired),
      expired: Number(r.expiries) > 0,
    });
  }
  lots.sort((a, b) => a.earnedAt.getTime() - b.earnedAt.getTime() || a.entryId - b.entryId);
  return { lots, debitedPoints };
}

/** Expires the member's due lots; call after `lockMember`. Returns the points expired. */
export async function expireMemberLots(tx: Queryable, memberId: string, now: Date, months: number): Promise<number> {
  const { lots, debitedPoints } = await loadLots(tx, memberId, earnedBeforeCutoff(now, months));
  const entries: Entry[] = planLots(lots, debitedPoints, months, now)
    .filter((lot) => lot.due && lot.remainingPoints > 0)
    .map((lot) => ({ account: 'available', delta: -lot.remainingPoints, reason: 'expiry', earningEntryId: lot.entryId }));
  if (entries.length === 0) return 0;
  await post(tx, memberId, entries, now);
  return entries.reduce((sum, e) => sum - e.delta, 0);
}

/**
 * The scheduler's round: every member with a lot earned between the last
 * finished round's cutoff and this one's gets their due lots expired, each
 * member in a transaction of their own under their balance lock. Only when
 * all of them are done does the cutoff move on, so an interrupted round is
 * simply done again (a lot already expired is not expired twice: the plan
 * sees its entry, and the unique index refuses a second one). Returns the
 * number of members whose points expired.
 */
export async function expireDueLots(db: Db, now: Date, months: number, keepAlive: () => Promise<boolean>, batch = 500): Promise<number> {
  if (months <= 0) return 0;
  const cutoff = earnedBeforeCutoff(now, months);
  const state = await db.query<{ earned_before: Date | null }>('SELECT earned_before FROM points_expiry_state');
  const from = state[0]?.earned_before ?? null;
  if (from !== null && new Date(from).getTime() >= cutoff.getTime()) return 0;
  let changed = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const members = await db.query<{ member_id: string }>(
      `SELECT DISTINCT member_id FROM ledger_entries
        WHERE account = 'available' AND delta > 0 AND earning_entry_id IS NULL
          AND created_at < $1 AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz) AND member_id > $3::uuid
        ORDER BY member_id LIMIT $4`,
      [cutoff.toISOString(), from === null ? null : new Date(from).toISOString(), after, batch],
    );
    for (const { member_id } of members) {
      const expired = await db.transaction(async (tx) => {
        await lockMember(tx, member_id);
        return expireMemberLots(tx, member_id, now, months);
      });
      if (expired > 0) changed++;
    }
    if (members.length < batch) break;
    after = members[members.length - 1]!.member_id;
    if (!(await keepAlive())) return changed;
  }
  await db.query(
    `UPDATE points_expiry_state SET earned_before = GREATEST(COALESCE(earned_before, $1::timestamptz), $1::timestamptz)`,
    [cutoff.toISOString()],
  );
  return changed;
}

/**
 * What a return or reversal of a confirmed purchase gives back of the
 * purchase's expired points before it takes `takenBackPoints` back: the
 * expired part of its lot not given back yet, at most the points taken.
 * Post these entries with the take-back itself.
 */
export async function reinstatementFor(tx: Queryable, purchaseId: string, takenBackPoints: number): Promise<Entry[]> {
  if (takenBackPoints <= 0) return [];
  const rows = await tx.query<{ lot_id: number; expired: number; reinstated: number }>(
    `SELECT l.id AS lot_id,
            COALESCE((SELECT -SUM(x.delta) FROM ledger_entries x WHERE x.earning_entry_id = l.id AND x.reason = 'expiry'), 0)::bigint AS expired,
            COALESCE((SELECT SUM(r.delta) FROM ledger_entries r WHERE r.earning_entry_id = l.id AND r.reason = 'expiry_reinstated'), 0)::bigint AS reinstated
       FROM ledger_entries l
      WHERE l.purchase_id = $1 AND l.account = 'available' AND l.reason = 'confirmation' AND l.delta > 0`,
    [purchaseId],
  );
  const entries: Entry[] = [];
  let left = takenBackPoints;
  for (const r of rows) {
    const points = Math.min(left, Number(r.expired) - Number(r.reinstated));
    if (points <= 0) continue;
    entries.push({ account: 'available', delta: points, reason: 'expiry_reinstated', earningEntryId: Number(r.lot_id) });
    left -= points;
  }
  return entries;
}

/** Points that will expire soon, one line per last spendable day, soonest first. */
export interface UpcomingExpiry {
  points: number;
  expiresOn: string;
}

/** What expires of the member's points within `EXPIRY_FORECAST_DAYS` unless spent first. */
export async function upcomingExpiries(db: Queryable, memberId: string, now: Date, months: number): Promise<UpcomingExpiry[]> {
  if (months <= 0) return [];
  const horizon = now.getTime() + EXPIRY_FORECAST_DAYS * DAY_MS;
  // Only lots that expire within the horizon matter; younger ones come after them.
  const { lots, debitedPoints } = await loadLots(db, memberId, earnedBeforeCutoff(new Date(horizon), months));
  const byDay = new Map<string, number>();
  for (const lot of planLots(lots, debitedPoints, months, now)) {
    if (lot.expired || lot.due || lot.remainingPoints === 0 || lot.expiresAt.getTime() > horizon) continue;
    const day = lastSpendableDay(lot.expiresAt);
    byDay.set(day, (byDay.get(day) ?? 0) + lot.remainingPoints);
  }
  return [...byDay]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, MAX_UPCOMING_EXPIRIES)
    .map(([expiresOn, points]) => ({ points, expiresOn }));
}
