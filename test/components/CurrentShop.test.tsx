// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CurrentShop } from '../../components/CurrentShop.tsx';
import { NOW, offers, partners, plain, schuhhaus, speak } from './helpers.tsx';

afterEach(cleanup);

describe('CurrentShop on a partner tab', () => {
  it('shows the shop, its rate, its offer with what it adds, the automatic note and the reminder switch (English)', () => {
    speak('en');
    render(<CurrentShop partner={schuhhaus} partners={partners} offers={offers} muted={false} onSetMuted={() => {}} now={NOW} />);
    expect(screen.getByRole('heading', { name: 'Schuhhaus Beispiel' })).toBeTruthy();
    expect(screen.getByText('2 points per €1')).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Offers at this shop' });
    expect(list.textContent).toContain('2× points');
    expect(list.textContent).toContain('Doppelte Punkte auf Sneaker');
    expect(list.textContent).toContain('from €50.00');
    expect(list.textContent).toContain('until 31 May 2025');
    // The other partner's offer does not belong here.
    expect(list.textContent).not.toContain('Lesesommer');
    expect(screen.getByText('Points are collected automatically on the order confirmation page.')).toBeTruthy();
    expect((screen.getByRole('switch', { name: 'Show the reminder on this shop' }) as HTMLInputElement).checked).toBe(true);
  });

  it('reads the same in German', () => {
    speak('de');
    render(<CurrentShop partner={schuhhaus} partners={partners} offers={offers} muted={false} onSetMuted={() => {}} now={NOW} />);
    expect(screen.getByText((_c, el) => el?.tagName === 'P' && plain(el.textContent) === '2 Punkte pro 1 €')).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Angebote in diesem Shop' });
    expect(list.textContent).toContain('2× Punkte');
    expect(plain(list.textContent)).toContain('ab 50,00 €');
    expect(screen.getByText('Punkte werden automatisch auf der Bestellbestätigungsseite gesammelt.')).toBeTruthy();
  });

  it('says how soon the shop usually confirms, when the catalogue knows it (English and German)', () => {
    const reliable = { ...schuhhaus, reliability: { confirmedShare: 0.95, medianDaysToConfirm: 9, sample: 120 } };
    speak('en');
    render(<CurrentShop partner={reliable} partners={partners} offers={[]} muted={false} onSetMuted={() => {}} now={NOW} />);
    expect(screen.getByText('Usually confirmed in 9 days')).toBeTruthy();
    cleanup();
    speak('de');
    render(<CurrentShop partner={{ ...reliable, reliability: { ...reliable.reliability, medianDaysToConfirm: 1 } }} partners={partners} offers={[]} muted={false} onSetMuted={() => {}} now={NOW} />);
    expect(screen.getByText('Meist nach 1 Tag bestätigt')).toBeTruthy();
  });

  it('says nothing about confirmation times without figures', () => {
    speak('en');
    render(<CurrentShop partner={schuhhaus} partners={partners} offers={[]} muted={false} onSetMuted={() => {}} now={NOW} />);
    expect(screen.queryByText(/Usually confirmed/)).toBeNull();
  });

  it('mutes the in-page reminder for this shop when the switch is turned off', () => {
    speak('en');
    const calls: Array<[string, boolean]> = [];
    render(<CurrentShop partner={schuhhaus} partners={partners} offers={offers} muted={false} onSetMuted={(id, m) => calls.push([id, m])} now={NOW} />);
    fireEvent.click(screen.getByRole('switch', { name: 'Show the reminder on this shop' }));
    expect(calls).toEqual([['schuhhaus', true]]);
  });

  it('shows the switch off for a muted shop', () => {
    speak('en');
    render(<CurrentShop partner={schuhhaus} partners={partners} offers={[]} muted onSetMuted={() => {}} now={NOW} />);
    expect((screen.getByRole('switch') as HTMLInputElement).checked).toBe(false);
    expect(screen.queryByRole('list')).toBeNull();
  });
});

describe('CurrentShop on a tab that is no partner', () => {
  it('offers a search over the catalogue by name and category', () => {
    speak('en');
    render(<CurrentShop partners={partners} offers={offers} muted={false} onSetMuted={() => {}} now={NOW} />);
    expect(screen.getByRole('heading', { name: 'Where can I collect?' })).toBeTruthy();
    const search = screen.getByRole('searchbox', { name: 'Search partner shops' });
    fireEvent.input(search, { target: { value: 'bucher' } });
    const results = screen.getByRole('list', { name: 'Matching partner shops' });
    expect(results.textContent).toContain('Buchladen Seite');
    expect(results.textContent).toContain('1 point per €2');
    expect(results.textContent).not.toContain('Schuhhaus');
    fireEvent.input(search, { target: { value: 'schuh' } });
    expect(screen.getByRole('list', { name: 'Matching partner shops' }).textContent).toContain('Schuhhaus Beispiel');
  });

  it('says so when nothing matches (German)', () => {
    speak('de');
    render(<CurrentShop partners={partners} offers={offers} muted={false} onSetMuted={() => {}} now={NOW} />);
    fireEvent.input(screen.getByRole('searchbox', { name: 'Partnershops suchen' }), { target: { value: 'Autos' } });
    expect(screen.getByText('Kein Partnershop passt.')).toBeTruthy();
  });
});
