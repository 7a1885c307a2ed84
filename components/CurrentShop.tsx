import { useState } from 'preact/hooks';
import type { Offer, Partner } from '../lib/contract/index.ts';
import { formatEarnRate, t, tn } from '../lib/ui/i18n.ts';
import { offersForPartner, searchPartners, usualDaysToConfirm } from '../lib/ui/model.ts';
import { offerEffect, offerTerms } from './offer-text.ts';

export interface CurrentShopProps {
  /** The partner of the active tab, if it is one. */
  partner?: Partner;
  partners: Partner[];
  offers: Offer[];
  /** True when the in-page reminder is switched off for this partner. */
  muted: boolean;
  onSetMuted(partnerId: string, muted: boolean): void;
  now: Date;
}

export function CurrentShop(props: CurrentShopProps) {
  return props.partner ? <PartnerShop {...props} partner={props.partner} /> : <ShopSearch partners={props.partners} />;
}

function PartnerShop({ partner, offers, muted, onSetMuted, now }: CurrentShopProps & { partner: Partner }) {
  const active = offersForPartner(offers, partner.id, now);
  const days = usualDaysToConfirm(partner);
  return (
    <section class="card shop" aria-labelledby="shop-title">
      <p class="eyebrow">{t('shopHere')}</p>
      <h2 id="shop-title" class="card-title">{partner.name}</h2>
      <p class="rate">{formatEarnRate(partner.earn, partner.currency)}</p>
      {days !== undefined && <p class="muted small reliability">{tn('shopUsuallyConfirmed', days)}</p>}
      {active.length > 0 && (
        <ul class="offer-list" aria-label={t('shopOffersLabel')}>
          {active.map((offer) => (
            <li key={offer.id} class="offer">
              <span class="badge badge-offer">{offerEffect(offer)}</span> <span class="offer-title">{offer.title}</span>
              <span class="muted small block">{offerTerms(offer, partner.currency)}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="muted small">{t('shopAutomatic')}</p>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={!muted}
          onChange={(e) => onSetMuted(partner.id, !e.currentTarget.checked)}
        />
        <span>{t('shopReminderSwitch')}</span>
      </label>
    </section>
  );
}

function ShopSearch({ partners }: { partners: Partner[] }) {
  const [query, setQuery] = useState('');
  const results = searchPartners(partners, query);
  return (
    <section class="card search" aria-labelledby="search-title">
      <h2 id="search-title" class="card-title">{t('searchTitle')}</h2>
      <p class="muted small">{t('searchIntro')}</p>
      <label for="shop-search" class="visually-hidden">{t('searchLabel')}</label>
      <input
        id="shop-search"
        type="search"
        value={query}
        placeholder={t('searchPlaceholder')}
        autocomplete="off"
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      {query.trim() !== '' && (
        results.length > 0 ? (
          <ul class="search-results" aria-label={t('searchResultsLabel')}>
            {results.map((p) => (
              <li key={p.id}>
                <span class="strong">{p.name}</span> <span class="muted small">{p.category}</span>
                <span class="small block">{formatEarnRate(p.earn, p.currency)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted small" role="status">{partners.length === 0 ? t('searchNoCatalog') : t('searchNoResults')}</p>
        )
      )}
    </section>
  );
}
