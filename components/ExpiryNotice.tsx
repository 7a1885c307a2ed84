import type { PointsExpiry } from '../lib/contract/index.ts';
import { EXPIRY_NOTICE_DAYS, nextExpiry } from '../lib/points/expiry.ts';
import { formatDayMonth, tn } from '../lib/ui/i18n.ts';

export interface ExpiryNoticeProps {
  expiry?: PointsExpiry;
  now: Date;
}

/** "320 points expire on 31 March": the soonest expiry, once it is near; nothing otherwise. */
export function ExpiryNotice({ expiry, now }: ExpiryNoticeProps) {
  const next = nextExpiry(expiry, now, EXPIRY_NOTICE_DAYS);
  if (!next) return null;
  return (
    <p class="notice small expiry" role="note">
      {tn('expiryNotice', next.points, [formatDayMonth(next.expiresOn)])}
    </p>
  );
}
