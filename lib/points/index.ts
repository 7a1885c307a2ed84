/**
 * The earn rules, as pure integer functions. The server books with them; the
 * extension shows an estimate computed by the very same code.
 *
 * A purchase's points are `valuate(amount in force, terms)`, where the terms
 * (earn rate, the currency's minor-unit exponent, the tier's multiplier and
 * the offers in force when the order was placed) are frozen when the purchase
 * is booked. Every later change of the amount (a confirmation at the
 * partner's amount, a partial return) is valued by the same function from the
 * same terms, so an offer whose minimum the new amount misses drops out, and
 * a later change of the partner's rate or of an offer touches nothing booked.
 */
import type { Earn, Offer } from '../contract/index.ts';
import { minorUnitExponent, minorUnitsPerMajor } from '../contract/currency.ts';

/** The exponent assumed for a currency the table does not know (only ever an estimate; the server refuses such codes). */
const FALLBACK_EXPONENT = 2;

/** The ISO 4217 exponent of a currency, for callers that only estimate. */
export function exponentOf(currency: string): number {
  return minorUnitExponent(currency) ?? FALLBACK_EXPONENT;
}

/** Points for an amount at a partner's base rate: floor(amountMinor × points / (per × 10^exponent)). */
export function basePoints(amountMinor: number, earn: Earn, exponent: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return 0;
  return Number((BigInt(amountMinor) * BigInt(earn.points)) / (BigInt(earn.per) * minorUnitsPerMajor(exponent)));
}

/** A multiplier such as 1.5 as a whole percentage (150), so the arithmetic stays in integers. */
export function multiplierPercent(multiplier: number): number {
  return Math.round(multiplier * 100);
}

/** An offer as frozen with a purchase: only what its valuation needs. */
export interface FrozenOffer {
  id: string;
  kind: 'multiplier' | 'bonus';
  /** A multiplier in basis points (15000 = ×1.5). */
  multiplierBp?: number;
  bonusPoints?: number;
  minAmountMinor?: number;
  /** Limited per member: applying it takes one of the member's uses. */
  limited?: boolean;
}

/** The terms a purchase was earned under, frozen when it is booked. */
export interface EarnTerms {
  earn: Earn;
  /** The currency's ISO 4217 minor-unit exponent. */
  exponent: number;
  /** The member's tier multiplier in percent when the order was placed (100 = none). */
  tierMultiplierPercent: number;
  /** The offers in force for this member and partner at that moment; their minimum is judged at valuation. */
  offers: FrozenOffer[];
  /** The member's tier id then, and the instant the terms are of (ISO 8601), for re-deriving them at another moment. */
  tier?: string;
  at?: string;
}

export interface EarnContext {
  amountMinor: number;
  partnerId: string;
  earn: Earn;
  /** The currency's ISO 4217 minor-unit exponent (`exponentOf(currency)`). */
  exponent: number;
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
  /** The base points (rate only), which tiers count. */
  base: number;
  /**
   * The multiplier that applied, in hundredths of a percent (10000 = ×1): the
   * winning offer's percentage times the tier's.
   */
  multiplierBp: number;
  bonus: number;
  total: number;
  /** The offers that counted: the winning multiplier and every bonus. */
  appliedOfferIds: string[];
}

/** Whether an offer is in force for the purchase `ctx` describes, leaving its minimum amount aside. */
function offerInForce(offer: Offer, ctx: EarnContext): boolean {
  const at = ctx.at.getTime();
  if (at < Date.parse(offer.startsAt) || at >= Date.parse(offer.endsAt)) return false;
  if (offer.partnerId !== undefined && offer.partnerId !== ctx.partnerId) return false;
  if (offer.tier !== undefined && offer.tier !== ctx.tier) return false;
  if (offer.perMemberLimit !== undefined && (ctx.offerUses?.get(offer.id) ?? 0) >= offer.perMemberLimit) return false;
  return true;
}

function meetsMinimum(offer: { minAmountMinor?: number }, amountMinor: number): boolean {
  return offer.minAmountMinor === undefined || amountMinor >= offer.minAmountMinor;
}

/** Whether an offer applies to a purchase described by `ctx`. */
export function offerApplies(offer: Offer, ctx: EarnContext): boolean {
  return offerInForce(offer, ctx) && meetsMinimum(offer, ctx.amountMinor);
}

