/**
 * The operator's view of the points ledger per calendar month (UTC): what
 * members earned, spent, lost to expiry (breakage) and had taken back, and
 * the outstanding liability at each month's end. Month ends are counted back
 * from today's balance rows, so only the entries of the months shown are
 * read, never the whole history.
 */
import type { LiabilityMonth, PointsLiability } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';

type Column = 'earnedPoints' | 'spentPoints' | 'expiredPoints' | 'takenBackPoints' | 'otherPoints';

/** Where an available entry's reason goes in the report, and with which sign (debits are reported as positive numbers). */
export const AVAILABLE_COLUMNS: Record<string, { column: Column; sign: 1 | -1 }> = {
  confirmation: { column: 'earnedPoints', sign: 1 },
  referral_bonus: { column: 'earnedPoints', sign: 1 },
  bonus: { column: 'earnedPoints', sign: 1 },
  mission_bonus: { column: 'earnedPoints', sign: 1 },
  redemption: { column: 'spentPoints', sign: -1 },
  donation: { column: 'spentPoints', sign: -1 },
  expiry: { column: 'expiredPoints', sign: -1 },
  expiry_reinstated: { column: 'expiredPoints', sign: -1 },
  return: { column: 'takenBackPoints', sign: -1 },
  reversal: { column: 'takenBackPoints', sign: -1 },
  referral_bonus_reversal: { column: 'takenBackPoints', sign: -1 },
  mission_bonus_reversal: { column: 'takenBackPoints', sign: -1 },
};

const monthKey = (d: Date) => d.toISOString().slice(0, 7);

export async function pointsLiability(db: Queryable, now: Date, months: number, expiryMonths: number): Promise<PointsLiability> {
  const starts = Array.from({ length: months }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1 - i), 1)));
  const [moved, current] = await Promise.all([
    db.query<{ month: string; account: string; reason: string; points: number }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, account, reason, SUM(delta)::bigint AS points
         FROM ledger_entries WHERE created_at >= $1 GROUP BY 1, 2, 3`,
      [starts[0]!.toISOString()],
    ),
    db.query<{ available: number; held: number; owed: number; pending: number }>(
      `SELECT COALESCE(SUM(available), 0)::bigint AS available, COALESCE(SUM(GREATEST(available, 0)), 0)::bigint AS held,
              COALESCE(-SUM(LEAST(available, 0)), 0)::bigint AS owed, COALESCE(SUM(pending), 0)::bigint AS pending
         FROM balances`,
    ),
  ]);
  const totals = current[0]!;
  const rows = new Map<string, LiabilityMonth>(
    starts.map((start) => [
      monthKey(start),
      { month: monthKey(start), earnedPoints: 0, spentPoints: 0, expiredPoints: 0, takenBackPoints: 0, otherPoints: 0, availableAtEnd: 0, pendingAtEnd: 0 },
    ]),
  );
  // Net change of each account per month, future-dated entries included, to count the month ends back from today.
  const net = new Map<string, { available: number; pending: number }>();
  for (const r of moved) {
    const points = Number(r.points);
    const n = net.get(r.month) ?? { available: 0, pending: 0 };
    if (r.account === 'available') n.available += points;
    else n.pending += points;
    net.set(r.month, n);
    const row = rows.get(r.month);
    if (!row || r.account !== 'available') continue;
    const place = AVAILABLE_COLUMNS[r.reason] ?? { column: 'otherPoints', sign: 1 };
    row[place.column] += place.sign * points;
  }
  let available = Number(totals.available);
  let pending = Number(totals.pending);
  const later = [...net.keys()].filter((m) => !rows.has(m));
  for (const m of later) {
    available -= net.get(m)!.available;
    pending -= net.get(m)!.pending;
  }
  for (const row of [...rows.values()].reverse()) {
    row.availableAtEnd = available;
    row.pendingAtEnd = pending;
    available -= net.get(row.month)?.available ?? 0;
    pending -= net.get(row.month)?.pending ?? 0;
  }
  return {
    expiryMonths,
    months: [...rows.values()],
    current: { availablePoints: Number(totals.held), debtPoints: Number(totals.owed), pendingPoints: Number(totals.pending) },
  };
}

/** The report as the admin CLI prints it: one line per month, then today's totals. */
export function formatLiability(report: PointsLiability): string[] {
  const head = ['month', 'earned', 'spent', 'expired', 'taken back', 'other', 'available at end', 'pending at end'];
  const cells = report.months.map((m) => [
    m.month,
    ...[m.earnedPoints, m.spentPoints, m.expiredPoints, m.takenBackPoints, m.otherPoints, m.availableAtEnd, m.pendingAtEnd].map(String),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [
    report.expiryMonths > 0
      ? `points expire ${report.expiryMonths} months after they were earned, at the end of that month (POINTS_EXPIRY_MONTHS)`
      : 'points never expire (POINTS_EXPIRY_MONTHS=0)',
    line(head),
    ...cells.map(line),
    `now: ${report.current.availablePoints} points held by members, ${report.current.debtPoints} owed by members, ${report.current.pendingPoints} pending`,
  ];
}
