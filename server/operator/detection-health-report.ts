/** `admin detection health`: the detection-health report as lines for a terminal. */
import type { DetectionHealth } from '../../lib/contract/index.ts';
import { DROP_RULE } from '../catalog/detection-health.ts';

/**
 * Text that came from input (partner ids, reason codes, methods), made safe
 * for a terminal: control and format characters, line separators and lone
 * surrogates are written as `\u{…}`, so no value can move the cursor, colour
 * the screen or forge a line of the report.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\\]/gu, (ch) =>
    ch === '\\' ? '\\\\' : `\\u{${ch.codePointAt(0)!.toString(16).padStart(4, '0')}}`,
  );
}

type Window = DetectionHealth['partners'][number]['recent'];

const rate = (w: Window) => (w.automaticRatePercent === undefined ? '-' : `${w.automaticRatePercent.toFixed(1)} %`);
const windowText = (w: Window) => `${rate(w)} (${w.events} event${w.events === 1 ? '' : 's'}, ${w.from} .. ${w.to})`;

/** `a 4, b 2`: counts by key, keys sorted and escaped. */
const counts = (byKey: Record<string, number>) =>
  Object.entries(byKey)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, n]) => `${printable(key)} ${n}`)
    .join(', ');

const HEADER = ['day', 'automatic', 'member-confirmed', 'no record', 'reports by reason'] as const;

export function formatDetectionHealth(report: DetectionHealth): string[] {
  const lines = [
    `detection health ${report.from} .. ${report.to} (${report.days} day${report.days === 1 ? '' : 's'}, UTC)`,
    `rule: ${report.rule}`,
  ];
  const flagged = report.partners.filter((p) => p.flagged);
  lines.push(
    flagged.length === 0
      ? 'no partner flagged'
      : `${flagged.length} partner${flagged.length === 1 ? '' : 's'} flagged: ${flagged.map((p) => printable(p.partnerId)).join(', ')}`,
  );
  if (report.partners.length === 0) lines.push('no detections or reports in this period');
  for (const p of report.partners) {
    lines.push('');
    lines.push(`${printable(p.partnerId)}  ${p.flagged ? 'FLAGGED, automatic rate dropped' : 'ok'}`);
    lines.push(`  automatic rate, last ${DROP_RULE.recentDays} days: ${windowText(p.recent)}; ${DROP_RULE.baselineDays} days before: ${windowText(p.baseline)}`);
    if (p.days.length === 0) {
      lines.push('  nothing in the days shown');
      continue;
    }
    lines.push(`  ${HEADER[0].padEnd(10)}  ${HEADER[1].padStart(9)}  ${HEADER[2].padStart(16)}  ${HEADER[3].padStart(9)}  ${HEADER[4]}`);
    for (const d of p.days) {
      const reasons = counts(d.reportsByReason);
      const versions = Object.keys(d.reportsByDetectorVersion).length > 0 ? `  (detector ${counts(d.reportsByDetectorVersion)})` : '';
      lines.push(
        `  ${d.day.padEnd(10)}  ${String(d.automatic).padStart(9)}  ${String(d.memberConfirmed).padStart(16)}  ${String(d.evidenceWithoutRecord).padStart(9)}  ${reasons || '-'}${versions}`,
      );
    }
  }
  return lines;
}
