/**
 * Detection health on the device: a partner page where an order was evident
 * but nothing was recorded automatically adds one to a counter of (partner,
 * UTC day, detector version, reason). The counters are all that is kept and
 * all that is sent (lib/sync/reports.ts): no page, no order, no member.
 * Nothing is counted unless the member turned detection reports on in the
 * options (`Settings.detectionReports`, off by default).
 */
import { MEMBER_CONFIRMED_REASON } from '../contract/index.ts';
import { countDetectionReport, getSettings, type SammelpunktDb } from '../db/index.ts';

/** Reason codes the extension sends; the verdict's ambiguity reasons come on top. */
export const HEALTH_REASONS = {
  /** The member confirmed or corrected the values on the page. */
  memberConfirmed: MEMBER_CONFIRMED_REASON,
  /** The member said the page was not an order. */
  memberDeclined: 'member_declined',
  /** Strong evidence of an order, but not enough for a verdict. */
  noRecord: 'no_record',
} as const;

/** The UTC day the server files a counter under. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Counts one page, only while the member has consented to detection (without
 * it the content script never runs) and turned detection reports on.
 */
export async function noteDetection(
  db: SammelpunktDb,
  report: { partnerId: string; reason: string; detectorVersion: string },
  now: Date = new Date(),
): Promise<boolean> {
  const settings = await getSettings(db);
  if (settings.consent?.given !== true || !settings.detectionReports) return false;
  await countDetectionReport(db, { ...report, day: utcDay(now) });
  return true;
}
