import { useState } from 'preact/hooks';
import type { Offer, Partner } from '../lib/contract/index.ts';
import { t } from '../lib/ui/i18n.ts';
import { currentOffers } from '../lib/ui/model.ts';
import { offerEffect, offerTerms } from './offer-text.ts';

export interface OffersListProps {
  offers: Offer[];
  partners: Partner[];
  now: Date;
}

const ALL = '';

export function OffersList({ offers, partners, now }: OffersListProps) {
  const [partnerFilter, setPartnerFilter] = useState(ALL);
  const [categoryFilter, setCategoryFilter] = useState(ALL);
  const byId = new Map(partners.map((p) => [p.id, p]));
  const running = currentOffers(offers, now);
  const offerPartners = partners.filter((p) => running.some((o) => o.partnerId === p.id));
  const categories = [...new Set(offerPartners.map((p) => p.category))].sort();
  const shown = running.filter((o) => {
    const partner = o.partnerId !== undefined ? byId.get(o.partnerId) : undefined;
    if (partnerFilter !== ALL && o.partnerId !== undefined && o.partnerId !== partnerFilter) return false;
    if (categoryFilter !== ALL && partner !== undefined && partner.category !== categoryFilter) return false;
    return true;
  });

  if (running.length === 0) return <p class="empty">{t('offersEmpty')}</p>;
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
          {shown.map((offer) => {
            const partner = offer.partnerId !== undefined ? byId.get(offer.partnerId) : undefined;
            return (
              <li key={offer.id} class="list-item">
                <div class="row">
                  <span class="strong">{partner?.name ?? t('offerAllShops')}</span>
                  <span class="badge badge-offer">{offerEffect(offer)}</span>
                </div>
                <div>{offer.title}</div>
                <div class="muted small">{offerTerms(offer, partner?.currency ?? 'EUR')}</div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
