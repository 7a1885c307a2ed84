/**
 * Detection health, the intake: anonymous counters of partner pages where the
 * extension saw evidence of an order but could not record it automatically.
 * Counters are summed per partner, day, detector version and reason; nothing
 * about who reported them is kept (see migration 040).
 */
import { DETECTION_REPORT_MAX_AGE_DAYS, type DetectionReport } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';
import { ApiError, badRequest } from '../platform/http.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A report's day is the member's local calendar day. The easternmost time
 * zone (UTC+14) is already on the next day for 14 hours of each UTC day, so
 * "in the future" means later than the calendar day anywhere on Earth now.
 */
const EASTERNMOST_OFFSET_MS = 14 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of an instant in UTC. */
export const utcDay = (at: Date | number) => new Date(at).toISOString().slice(0, 10);

/** The oldest and newest day a report may carry at `now`. */
export function acceptedDays(now: Date): { oldest: string; newest: string } {
  return {
    oldest: utcDay(now.getTime() - DETECTION_REPORT_MAX_AGE_DAYS * DAY_MS),
    newest: utcDay(now.getTime() + EASTERNMOST_OFFSET_MS),
  };
}

/** Refuses (400) any report whose day is in the future or older than the accepted window, naming it. */
function checkDays(reports: readonly DetectionReport[], now: Date): void {
  const { oldest, newest } = acceptedDays(now);
  reports.forEach((r, i) => {
    if (r.day > newest) throw badRequest(`Invalid request body: reports.${i}.day: ${r.day} is in the future (latest accepted ${newest})`);
    if (r.day < oldest) {
      throw badRequest(`Invalid request body: reports.${i}.day: ${r.day} is more than ${DETECTION_REPORT_MAX_AGE_DAYS} days ago (oldest accepted ${oldest})`);
    }
  });
}

/**
 * Refuses (422, code `unknown_partner`) a request naming a partner the
 * catalogue does not hold: the extension only reports catalogue partners, so
 * such a report is a bug or a forgery, and storing it would let anyone create
 * rows for made-up partners. The message names them, so a client can drop them.
 */
async function checkPartners(db: Queryable, reports: readonly DetectionReport[]): Promise<void> {
  const ids = [...new Set(reports.map((r) => r.partnerId))];
  const known = await db.query<{ id: string }>('SELECT id FROM partners WHERE id = ANY($1::text[])', [ids]);
  const knownIds = new Set(known.map((k) => k.id));
  const unknown = ids.filter((id) => !knownIds.has(id));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((id) => `"${id}"`).join(', ');
    throw new ApiError(422, 'unknown_partner', `Not in the catalogue: ${names}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}; nothing was counted`);
  }
}

/** Sums reports for the same counter, so the upsert touches each row once. */
function aggregate(reports: readonly DetectionReport[]): DetectionReport[] {
  const byKey = new Map<string, DetectionReport>();
  for (const r of reports) {
    const key = JSON.stringify([r.partnerId, r.day, r.detectorVersion, r.reason]);
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, count: seen.count + r.count } : { ...r });
  }
  return [...byKey.values()];
}

/** Checks and counts a request's reports, all or nothing; returns how many reports were counted. */
export async function recordDetectionReports(db: Queryable, reports: readonly DetectionReport[], now: Date): Promise<number> {
  checkDays(reports, now);
  await checkPartners(db, reports);
  const rows = aggregate(reports);
  const column = <T>(pick: (r: DetectionReport) => T) => rows.map(pick);
  await db.query(
    `INSERT INTO detection_reports (partner_id, day, detector_version, reason, count)
     SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::bigint[])
     ON CONFLICT (partner_id, day, detector_version, reason) DO UPDATE SET count = detection_reports.count + EXCLUDED.count`,
    [column((r) => r.partnerId), column((r) => r.day), column((r) => r.detectorVersion), column((r) => r.reason), column((r) => r.count)],
  );
  return reports.length;
}
