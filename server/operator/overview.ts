/**
 * The programme's figures over a period for the console's overview: members,
 * purchases, confirmation, repeat purchases, redemption, breakage and the
 * outstanding liability, in total and per day or week.
 *
 * Everything is aggregated in SQL over index ranges of the period only:
 * purchases through `purchases_detected` (detected_at), members and ledger
 * entries through the indexes of migration 100 (created_at). The liability at
 * each bucket's end is counted back from today's balance rows, as the
 * monthly liability report does (ledger/liability.ts), so only the entries
 * since the period's start are read, never the whole history.
 */
import {
  DEFAULT_OVERVIEW_DAYS,
  MAX_OVERVIEW_DAYS,
  OVERVIEW_DAILY_UP_TO_DAYS,
  type OverviewBucket,
  type OverviewInterval,
  type ProgrammeOverview,
} from '../../lib/contract/console.ts';
import type { Queryable } from '../db/index.ts';
import { AVAILABLE_COLUMNS } from '../ledger/liability.ts';

const DAY_MS = 86_400_000;
const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const parseDay = (s: string) => new Date(`${s}T00:00:00.000Z`);

export interface OverviewPeriod {
  from: string;
  to: string;
  interval: OverviewInterval;
}

/**
 * The period a request names: whole UTC days, both ends included. Absent
 * ends default to the last 30 days up to today; the interval defaults to
 * days for up to two months, weeks beyond. Returns a message on bad input.
 */
export function parseOverviewPeriod(q: { from?: string | undefined; to?: string | undefined; interval?: string | undefined }, now: Date): OverviewPeriod | string {
  const valid = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(parseDay(s).getTime()) && dayKey(parseDay(s)) === s;
  if (q.from !== undefined && !valid(q.from)) return `from: ${JSON.stringify(q.from.slice(0, 20))} is not a day (YYYY-MM-DD)`;
  if (q.to !== undefined && !valid(q.to)) return `to: ${JSON.stringify(q.to.slice(0, 20))} is not a day (YYYY-MM-DD)`;
  const to = q.to ?? (q.from !== undefined ? dayKey(new Date(Math.min(parseDay(q.from).getTime() + (DEFAULT_OVERVIEW_DAYS - 1) * DAY_MS, now.getTime()))) : dayKey(now));
  const from = q.from ?? dayKey(new Date(parseDay(to).getTime() - (DEFAULT_OVERVIEW_DAYS - 1) * DAY_MS));
  const days = (parseDay(to).getTime() - parseDay(from).getTime()) / DAY_MS + 1;
  if (days < 1) return `from (${from}) is after to (${to})`;
  if (days > MAX_OVERVIEW_DAYS) return `The period is ${days} days; at most ${MAX_OVERVIEW_DAYS} are reported at once`;
  if (q.interval !== undefined && q.interval !== 'day' && q.interval !== 'week') return `interval: ${JSON.stringify(q.interval.slice(0, 20))} is not day or week`;
  const interval = (q.interval as OverviewInterval | undefined) ?? (days <= OVERVIEW_DAILY_UP_TO_DAYS ? 'day' : 'week');
  return { from, to, interval };
}

/** The first day of each bucket of the period: every day, or every week from the Monday of `from`'s week. */
function bucketStarts({ from, to, interval }: OverviewPeriod): string[] {
  let start = parseDay(from).getTime();
  if (interval === 'week') start -= ((new Date(start).getUTCDay() + 6) % 7) * DAY_MS;
  const step = interval === 'week' ? 7 * DAY_MS : DAY_MS;
  const starts: string[] = [];
  for (let t = start; t <= parseDay(to).getTime(); t += step) starts.push(dayKey(new Date(t)));
  return starts;
}

/** The first day of the bucket a day falls in. */
function bucketOf(day: string, interval: OverviewInterval): string {
  if (interval === 'day') return day;
  const t = parseDay(day).getTime();
  return dayKey(new Date(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS));
}

/**
 * A day's ledger sums are kept once the day ended this long ago: an entry is
 * dated when it is written, and this margin covers a write that began just
 * before midnight on a server whose clock is a little behind.
 */
export const LEDGER_DAY_SETTLE_MS = 60 * 60 * 1000;

interface LedgerDay {
  day: string;
  account: string;
  reason: string;
  points: number;
}

