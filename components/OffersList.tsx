import { useState } from 'preact/hooks';
import type { Offer, Partner } from '../lib/contract/index.ts';
import type { PartnerSuggestion, RankedOffer, Ranking } from '../lib/offers/rank.ts';
import { formatEarnRate, t } from '../lib/ui/i18n.ts';
import { currentOffers } from '../lib/ui/model.ts';
import { offerEffect, offerTerms, suggestionReason } from './offer-text.ts';

export interface OffersListProps {
  offers: Offer[];
  partners: Partner[];
  now: Date;
  /**
   * The member's personal ranking (lib/offers/rank.ts), once computed; absent
   * before that and when personal suggestions are off: the plain order then.
   */
  ranking?: Ranking;
}

const ALL = '';

/**
 * The running offers in the ranking's order. Offers the ranking has not seen
 * (it was computed before the last sync) follow in their plain order, and
 * offers that ended since are left out.
 */
function inRankedOrder(running: readonly Offer[], ranking: Ranking | undefined): RankedOffer[] {
  if (ranking === undefined) return running.map((offer) => ({ offer }));
  const unseen = new Map(running.map((o) => [o.id, o]));
  const ranked = ranking.offers.filter((r) => unseen.delete(r.offer.id));
  return [...ranked, ...[...unseen.values()].map((offer) => ({ offer }))];
}

export function OffersList({ offers, partners, now, ranking }: OffersListProps) {
  const [partnerFilter, setPartnerFilter] = useState(ALL);
  const [categoryFilter, setCategoryFilter] = useState(ALL);
  const byId = new Map(partners.map((p) => [p.id, p]));
  const running = currentOffers(offers, now);
  const offerPartners = partners.filter((p) => running.some((o) => o.partnerId === p.id));
  const categories = [...new Set(offerPartners.map((p) => p.category))].sort();
  const passes = (partnerId: string | undefined) => {
    const partner = partnerId !== undefined ? byId.get(partnerId) : undefined;
    if (partnerFilter !== ALL && partnerId !== undefined && partnerId !== partnerFilter) return false;
    if (categoryFilter !== ALL && partner !== undefined && partner.category !== categoryFilter) return false;
    return true;
  };
  const shown = inRankedOrder(running, ranking).filter((r) => passes(r.offer.partnerId));
  const suggested = (ranking?.partners ?? []).filter((s) => passes(s.partner.id));
  // The catalogue may have dropped a partner since the ranking: its id then stands in for its name.
  const partnerName = (id: string) => byId.get(id)?.name ?? id;

  if (running.length === 0) {
    return (
      <div class="offers">
        <p class="empty">{t('offersEmpty')}</p>
        <PartnerSuggestions suggestions={suggested} />
      </div>
    );
  }
  return (
    <div class="offers">
      <div class="filters">
        <label>
          <span class="small">{t('offersFilterPartner')}</span>
          <select value={partnerFilter} onChange={(e) => setPartnerFilter(e.currentTarget.value)}>
            <option value={ALL}>{t('offersFilterAllPartners')}</option>
            {offerPartners.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        <label>
          <span class="small">{t('offersFilterCategory')}</span>
          <select value={categoryFilter} onChange={(e) => setCategoryFilter(e.currentTarget.value)}>
            <option value={ALL}>{t('offersFilterAllCategories')}</option>
            {categories.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
      </div>
      {shown.length === 0 ? (
        <p class="empty">{t('offersNoneMatch')}</p>
      ) : (
        <ul class="list" aria-label={t('offersListLabel')}>
          {shown.map(({ offer, reason }) => {
            const partner = offer.partnerId !== undefined ? byId.get(offer.partnerId) : undefined;
            return (
              <li key={offer.id} class="list-item">
                <div class="row">
                  <span class="strong">{partner?.name ?? t('offerAllShops')}</span>
                  <span class="badge badge-offer">{offerEffect(offer)}</span>
                </div>
                <div>{offer.title}</div>
                <div class="muted small">{offerTerms(offer, partner?.currency ?? 'EUR')}</div>
                {reason !== undefined && <div class="muted small suggest-reason">{suggestionReason(reason, partnerName)}</div>}
              </li>
            );
          })}
        </ul>
      )}
      <PartnerSuggestions suggestions={suggested} />
    </div>
  );
}

/** "Partners you might like": at most three, each with its rate, its offer and why. */
function PartnerSuggestions({ suggestions }: { suggestions: readonly PartnerSuggestion[] }) {
  if (suggestions.length === 0) return null;
  return (
    <section aria-labelledby="suggested-partners">
      <h2 id="suggested-partners" class="subtitle">{t('suggestPartnersTitle')}</h2>
      <ul class="list" aria-labelledby="suggested-partners">
        {suggestions.map(({ partner, offer, reason }) => (
          <li key={partner.id} class="list-item">
            <div class="row">
              <span class="strong">{partner.name}</span>
              <span class="badge badge-offer">{offer !== undefined ? offerEffect(offer) : formatEarnRate(partner.earn, partner.currency)}</span>
            </div>
            <div class="muted small suggest-reason">{suggestionReason(reason, () => partner.name)}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
