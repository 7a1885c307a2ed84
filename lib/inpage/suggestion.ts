/**
 * One partner suggested in the in-page moment after a purchase ("Also collect
 * at Gartenglück: 3× points until 31 May"): chosen on the device by the same
 * ranking as the popup's, at most once a day across all shops, never on a
 * muted shop, never for a muted partner, never without consent, and never
 * when the member switched personal suggestions or their in-page line off.
 *
 * The "shown today" mark lives in the settings record in IndexedDB (never in
 * the shop's page storage), and the check and the mark share one transaction,
 * so two purchases at once suggest once.
 */
import type { Offer, Partner } from '../contract/index.ts';
import { CURRENT, DEFAULT_SETTINGS, type Settings } from '../db/schema.ts';
import { getCatalog, getOffers, getSettings, listPurchasesSince, type SammelpunktDb } from '../db/index.ts';
import { lookbackStart, rankOffers, type Ranking, type SuggestionReason } from '../offers/rank.ts';
import { currentOffers } from '../ui/model.ts';
import { localDay } from './reminder.ts';

/** What the moment says: the partner, its rate or its offer, and why. */
export interface SuggestionMoment {
  partner: Pick<Partner, 'id' | 'name' | 'earn' | 'currency'>;
  offer?: Offer;
  reason: SuggestionReason;
}

/** Whether a suggestion may follow a purchase at `shopPartnerId` on `day`. */
export function suggestionDue(settings: Settings, shopPartnerId: string, day: string): boolean {
  if (settings.consent?.given !== true) return false;
  if (settings.personalSuggestions === false || settings.inpageSuggestions === false) return false;
  if (settings.mutedShops.includes(shopPartnerId)) return false;
  return settings.suggestionShownOn !== day;
}

/** Checks that a suggestion is due and marks today, in one transaction; true when the caller may show it. */
export async function claimSuggestion(db: SammelpunktDb, shopPartnerId: string, now: Date): Promise<boolean> {
  const day = localDay(now);
  const tx = db.transaction('settings', 'readwrite');
  const settings: Settings = { ...DEFAULT_SETTINGS, ...(await tx.store.get(CURRENT)) };
  if (!suggestionDue(settings, shopPartnerId, day)) {
    await tx.done;
    return false;
  }
  await tx.store.put({ ...settings, suggestionShownOn: day }, CURRENT);
  await tx.done;
  return true;
}

/**
 * The one partner worth suggesting after a purchase at `shopPartnerId`: a
 * partner the member has not shopped at in a category they buy in, or else
 * the partner of the best-fitting offer elsewhere; never the shop itself.
 */
export function pickSuggestion(ranking: Ranking, partners: readonly Partner[], shopPartnerId: string, mutedPartnerIds: readonly string[]): SuggestionMoment | undefined {
  const muted = new Set([...mutedPartnerIds, shopPartnerId]);
  const fresh = ranking.partners.find((s) => !muted.has(s.partner.id));
  if (fresh !== undefined) return { partner: fresh.partner, ...(fresh.offer ? { offer: fresh.offer } : {}), reason: fresh.reason };
  for (const { offer, reason } of ranking.offers) {
    if (reason === undefined || offer.partnerId === undefined || muted.has(offer.partnerId)) continue;
    const partner = partners.find((p) => p.id === offer.partnerId);
    if (partner !== undefined) return { partner, offer, reason };
  }
  return undefined;
}

/**
 * The suggestion for the moment after a purchase at `shop`, marked shown for
 * today; undefined when none is due or none fits (then nothing is marked, and
 * a later purchase that day may still bring one).
 */
export async function suggestionAfterPurchase(db: SammelpunktDb, shop: Partner, now: Date): Promise<SuggestionMoment | undefined> {
  const settings = await getSettings(db);
  // Checked before the receipts are read: on most purchases of a day there is nothing to rank.
  if (!suggestionDue(settings, shop.id, localDay(now))) return undefined;
  const [catalog, offers, receipts] = await Promise.all([getCatalog(db), getOffers(db), listPurchasesSince(db, lookbackStart(now))]);
  const partners = catalog?.partners ?? [];
  const ranking = rankOffers({ offers: currentOffers(offers?.offers ?? [], now), partners, receipts, now, mutedPartnerIds: settings.mutedShops });
  const pick = pickSuggestion(ranking, partners, shop.id, settings.mutedShops);
  if (pick === undefined || !(await claimSuggestion(db, shop.id, now))) return undefined;
  const { id, name, earn, currency } = pick.partner;
  return { ...pick, partner: { id, name, earn, currency } };
}
