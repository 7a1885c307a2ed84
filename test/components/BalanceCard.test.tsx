// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { BalanceCard } from '../../components/BalanceCard.tsx';
import { speak } from './helpers.tsx';

afterEach(cleanup);

describe('BalanceCard', () => {
  it('shows available and pending points, the tier and the way to the next (English)', () => {
    speak('en');
    render(<BalanceCard balance={{ available: 1250, pending: 228, lifetime: 1500 }} tier="basis" signedIn />);
    expect(screen.getByText('1,250')).toBeTruthy();
    expect(screen.getByText('points available')).toBeTruthy();
    expect(screen.getByText('228 points pending')).toBeTruthy();
    expect(screen.getByText('Status: Basic')).toBeTruthy();
    expect(screen.getByText('500 more points to Silver')).toBeTruthy();
    expect(screen.getByText('Status counts the base points of confirmed purchases; offer bonuses do not count.')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Progress to Silver' }).getAttribute('aria-valuenow')).toBe('75');
  });

  it('speaks German with German number formats', () => {
    speak('de');
    render(<BalanceCard balance={{ available: 12500, pending: 1, lifetime: 2500 }} tier="silber" signedIn />);
    expect(screen.getByText('12.500')).toBeTruthy();
    expect(screen.getByText('Punkte verfügbar')).toBeTruthy();
    expect(screen.getByText('1 Punkt vorgemerkt')).toBeTruthy();
    expect(screen.getByText('Status: Silber')).toBeTruthy();
    expect(screen.getByText('Noch 2.500 Punkte bis Gold')).toBeTruthy();
    expect(screen.getByText('Für den Status zählen die Basispunkte bestätigter Einkäufe, Bonuspunkte aus Aktionen nicht.')).toBeTruthy();
  });

  it('measures the way to the next tier with the server’s points of the last 12 months and the shared ladder', () => {
    speak('en');
    // Lifetime is higher (older purchases), but only the window counts.
    render(
      <BalanceCard
        balance={{ available: 900, pending: 0, lifetime: 9000 }}
        tier="silber"
        tierProgress={{ tier: 'silber', nextTier: 'gold', pointsInWindow: 3500, pointsToNext: 1500, multiplierPercent: 110 }}
        signedIn
      />,
    );
    expect(screen.getByText('Status: Silver')).toBeTruthy();
    expect(screen.getByText('10 % more points on every purchase')).toBeTruthy();
    expect(screen.getByText('1,500 more points to Gold')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Progress to Gold' }).getAttribute('aria-valuenow')).toBe('50');
  });

  it('shows Gold as the top of the ladder, in German', () => {
    speak('de');
    render(
      <BalanceCard
        balance={{ available: 100, pending: 0, lifetime: 6000 }}
        tier="gold"
        tierProgress={{ tier: 'gold', pointsInWindow: 6000, multiplierPercent: 125 }}
        signedIn
      />,
    );
    expect(screen.getByText('25 % mehr Punkte auf jeden Einkauf')).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('says the balance needs a sign-in when signed out, with no spinner', () => {
    speak('en');
    render(<BalanceCard signedIn={false} />);
    expect(screen.getByText(/Sign in to see your balance/)).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});
