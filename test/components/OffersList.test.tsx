// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { OffersList } from '../../components/OffersList.tsx';
import type { Partner } from '../../lib/contract/index.ts';
import { rankOffers, type RankedReceipt } from '../../lib/offers/rank.ts';
import { currentOffers } from '../../lib/ui/model.ts';
import { NOW, buchladen, offers, partners, plain, speak } from './helpers.tsx';

afterEach(cleanup);

describe('OffersList', () => {
  it('lists current offers with shop, effect and end date, soonest ending first, and filters them', () => {
    speak('en');
    render(<OffersList offers={offers} partners={partners} now={NOW} />);
    const list = screen.getByRole('list', { name: 'Current offers' });
    const items = within(list).getAllByRole('listitem').map((li) => plain(li.textContent));
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('Schuhhaus Beispiel');
    expect(items[0]).toContain('2× points');
    expect(items[0]).toContain('until 31 May 2025');
    expect(items[1]).toContain('+500 bonus points');
    expect(items.join()).not.toContain('Vorbei');

    fireEvent.change(screen.getByLabelText('Shop'), { target: { value: 'buchladen' } });
    expect(within(screen.getByRole('list')).getAllByRole('listitem')).toHaveLength(1);
    fireEvent.change(screen.getByLabelText('Shop'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'Schuhe' } });
    expect(plain(screen.getByRole('list').textContent)).toContain('Doppelte Punkte');
    expect(plain(screen.getByRole('list').textContent)).not.toContain('Lesesommer');
  });

  it('says when there are no offers (German)', () => {
    speak('de');
    render(<OffersList offers={[]} partners={partners} now={NOW} />);
    expect(screen.getByText('Zurzeit keine Angebote.')).toBeTruthy();
  });

  describe('in the member\'s personal order', () => {
    const antiquariat: Partner = { ...buchladen, id: 'antiquariat', name: 'Antiquariat Eselsohr', domains: ['eselsohr.example'], earn: { points: 3, per: 1 } };
    const catalogue = [...partners, antiquariat];
    // Two recent purchases at the book shop: its offer comes first, though it ends later.
    const receipts: RankedReceipt[] = [
      { partnerId: 'buchladen', amountMinor: 2500, detectedAt: '2025-05-18T09:00:00Z' },
      { partnerId: 'buchladen', amountMinor: 1900, detectedAt: '2025-04-30T09:00:00Z' },
    ];
    const ranking = rankOffers({ offers: currentOffers(offers, NOW), partners: catalogue, receipts, now: NOW });
    const items = () => within(screen.getByRole('list', { name: /Current offers|Aktuelle Angebote/ })).getAllByRole('listitem').map((li) => plain(li.textContent));

    it('puts the offers that fit first and says why, in English', () => {
      speak('en');
      render(<OffersList offers={offers} partners={catalogue} now={NOW} ranking={ranking} />);
      expect(items()[0]).toContain('Lesesommer');
      expect(items()[0]).toContain('Because you shop at Buchladen Seite');
      expect(items()[1]).toContain('Doppelte Punkte');
      expect(items()[1]).not.toContain('Because');
      const suggested = within(screen.getByRole('list', { name: 'Partners you might like' })).getAllByRole('listitem').map((li) => plain(li.textContent));
      expect(suggested).toEqual(['Antiquariat Eselsohr3 points per €1Because you shop in Bücher']);
    });

    it('says the same in German', () => {
      speak('de');
      render(<OffersList offers={offers} partners={catalogue} now={NOW} ranking={ranking} />);
      expect(items()[0]).toContain('Weil Sie bei Buchladen Seite einkaufen');
      expect(plain(screen.getByRole('list', { name: 'Partner, die Ihnen gefallen könnten' }).textContent)).toContain('Weil Sie in der Kategorie Bücher einkaufen');
    });

    it('keeps the filters working on the ranked offers and the suggestions', () => {
      speak('en');
      render(<OffersList offers={offers} partners={catalogue} now={NOW} ranking={ranking} />);
      fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'Schuhe' } });
      expect(items()).toHaveLength(1);
      expect(items()[0]).toContain('Doppelte Punkte');
      expect(screen.queryByRole('list', { name: 'Partners you might like' })).toBeNull();
      fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'Bücher' } });
      expect(items()[0]).toContain('Because you shop at Buchladen Seite');
      expect(screen.getByRole('list', { name: 'Partners you might like' })).toBeTruthy();
    });

    it('shows the plain order and no reasons when there is no ranking (switched off, or not computed yet)', () => {
      speak('en');
      render(<OffersList offers={offers} partners={catalogue} now={NOW} />);
      expect(items()[0]).toContain('Doppelte Punkte');
      expect(items().join()).not.toContain('Because');
      expect(screen.queryByText('Partners you might like')).toBeNull();
    });

    it('leaves out an offer that ended since the ranking, and shows one it has not seen in the plain order', () => {
      speak('en');
      const later = new Date('2025-06-01T00:00:00Z');
      const newOffer = { ...offers[1]!, id: 'new', title: 'Neu', endsAt: '2025-07-01T00:00:00Z' };
      render(<OffersList offers={[...offers, newOffer]} partners={catalogue} now={later} ranking={ranking} />);
      expect(items().map((text) => text.includes('Neu') ? 'new' : text.includes('Lesesommer') ? 'book-bonus' : text)).toEqual(['book-bonus', 'new']);
    });
  });
});
