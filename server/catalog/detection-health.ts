/**
 * Detection health, the operator's view: per partner and per day, how many
 * orders the extension recorded automatically, how many the member had to
 * confirm on the page, and how many pages showed evidence of an order that
 * ended with no record (the anonymous reports). A partner whose automatic
 * share drops sharply has most likely changed its confirmation template.
 */
import { type DetectionHealth, MEMBER_CONFIRMED_METHOD, MEMBER_CONFIRMED_REASON } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';
import { utcDay } from './detection-reports.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The drop rule. Automatic rate = automatic / (automatic + member-confirmed +
 * evidence without record). A partner is flagged when its rate over the last
 * 7 days (today included) is more than 20 percentage points below its rate
 * over the 28 days before, and each of the two windows has at least 10 events.
 */
export const DROP_RULE = {
  recentDays: 7,
  baselineDays: 28,
  dropPoints: 20,
  minEvents: 10,
} as const;

export const DROP_RULE_TEXT =
  `automatic rate = automatic / (automatic + member-confirmed + evidence without record); ` +
  `a partner is flagged when its rate over the last ${DROP_RULE.recentDays} days (today included) is more than ` +
  `${DROP_RULE.dropPoints} percentage points below its rate over the ${DROP_RULE.baselineDays} days before, ` +
  `with at least ${DROP_RULE.minEvents} events in each of the two windows`;

export const DEFAULT_HEALTH_DAYS = 14;
export const MAX_HEALTH_DAYS = 366;
export const HEALTH_DAYS_EXPECTED = `a whole number of days from 1 to ${MAX_HEALTH_DAYS}`;

/** `days` as the operator writes it (`--days`, `?days=`): the default when absent, null when not a valid number. */
export function parseHealthDays(raw: string | undefined): number | null {
  if (raw === undefined) return DEFAULT_HEALTH_DAYS;
  const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  return days >= 1 && days <= MAX_HEALTH_DAYS ? days : null;
}

type PartnerHealth = DetectionHealth['partners'][number];
type WindowFigures = PartnerHealth['recent'];
type DayFigures = PartnerHealth['days'][number];
type Figures = Pick<DayFigures, 'automatic' | 'memberConfirmed' | 'evidenceWithoutRecord'>;

const emptyFigures = (): Figures => ({ automatic: 0, memberConfirmed: 0, evidenceWithoutRecord: 0 });
const eventsOf = (f: Figures) => f.automatic + f.memberConfirmed + f.evidenceWithoutRecord;

function addInto(target: Figures, f: Figures): void {
  target.automatic += f.automatic;
  target.memberConfirmed += f.memberConfirmed;
  target.evidenceWithoutRecord += f.evidenceWithoutRecord;
}

function windowFigures(perDay: ReadonlyMap<string, DayFigures>, from: string, to: string): WindowFigures {
  const sum = emptyFigures();
  for (const [day, f] of perDay) if (day >= from && day <= to) addInto(sum, f);
  const events = eventsOf(sum);
  return {
    from,
    to,
    ...sum,
    events,
    ...(events > 0 ? { automaticRatePercent: Math.round((sum.automatic * 1000) / events) / 10 } : {}),
  };
}

/** The drop rule in integers: baseline rate − recent rate > dropPoints %, cross-multiplied. */
export function dropped(recent: WindowFigures, baseline: WindowFigures): boolean {
  if (recent.events < DROP_RULE.minEvents || baseline.events < DROP_RULE.minEvents) return false;
  const difference = 100 * (baseline.automatic * recent.events - recent.automatic * baseline.events);
  return difference > DROP_RULE.dropPoints * baseline.events * recent.events;
}

/** The report for the `days` days up to and including today (UTC), with the drop flag per partner. */
export async function detectionHealth(db: Queryable, opts: { now: Date; days?: number }): Promise<DetectionHealth> {
  const days = opts.days ?? DEFAULT_HEALTH_DAYS;
  const today = utcDay(opts.now);
  const dayBefore = (n: number) => utcDay(Date.parse(today) - n * DAY_MS);
  const from = dayBefore(days - 1);
  const recentFrom = dayBefore(DROP_RULE.recentDays - 1);
  const baselineFrom = dayBefore(DROP_RULE.recentDays + DROP_RULE.baselineDays - 1);
  const baselineTo = dayBefore(DROP_RULE.recentDays);
  const readFrom = from < baselineFrom ? from : baselineFrom;

  const [purchases, reports] = await Promise.all([
    // One purchase per order: rows kept for a second claim of an order (duplicate_of) are not another detection.
    db.query<{ partner_id: string; day: string; automatic: number; member_confirmed: number }>(
      `SELECT partner_id, to_char(detected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              count(*) FILTER (WHERE method <> $3) AS automatic,
              count(*) FILTER (WHERE method = $3) AS member_confirmed
         FROM purchases
        WHERE detected_at >= $1::date::timestamp AT TIME ZONE 'UTC' AND detected_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
          AND duplicate_of IS NULL
        GROUP BY 1, 2`,
      [readFrom, today, MEMBER_CONFIRMED_METHOD],
    ),
    db.query<{ partner_id: string; day: string; detector_version: string; reason: string; count: number }>(
      `SELECT partner_id, to_char(day, 'YYYY-MM-DD') AS day, detector_version, reason, count
         FROM detection_reports WHERE day >= $1::date AND day <= $2::date`,
      [readFrom, today],
    ),
  ]);

  const byPartner = new Map<string, Map<string, DayFigures>>();
  const dayOf = (partnerId: string, day: string): DayFigures => {
    let perDay = byPartner.get(partnerId);
    if (!perDay) byPartner.set(partnerId, (perDay = new Map()));
    let f = perDay.get(day);
    if (!f) perDay.set(day, (f = { day, ...emptyFigures(), reportsByReason: {}, reportsByDetectorVersion: {} }));
    return f;
  };
  for (const p of purchases) {
    const f = dayOf(p.partner_id, p.day);
    f.automatic += Number(p.automatic);
    f.memberConfirmed += Number(p.member_confirmed);
  }
  for (const r of reports) {
    const f = dayOf(r.partner_id, r.day);
    f.reportsByReason[r.reason] = (f.reportsByReason[r.reason] ?? 0) + r.count;
    f.reportsByDetectorVersion[r.detector_version] = (f.reportsByDetectorVersion[r.detector_version] ?? 0) + r.count;
    if (r.reason !== MEMBER_CONFIRMED_REASON) f.evidenceWithoutRecord += r.count;
  }

  const partners: PartnerHealth[] = [];
  for (const [partnerId, perDay] of [...byPartner].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const shown = [...perDay.values()].filter((f) => f.day >= from).sort((a, b) => (a.day < b.day ? -1 : 1));
    const recent = windowFigures(perDay, recentFrom, today);
    const baseline = windowFigures(perDay, baselineFrom, baselineTo);
    if (shown.length === 0 && recent.events === 0 && baseline.events === 0) continue;
    partners.push({ partnerId, flagged: dropped(recent, baseline), recent, baseline, days: shown });
  }
  return { from, to: today, days, rule: DROP_RULE_TEXT, partners };
}