/**
 * The ledger's movements per day from `from` on, to now and beyond (entries
 * after the period count the liability back): the ended days from
 * `ledger_daily`, summed and kept there the first time they are asked for,
 * the days since from the entries themselves.
 */
async function ledgerDays(db: Queryable, primary: Queryable, from: string, now: Date): Promise<LedgerDay[]> {
  const settled = dayKey(new Date(now.getTime() - LEDGER_DAY_SETTLE_MS));
  const live = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const rows: LedgerDay[] = [];
  if (from < settled) {
    const [{ missing_from: missingFrom, missing_to: missingTo } = { missing_from: null, missing_to: null }] = await db.query<{ missing_from: string | null; missing_to: string | null }>(
      `SELECT to_char(min(d), 'YYYY-MM-DD') AS missing_from, to_char(max(d), 'YYYY-MM-DD') AS missing_to
         FROM generate_series($1::date, $2::date - 1, interval '1 day') AS g(d)
        WHERE NOT EXISTS (SELECT 1 FROM ledger_daily_days k WHERE k.day = g.d::date)`,
      [from, settled],
    );
    if (missingFrom !== null && missingTo !== null) {
      const end = dayKey(new Date(parseDay(missingTo).getTime() + DAY_MS));
      const summed = await db.query<{ day: string; account: string; reason: string; points: string }>(
        `SELECT ${live} AS day, account, reason, SUM(delta) AS points FROM ledger_entries
          WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2, 3`,
        [`${missingFrom}T00:00:00Z`, `${end}T00:00:00Z`],
      );
      // Kept on the primary (the read may come from a replica); a day another request kept meanwhile stays as it was.
      if (summed.length > 0) {
        await primary.query(
          `INSERT INTO ledger_daily (day, account, reason, points)
           SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[]) ON CONFLICT DO NOTHING`,
          [summed.map((r) => r.day), summed.map((r) => r.account), summed.map((r) => r.reason), summed.map((r) => r.points)],
        );
      }
      await primary.query(
        `INSERT INTO ledger_daily_days (day) SELECT g::date FROM generate_series($1::date, $2::date, interval '1 day') AS g ON CONFLICT DO NOTHING`,
        [missingFrom, missingTo],
      );
      rows.push(...summed.map((r) => ({ ...r, points: Number(r.points) })));
    }
    const kept = await db.query<{ day: string; account: string; reason: string; points: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, account, reason, points FROM ledger_daily WHERE day >= $1 AND day < $2${missingFrom !== null ? ' AND (day < $3 OR day > $4)' : ''}`,
      missingFrom !== null ? [from, settled, missingFrom, missingTo] : [from, settled],
    );
    rows.push(...kept.map((r) => ({ ...r, points: Number(r.points) })));
  }
  const recent = await db.query<{ day: string; account: string; reason: string; points: string }>(
    `SELECT ${live} AS day, account, reason, SUM(delta) AS points FROM ledger_entries WHERE created_at >= $1 GROUP BY 1, 2, 3`,
    [`${from > settled ? from : settled}T00:00:00Z`],
  );
  rows.push(...recent.map((r) => ({ ...r, points: Number(r.points) })));
  return rows;
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const bucketSql = `to_char(date_trunc($3::text, {col} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;

/**
 * `db` reads (a replica may do); `primary` keeps the sums of ended days in
 * `ledger_daily` (migration 101); `now` decides which days have ended.
 */
export async function programmeOverview(db: Queryable, period: OverviewPeriod, opts: { primary?: Queryable; now?: Date } = {}): Promise<ProgrammeOverview> {
  const primary = opts.primary ?? db;
  const now = opts.now ?? new Date();
  const start = parseDay(period.from).toISOString();
  const end = new Date(parseDay(period.to).getTime() + DAY_MS).toISOString();
  const args = [start, end, period.interval];
  const purchases = await db.query<{ bucket: string; purchases: string; active: string; points: string; confirmed: string; rejected: string }>(
    `SELECT ${bucketSql.replace('{col}', 'detected_at')} AS bucket, count(*) AS purchases, count(DISTINCT member_id) AS active,
            COALESCE(SUM(points) FILTER (WHERE status <> 'rejected'), 0) AS points,
            count(*) FILTER (WHERE status IN ('confirmed', 'reversed')) AS confirmed,
            count(*) FILTER (WHERE status = 'rejected') AS rejected
       FROM purchases WHERE detected_at >= $1 AND detected_at < $2 AND duplicate_of IS NULL GROUP BY 1`,
    args,
  );
  const members = await db.query<{ active: string; repeat: string }>(
    `SELECT count(*) AS active, count(*) FILTER (WHERE n >= 2) AS repeat
       FROM (SELECT member_id, count(*) AS n FROM purchases
              WHERE detected_at >= $1 AND detected_at < $2 AND duplicate_of IS NULL GROUP BY member_id) m`,
    [start, end],
  );
  const joined = await db.query<{ bucket: string; n: string }>(
    `SELECT ${bucketSql.replace('{col}', 'created_at')} AS bucket, count(*) AS n FROM members WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
    args,
  );
  const ledger = await ledgerDays(db, primary, period.from, now);
  const [balances] = await db.query<{ available: string; pending: string }>(
    'SELECT COALESCE(SUM(available), 0) AS available, COALESCE(SUM(pending), 0) AS pending FROM balances',
  );

  const series = new Map<string, OverviewBucket>(
    bucketStarts(period).map((s) => [
      s,
      { start: s, activeMembers: 0, newMembers: 0, purchases: 0, pointsBooked: 0, confirmedPurchases: 0, rejectedPurchases: 0, pointsIssued: 0, pointsRedeemed: 0, pointsExpired: 0, availableAtEnd: 0, pendingAtEnd: 0 },
    ]),
  );
  for (const r of purchases) {
    const b = series.get(r.bucket);
    if (!b) continue;
    b.purchases = Number(r.purchases);
    b.activeMembers = Number(r.active);
    b.pointsBooked = Number(r.points);
    b.confirmedPurchases = Number(r.confirmed);
    b.rejectedPurchases = Number(r.rejected);
  }
  for (const r of joined) {
    const b = series.get(r.bucket);
    if (b) b.newMembers = Number(r.n);
  }
  let available = Number(balances!.available);
  let pending = Number(balances!.pending);
  const net = new Map<string, { available: number; pending: number }>();
  for (const row of ledger) {
    const r = { ...row, bucket: row.day > period.to ? null : bucketOf(row.day, period.interval) };
    const points = Number(r.points);
    if (r.bucket === null) {
      if (r.account === 'available') available -= points;
      else pending -= points;
      continue;
    }
    const n = net.get(r.bucket) ?? { available: 0, pending: 0 };
    n[r.account === 'available' ? 'available' : 'pending'] += points;
    net.set(r.bucket, n);
    const b = series.get(r.bucket);
    const place = AVAILABLE_COLUMNS[r.reason];
    if (!b || r.account !== 'available' || !place) continue;
    if (place.column === 'earnedPoints') b.pointsIssued += points;
    else if (place.column === 'spentPoints') b.pointsRedeemed -= points;
    else if (place.column === 'expiredPoints') b.pointsExpired -= points;
  }
  const buckets = [...series.values()];
  for (const b of [...buckets].reverse()) {
    b.availableAtEnd = available;
    b.pendingAtEnd = pending;
    available -= net.get(b.start)?.available ?? 0;
    pending -= net.get(b.start)?.pending ?? 0;
  }

  const sum = (k: keyof Omit<OverviewBucket, 'start'>) => buckets.reduce((s, b) => s + b[k], 0);
  const totalPurchases = sum('purchases');
  const confirmed = sum('confirmedPurchases');
  const rejected = sum('rejectedPurchases');
  const active = Number(members[0]!.active);
  const repeat = Number(members[0]!.repeat);
  const issued = sum('pointsIssued');
  const redeemed = sum('pointsRedeemed');
  const last = buckets.at(-1)!;
  return {
    ...period,
    totals: {
      activeMembers: active,
      newMembers: sum('newMembers'),
      purchases: totalPurchases,
      pointsBooked: sum('pointsBooked'),
      confirmedPurchases: confirmed,
      rejectedPurchases: rejected,
      pendingPurchases: totalPurchases - confirmed - rejected,
      confirmationRate: rate(confirmed, totalPurchases),
      rejectionRate: rate(rejected, totalPurchases),
      repeatMembers: repeat,
      repeatPurchaseRate: rate(repeat, active),
      pointsIssued: issued,
      pointsRedeemed: redeemed,
      redemptionRate: rate(redeemed, issued),
      pointsExpired: sum('pointsExpired'),
      availableAtEnd: last.availableAtEnd,
      pendingAtEnd: last.pendingAtEnd,
    },
    series: buckets,
  };
}
