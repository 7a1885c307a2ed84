/** How an offer reads in a list: what it adds, its minimum, its end, and why it is suggested. */
import type { Offer } from '../lib/contract/index.ts';
import type { SuggestionReason } from '../lib/offers/rank.ts';
import { formatDate, formatMoney, formatNumber, t, tn } from '../lib/ui/i18n.ts';

/** "2× Punkte" / "2× points", or "+500 Bonuspunkte" / "+500 bonus points". */
export function offerEffect(offer: Offer): string {
  if (offer.kind === 'multiplier' && offer.multiplier !== undefined) return t('offerMultiplier', [formatNumber(offer.multiplier)]);
  return tn('offerBonus', offer.bonusPoints ?? 0);
}

/** The offer's conditions in one line: minimum amount and end date. */
export function offerTerms(offer: Offer, currency: string): string {
  const ends = t('offerEnds', [formatDate(offer.endsAt)]);
  if (offer.minAmountMinor === undefined || offer.minAmountMinor === 0) return ends;
  return `${t('offerMinAmount', [formatMoney(offer.minAmountMinor, currency)])} · ${ends}`;
}

/**
 * Why a suggestion is made, in one short line: "Because you shop at
 * Buchhandlung Seitenweise", "Because you shop in Books". `nameOf` names
 * the partner of a `partner` reason.
 */
export function suggestionReason(reason: SuggestionReason, nameOf: (partnerId: string) => string): string {
  return reason.kind === 'partner' ? t('suggestReasonPartner', [nameOf(reason.partnerId)]) : t('suggestReasonCategory', [reason.category]);
}
