// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { OffersList } from '../../components/OffersList.tsx';
import { NOW, offers, partners, plain, speak } from './helpers.tsx';

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
});
