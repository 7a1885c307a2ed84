/**
 * The popup's personal ranking: read after the first paint, from the
 * receipts of the look-back year (through the detection-time index) and the
 * catalogue and offers the popup already holds. Computed here, on the
 * device; nothing about it is sent.
 */
import { getSettings, listPurchasesSince, type SammelpunktDb } from '../db/index.ts';
import { lookbackStart } from '../offers/lookback.ts';
import type { Ranking } from '../offers/rank.ts';
import { currentOffers, type PopupState } from './model.ts';

/** Undefined when the member switched personal suggestions off: the popup then shows the plain order. */
export async function loadRanking(
  db: SammelpunktDb,
  state: Pick<PopupState, 'partners' | 'offers' | 'mutedShops'>,
  now: Date,
): Promise<Ranking | undefined> {
  if ((await getSettings(db)).personalSuggestions === false) return undefined;
  // The ranking's code loads with its first use, after the first paint: it is not part of the popup's
  // opening JavaScript (budget 20 KB gzip).
  const [receipts, { rankOffers }] = await Promise.all([listPurchasesSince(db, lookbackStart(now)), import('../offers/rank.ts')]);
  return rankOffers({ offers: currentOffers(state.offers, now), partners: state.partners, receipts, now, mutedPartnerIds: state.mutedShops });
}
