/**
 * Velocity and anomaly limits, on by default (DESIGN.md, "Limits and
 * defaults"; issue 16, item 2). A purchase that trips one is still booked:
 * `pending`, held for review with the limit as its reason, shown to the
 * member as under review and listed in the operator's review queue. It is
 * never dropped and never auto-confirmed until the operator releases it or
 * the partner confirms it.
 *
 * An operator changes a limit per partner (`fraud` on `PUT
 * /v1/admin/partners/:id`); 0 turns a limit off.
 */
import type { FraudLimits } from '../catalog/catalog-cache.ts';

export interface ResolvedLimits {
  /** Purchases per member at this partner in 24 hours, and in 7 days. */
  maxPurchasesPerMemberPerDay: number;
  maxPurchasesPerMemberPerWeek: number;
  /** Amount per member at this partner in 24 hours, in the partner's minor units. */
  maxAmountMinorPerMemberPerDay: number;
  /** Times one member may send the very same amount at this partner in 7 days before the next is held. */
  maxSameAmountPerMemberPerWeek: number;
  /** Held above this many times the median of the partner's last 100 confirmed purchases (once it has 20). */
  holdAboveBasketFactor: number;
  /** Held when more than this share (percent) of the member's finished purchases of the last 90 days were refused (5 at least). */
  maxRejectedSharePercent: number;
  /** Held when the order id's shape is none of those of the partner's last 100 confirmed orders (once it has 20). */
  holdOrderIdsOffPattern: boolean;
}

/** The defaults; the amount in major units, scaled by the currency's minor-unit exponent. */
export const DEFAULT_LIMITS = {
  maxPurchasesPerMemberPerDay: 5,
  maxPurchasesPerMemberPerWeek: 15,
  maxAmountMajorPerMemberPerDay: 2_000,
  maxSameAmountPerMemberPerWeek: 3,
  holdAboveBasketFactor: 10,
  maxRejectedSharePercent: 50,
  holdOrderIdsOffPattern: true,
} as const;

/** The reasons a held purchase carries, one per limit. */
export const LimitReason = {
  perDay: 'velocity_per_day',
  perWeek: 'velocity_per_week',
  amountPerDay: 'amount_per_day',
  sameAmount: 'repeated_amount',
  basket: 'held_for_review',
  rejectedShare: 'high_rejected_share',
  orderIdPattern: 'order_id_pattern',
} as const;

/**
 * The shape of an order id: each run of letters an `A`, each run of digits a
 * `9`, the rest as it is. `SH-5000` and `SH-10231` are both `A-9`; a made-up
 * `INV-3-17-ab12` is `A-9-9-A9`. Runs are collapsed so a growing order
 * number never leaves its pattern. The same expression in SQL is
 * `ORDER_ID_SHAPE_SQL`.
 */
export function orderIdShape(orderId: string): string {
  return orderId.replace(/[A-Za-z]+/g, 'A').replace(/[0-9]+/g, '9');
}
export const ORDER_ID_SHAPE_SQL = (column: string) => `regexp_replace(regexp_replace(${column}, '[A-Za-z]+', 'A', 'g'), '[0-9]+', '9', 'g')`;

/** A member's rejected share is judged only once this many of their purchases are finished. */
export const REJECTED_SHARE_MIN_FINISHED = 5;

function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function resolveLimits(fraud: FraudLimits | null, currency: string): ResolvedLimits {
  const set = fraud ?? {};
  return {
    maxPurchasesPerMemberPerDay: set.maxPurchasesPerMemberPerDay ?? DEFAULT_LIMITS.maxPurchasesPerMemberPerDay,
    maxPurchasesPerMemberPerWeek: set.maxPurchasesPerMemberPerWeek ?? DEFAULT_LIMITS.maxPurchasesPerMemberPerWeek,
    maxAmountMinorPerMemberPerDay: set.maxAmountMinorPerMemberPerDay ?? DEFAULT_LIMITS.maxAmountMajorPerMemberPerDay * 10 ** minorDigits(currency),
    maxSameAmountPerMemberPerWeek: set.maxSameAmountPerMemberPerWeek ?? DEFAULT_LIMITS.maxSameAmountPerMemberPerWeek,
    holdAboveBasketFactor: set.holdAboveBasketFactor ?? DEFAULT_LIMITS.holdAboveBasketFactor,
    maxRejectedSharePercent: set.maxRejectedSharePercent ?? DEFAULT_LIMITS.maxRejectedSharePercent,
    holdOrderIdsOffPattern: set.holdOrderIdsOffPattern ?? DEFAULT_LIMITS.holdOrderIdsOffPattern,
  };
}

/** True when judging a purchase needs the member's recent purchases (any per-member limit is on). */
export function needsMemberHistory(l: ResolvedLimits): boolean {
  return (
    l.maxPurchasesPerMemberPerDay > 0 ||
    l.maxPurchasesPerMemberPerWeek > 0 ||
    l.maxAmountMinorPerMemberPerDay > 0 ||
    l.maxSameAmountPerMemberPerWeek > 0 ||
    l.maxRejectedSharePercent > 0
  );
}

/** The member's recent purchases at one partner, counted as the batch goes on. */
export interface Recent {
  dayCount: number;
  dayAmountMinor: number;
  weekCount: number;
  /** Purchases of the last 7 days by amount as sent. */
  sameAmount: Map<number, number>;
}

export const emptyRecent = (): Recent => ({ dayCount: 0, dayAmountMinor: 0, weekCount: 0, sameAmount: new Map() });

/** The first limit this purchase trips, or null. */
export function trippedLimit(l: ResolvedLimits, recent: Recent, amountMinor: number, rejectedShare: { rejected: number; finished: number }): string | null {
  if (l.maxPurchasesPerMemberPerDay > 0 && recent.dayCount + 1 > l.maxPurchasesPerMemberPerDay) return LimitReason.perDay;
  if (l.maxPurchasesPerMemberPerWeek > 0 && recent.weekCount + 1 > l.maxPurchasesPerMemberPerWeek) return LimitReason.perWeek;
  if (l.maxAmountMinorPerMemberPerDay > 0 && recent.dayAmountMinor + amountMinor > l.maxAmountMinorPerMemberPerDay) return LimitReason.amountPerDay;
  if (l.maxSameAmountPerMemberPerWeek > 0 && (recent.sameAmount.get(amountMinor) ?? 0) + 1 > l.maxSameAmountPerMemberPerWeek) return LimitReason.sameAmount;
  if (
    l.maxRejectedSharePercent > 0 &&
    rejectedShare.finished >= REJECTED_SHARE_MIN_FINISHED &&
    rejectedShare.rejected * 100 > l.maxRejectedSharePercent * rejectedShare.finished
  ) {
    return LimitReason.rejectedShare;
  }
  return null;
}

export function countPurchase(recent: Recent, amountMinor: number): void {
  recent.dayCount++;
  recent.dayAmountMinor += amountMinor;
  recent.weekCount++;
  recent.sameAmount.set(amountMinor, (recent.sameAmount.get(amountMinor) ?? 0) + 1);
}
