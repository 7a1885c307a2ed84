/**
 * When the extension tells the member about points about to expire: the
 * popup shows the soonest date from `EXPIRY_NOTICE_DAYS` ahead, and the
 * background notifies once per date from `EXPIRY_NOTIFY_DAYS` ahead (the
 * issue asks for at least 60 days' warning). Pure: the caller passes the
 * clock and the server's `expiry` from the last sync.
 */
import type { PointsExpiry, UpcomingExpiry } from '../contract/index.ts';

export const EXPIRY_NOTICE_DAYS = 90;
export const EXPIRY_NOTIFY_DAYS = 60;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The end of the last spendable day (`YYYY-MM-DD`, UTC), in epoch milliseconds. */
function endOfDay(expiresOn: string): number {
  return Date.parse(`${expiresOn}T00:00:00Z`) + DAY_MS;
}

/** The soonest upcoming expiry whose day has not passed and is at most `withinDays` away. */
export function nextExpiry(expiry: PointsExpiry | undefined, now: Date, withinDays: number): UpcomingExpiry | undefined {
  const limit = now.getTime() + withinDays * DAY_MS;
  return expiry?.upcoming.find((e) => {
    const end = endOfDay(e.expiresOn);
    return e.points > 0 && Number.isFinite(end) && end > now.getTime() && end - DAY_MS <= limit;
  });
}
