/**
 * The earn rules, as pure integer functions. The server books with them; the
 * extension shows an estimate computed by the very same code.
 */
import type { Earn, Offer } from '../contract/index.ts';

/** Points for an amount at a partner's base rate: floor(amountMinor × points / (per × 100)). */
export function basePoints(amountMinor: number, earn: Earn): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return 0;
  return Number((BigInt(amountMinor) * BigInt(earn.points)) / (BigInt(earn.per) * 100n));
}

/** A multiplier such as 1.5 as a whole percentage (150), so the arithmetic stays in integers. */
export function multiplierPercent(multiplier: number): number {
  return Math.round(multiplier * 100);
}

export interface EarnContext {
  amountMinor: number;
  partnerId: string;
  earn: Earn;
  /** When the purchase happened; offers are judged at this instant. */
  at: Date;
  /** The member's tier id, if any. */
  tier?: string;
  /** The tier's own earn multiplier in percent (100 = none). */
  tierMultiplierPercent?: number;
  /** How often the member has already used each offer (for `perMemberLimit`). */
  offerUses?: ReadonlyMap<string, number>;
}

export interface EarnBreakdown {
  base: number;
  /**
   * The multiplier that applied, in hundredths of a percent (10000 = ×1): the
   * winning offer's percentage times the tier's. Kept with the purchase so a
   * later change of amount is valued the same way.
   */
  multiplierBp: number;
  bonus: number;
  total: number;
  /** The offers that counted: the winning multiplier and every bonus. */
  appliedOfferIds: string[];
}

/** Whether an offer applies to a purchase described by `ctx`. */
export function offerApplies(offer: Offer, ctx: EarnContext): boolean {
  const at = ctx.at.getTime();
  if (at < Date.parse(offer.startsAt) || at >= Date.parse(offer.endsAt)) return false;
  if (offer.partnerId !== undefined && offer.partnerId !== ctx.partnerId) return false;
  if (offer.minAmountMinor !== undefined && ctx.amountMinor < offer.minAmountMinor) return false;
  if (offer.tier !== undefined && offer.tier !== ctx.tier) return false;
  if (offer.perMemberLimit !== undefined && (ctx.offerUses?.get(offer.id) ?? 0) >= offer.perMemberLimit) return false;
  return true;
}

/**
 * The points a purchase earns: the base points, times the highest applicable
 * multiplier offer (multipliers do not stack) and the tier's multiplier, plus
 * every applicable bonus offer.
 */
export function earnPoints(ctx: EarnContext, offers: readonly Offer[]): EarnBreakdown {
  let best: Offer | undefined;
  let bonus = 0;
  const appliedOfferIds: string[] = [];
  for (const offer of offers) {
    if (!offerApplies(offer, ctx)) continue;
    if (offer.kind === 'multiplier' && offer.multiplier !== undefined) {
      if (best?.multiplier === undefined || offer.multiplier > best.multiplier) best = offer;
    } else if (offer.kind === 'bonus' && offer.bonusPoints !== undefined) {
      bonus += offer.bonusPoints;
      appliedOfferIds.push(offer.id);
    }
  }
  if (best) appliedOfferIds.unshift(best.id);
  const offerPercent = best?.multiplier !== undefined ? multiplierPercent(best.multiplier) : 100;
  const multiplierBp = offerPercent * (ctx.tierMultiplierPercent ?? 100);
  const base = basePoints(ctx.amountMinor, ctx.earn);
  const total = pointsForAmount(ctx.amountMinor, ctx.earn, multiplierBp, bonus);
  return { base, multiplierBp, bonus, total, appliedOfferIds: total > 0 ? appliedOfferIds : [] };
}

/**
 * What an amount is worth at a booked multiplier and bonus. Partial returns
 * take back points(old amount) − points(new amount); an amount of zero is
 * worth nothing, bonus included.
 */
export function pointsForAmount(amountMinor: number, earn: Earn, multiplierBp: number, bonus: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return 0;
  const multiplied =
    (BigInt(amountMinor) * BigInt(earn.points) * BigInt(multiplierBp)) / (BigInt(earn.per) * 100n * 10000n);
  return Number(multiplied) + bonus;
}
