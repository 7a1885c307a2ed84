/**
 * Detection health: the counters of partner pages where an order was evident
 * but nothing was recorded automatically (lib/detect/report.ts) go to
 * `POST /v1/detection-reports` with the next sync. They carry a partner id,
 * a UTC day, the detector version, a reason code and a count: no page, no
 * order, no member reference (the token only lets the server rate-limit).
 * Reporting is best effort: a failure never fails the sync, and counters the
 * server refuses or would no longer take are dropped rather than resent
 * forever. Only members who turned detection reports on in the options send
 * anything (`Settings.detectionReports`, off by default); while they are off,
 * any counter still on the device is deleted instead.
 */
import { DETECTION_REPORT_MAX_AGE_DAYS, MAX_DETECTION_REPORT_COUNT, MAX_DETECTION_REPORTS } from '../contract/index.ts';
import {
  clearDetectionReports,
  getSettings,
  listDetectionReports,
  removeDetectionReports,
  type DetectionReportCount,
  type SammelpunktDb,
} from '../db/index.ts';
import { utcDay } from '../inpage/health.ts';
import { apiRequest, type ApiCall } from './http.ts';

/** The most reports one request carries (the server's limit). */
export const MAX_REPORTS_PER_REQUEST = MAX_DETECTION_REPORTS;
/** The server takes days up to this far back. */
export const REPORT_MAX_AGE_DAYS = DETECTION_REPORT_MAX_AGE_DAYS;
/** The server's cap for one counter. */
const MAX_COUNT = MAX_DETECTION_REPORT_COUNT;

export type ReportOutcome = { kind: 'sent'; reports: number } | { kind: 'nothing' } | { kind: 'off' } | { kind: 'kept'; code: string };

/**
 * Sends what is waiting, in requests of at most `MAX_REPORTS_PER_REQUEST`;
 * stops at the first failure. While detection reports are off it sends
 * nothing and deletes what is waiting.
 */
export async function sendDetectionReports(db: SammelpunktDb, call: ApiCall, token: string): Promise<ReportOutcome> {
  if (!(await getSettings(db)).detectionReports) {
    await clearDetectionReports(db);
    return { kind: 'off' };
  }
  const oldest = utcDay(new Date(call.now().getTime() - (REPORT_MAX_AGE_DAYS - 1) * 86_400_000));
  const today = utcDay(call.now());
  const waiting = await listDetectionReports(db);
  const stale = waiting.filter((report) => report.day < oldest || report.day > today).map((report) => report.key);
  if (stale.length > 0) await removeDetectionReports(db, stale);
  const due = waiting.filter((report) => report.day >= oldest && report.day <= today);
  if (due.length === 0) return { kind: 'nothing' };
  let sent = 0;
  for (let start = 0; start < due.length; start += MAX_REPORTS_PER_REQUEST) {
    const batch = due.slice(start, start + MAX_REPORTS_PER_REQUEST);
    const outcome = await apiRequest(call, {
      method: 'POST',
      path: '/v1/detection-reports',
      token,
      body: { reports: batch.map(toWire) },
    });
    if (outcome.kind === 'ok' || outcome.kind === 'refused') {
      // Sent, or refused for good (a partner no longer in the catalogue): either way not sent again.
      await removeDetectionReports(db, batch.map((report) => report.key));
      if (outcome.kind === 'ok') sent += batch.length;
      continue;
    }
    return { kind: 'kept', code: outcome.kind === 'not-modified' ? 'not_modified' : outcome.error.code };
  }
  return { kind: 'sent', reports: sent };
}

function toWire(report: DetectionReportCount) {
  return {
    partnerId: report.partnerId,
    day: report.day,
    detectorVersion: report.detectorVersion,
    reason: report.reason,
    count: Math.min(report.count, MAX_COUNT),
  };
}
