// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupApp, type PopupAppProps } from '../../components/PopupApp.tsx';
import { rankOffers } from '../../lib/offers/rank.ts';
import { currentOffers } from '../../lib/ui/model.ts';
import { NOW, fakeBridge, offers, partners, plain, popupState, receipt, rewards, speak } from './helpers.tsx';

afterEach(cleanup);

function renderPopup(overrides: Partial<PopupAppProps> = {}) {
  const props: PopupAppProps = {
    state: popupState(),
    now: NOW,
    rewards: { status: 'loaded', rewards },
    syncing: false,
    bridge: fakeBridge(),
    onSyncNow: () => {},
    onSetMuted: () => {},
    onShowOlder: () => {},
    onAccountChanged: () => {},
    onOpenOptions: () => {},
    ...overrides,
  };
  return render(<PopupApp {...props} />);
}

const twoShops = {
  mission: { id: 'two-shops', title: { de: 'Zwei Shops im Mai', en: 'Two shops in May' }, rule: { kind: 'distinct-partners' as const, count: 2 }, bonusPoints: 100, startsAt: '2025-05-01T00:00:00Z', endsAt: '2025-06-01T00:00:00Z', active: true },
  progress: 1,
  confirmedProgress: 1,
  target: 2,
  completed: false,
};

describe('PopupApp', () => {
  it('signed in: shows the missions with their progress; signed out: none', async () => {
    speak('en');
    renderPopup({ state: popupState({ missions: [twoShops] }) });
    const section = await screen.findByRole('region', { name: 'Missions' });
    expect(plain(section.textContent)).toContain('Two shops in May1 of 2 partners · +100 points · until 31 May');
    cleanup();
    renderPopup({ state: popupState({ member: undefined, balance: undefined, missions: [twoShops] }) });
    expect(screen.queryByRole('region', { name: 'Missions' })).toBeNull();
  });

  it('signed out: offers sign-in, keeps local purchases and explains where the balance is', () => {
    speak('en');
    renderPopup({
      state: popupState({ member: undefined, balance: undefined, tier: undefined, receipts: [receipt({ id: 'l', orderId: '10050', detectedAt: '2025-05-20T08:00:00Z' })], sync: { waiting: 1, online: true } }),
    });
    expect(screen.getByText(/Sign in to see your balance/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByText('Signed out: purchases wait on this device until you sign in.')).toBeTruthy();
    expect(screen.getByText('Waiting to sync')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Card' }));
    expect(screen.getByText('Sign in to see your member card.')).toBeTruthy();
  });

  it('empty: a new member with nothing yet sees friendly empty states, not spinners', () => {
    speak('en');
    renderPopup({ state: popupState({ balance: { available: 0, pending: 0, lifetime: 0 }, offers: [], partners: [] }), rewards: { status: 'loaded', rewards: [] } });
    expect(screen.getByText('0')).toBeTruthy();
    expect(screen.getByText(/No purchases yet/)).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Offers' }));
    expect(screen.getByText('No offers right now.')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Rewards' }));
    expect(screen.getByText('No rewards available right now.')).toBeTruthy();
  });

  it('offline with queued purchases: keeps the cached balance and lists what waits', () => {
    speak('en');
    const queued = [
      receipt({ id: 'q1', orderId: 'A-1', detectedAt: '2025-05-20T07:00:00Z', estimatedPoints: 57 }),
      receipt({ id: 'q2', orderId: 'A-2', detectedAt: '2025-05-20T08:00:00Z', estimatedPoints: 12 }),
    ];
    renderPopup({ state: popupState({ receipts: queued, sync: { lastSyncAt: '2025-05-19T18:00:00Z', waiting: 2, online: false } }) });
    expect(screen.getByText('1,250')).toBeTruthy();
    expect(screen.getByText('Offline: purchases are synced when you are back online.')).toBeTruthy();
    expect(screen.getByText('2 purchases waiting to sync')).toBeTruthy();
    expect(screen.getAllByText('Waiting to sync')).toHaveLength(2);
  });

  it('on a partner tab: shows the shop with its offer', () => {
    speak('en');
    renderPopup({ tabHost: 'www.schuhhaus-example.de' });
    expect(screen.getByRole('heading', { name: 'Schuhhaus Beispiel' })).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Offers at this shop' }).textContent).toContain('2× points');
  });

  it('on another tab: offers the partner search', () => {
    speak('en');
    renderPopup({ tabHost: 'news.example.com' });
    expect(screen.getByRole('searchbox', { name: 'Search partner shops' })).toBeTruthy();
  });

  it('moves between sections with the arrow keys', () => {
    speak('en');
    renderPopup();
    const first = screen.getByRole('tab', { name: 'Purchases' });
    expect(first.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Offers' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Offers' }), { key: 'End' });
    expect(screen.getByRole('tab', { name: 'Card' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Card' }), { key: 'ArrowRight' });
    expect(first.getAttribute('aria-selected')).toBe('true');
  });

  it('orders the offers tab by the ranking it is given, with the reason under the offer', () => {
    speak('de');
    const ranking = rankOffers({
      offers: currentOffers(offers, NOW),
      partners,
      receipts: [receipt({ id: 'b', orderId: 'B-1', partnerId: 'buchladen', detectedAt: '2025-05-19T08:00:00Z' })],
      now: NOW,
    });
    renderPopup({ ranking });
    fireEvent.click(screen.getByRole('tab', { name: 'Angebote' }));
    const first = within(screen.getByRole('list', { name: 'Aktuelle Angebote' })).getAllByRole('listitem')[0];
    expect(plain(first?.textContent)).toContain('Lesesommer');
    expect(plain(first?.textContent)).toContain('Weil Sie bei Buchladen Seite einkaufen');
  });

  it('speaks German throughout', () => {
    speak('de');
    renderPopup({ tabHost: 'schuhhaus-example.de', state: popupState({ consentGiven: false }) });
    expect(screen.getByText('1.250')).toBeTruthy();
    expect(screen.getByText('228 Punkte vorgemerkt')).toBeTruthy();
    expect(screen.getByText('Sie sind in einem Partnershop')).toBeTruthy();
    expect(screen.getByText(/Die Erkennung von Einkäufen ist aus/)).toBeTruthy();
    const tabs = within(screen.getByRole('tablist', { name: 'Bereiche' })).getAllByRole('tab').map((t) => t.textContent);
    expect(tabs).toEqual(['Einkäufe', 'Angebote', 'Prämien', 'Karte']);
    expect(plain(screen.getByRole('button', { name: 'Jetzt synchronisieren' }).textContent)).toBe('Jetzt synchronisieren');
  });
});
