/**
 * How far back the personal ranking looks (lib/offers/rank.ts). A module of
 * its own so the popup can read the receipts it needs without loading the
 * ranking's code before the first paint.
 */

/** Beyond a year a receipt weighs under 2 % of a new one (a 60-day half-life): it is not read at all. */
export const LOOKBACK_DAYS = 365;

const DAY_MS = 86_400_000;

/** The earliest `detectedAt` (ISO 8601) the ranking looks at; callers read receipts from here on. */
export function lookbackStart(now: Date): string {
  return new Date(now.getTime() - LOOKBACK_DAYS * DAY_MS).toISOString();
}