function freeze(offer: Offer): FrozenOffer {
  return {
    id: offer.id,
    kind: offer.kind,
    ...(offer.kind === 'multiplier' && offer.multiplier !== undefined ? { multiplierBp: multiplierPercent(offer.multiplier) * 100 } : {}),
    ...(offer.kind === 'bonus' && offer.bonusPoints !== undefined ? { bonusPoints: offer.bonusPoints } : {}),
    ...(offer.minAmountMinor !== undefined ? { minAmountMinor: offer.minAmountMinor } : {}),
    ...(offer.perMemberLimit !== undefined ? { limited: true } : {}),
  };
}

/**
 * The terms to freeze with a purchase booked now: the rate, the exponent,
 * the tier and every offer in force at `ctx.at` for this member and partner.
 * An offer limited per member is frozen only when it applies at the booked
 * amount, because that is when it takes one of the member's uses; the others
 * are kept whatever the amount, so a confirmation at a higher amount can
 * reach their minimum.
 */
export function termsAt(ctx: EarnContext, offers: readonly Offer[]): EarnTerms {
  const frozen = offers
    .filter((o) => offerInForce(o, ctx) && (o.perMemberLimit === undefined || meetsMinimum(o, ctx.amountMinor)))
    .filter((o) => (o.kind === 'multiplier' ? o.multiplier !== undefined : o.bonusPoints !== undefined))
    .map(freeze);
  return {
    earn: { points: ctx.earn.points, per: ctx.earn.per },
    exponent: ctx.exponent,
    tierMultiplierPercent: ctx.tierMultiplierPercent ?? 100,
    offers: frozen,
    ...(ctx.tier !== undefined ? { tier: ctx.tier } : {}),
    at: ctx.at.toISOString(),
  };
}

/**
 * What an amount is worth under frozen terms: the base points times the
 * highest multiplier whose minimum the amount meets (multipliers do not
 * stack) and the tier's multiplier, plus every bonus whose minimum it meets.
 * An amount of zero is worth nothing, bonus included.
 */
export function valuate(amountMinor: number, terms: EarnTerms): EarnBreakdown {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    return { base: 0, multiplierBp: 100 * terms.tierMultiplierPercent, bonus: 0, total: 0, appliedOfferIds: [] };
  }
  let best: FrozenOffer | undefined;
  let bonus = 0;
  const bonusIds: string[] = [];
  for (const offer of terms.offers) {
    if (!meetsMinimum(offer, amountMinor)) continue;
    if (offer.kind === 'multiplier' && offer.multiplierBp !== undefined) {
      if (best?.multiplierBp === undefined || offer.multiplierBp > best.multiplierBp) best = offer;
    } else if (offer.kind === 'bonus' && offer.bonusPoints !== undefined) {
      bonus += offer.bonusPoints;
      bonusIds.push(offer.id);
    }
  }
  const offerBp = best?.multiplierBp ?? 10000;
  const { earn, exponent, tierMultiplierPercent } = terms;
  const multiplied =
    (BigInt(amountMinor) * BigInt(earn.points) * BigInt(offerBp) * BigInt(tierMultiplierPercent)) /
    (BigInt(earn.per) * minorUnitsPerMajor(exponent) * 10000n * 100n);
  const total = Number(multiplied) + bonus;
  return {
    base: basePoints(amountMinor, earn, exponent),
    multiplierBp: (offerBp * tierMultiplierPercent) / 100,
    bonus,
    total,
    appliedOfferIds: total > 0 ? [...(best ? [best.id] : []), ...bonusIds] : [],
  };
}

/** The ids of the per-member-limited offers a valuation applied: the uses it holds. */
export function limitedOfferIds(valuation: EarnBreakdown, terms: EarnTerms): string[] {
  const limited = new Set(terms.offers.filter((o) => o.limited).map((o) => o.id));
  return valuation.appliedOfferIds.filter((id) => limited.has(id));
}

/** The points a purchase described by `ctx` earns under the offers of the day: `valuate` of the terms in force. */
export function earnPoints(ctx: EarnContext, offers: readonly Offer[]): EarnBreakdown {
  return valuate(ctx.amountMinor, termsAt(ctx, offers));
}
