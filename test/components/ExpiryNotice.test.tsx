// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { BalanceCard } from '../../components/BalanceCard.tsx';
import type { PointsExpiry } from '../../lib/contract/index.ts';
import { speak } from './helpers.tsx';

afterEach(cleanup);

const expiry: PointsExpiry = {
  months: 36,
  upcoming: [
    { points: 320, expiresOn: '2026-03-31' },
    { points: 1, expiresOn: '2026-04-30' },
  ],
};
const balance = { available: 1250, pending: 0, lifetime: 1500 };

describe('the expiry notice in the balance card', () => {
  it('tells the member in English which points expire next, 90 days ahead', () => {
    speak('en');
    render(<BalanceCard balance={balance} tier="basis" expiry={expiry} now={new Date('2026-01-05T10:00:00Z')} signedIn />);
    expect(screen.getByRole('note').textContent).toBe('320 points expire on 31 March');
  });

  it('speaks German, with the singular for one point', () => {
    speak('de');
    render(<BalanceCard balance={balance} tier="basis" expiry={expiry} now={new Date('2026-01-05T10:00:00Z')} signedIn />);
    expect(screen.getByRole('note').textContent).toBe('320 Punkte verfallen am 31. März');
    cleanup();
    // After the March date has passed, the April one is next.
    render(<BalanceCard balance={balance} tier="basis" expiry={expiry} now={new Date('2026-04-01T08:00:00Z')} signedIn />);
    expect(screen.getByRole('note').textContent).toBe('1 Punkt verfällt am 30. April');
  });

  it('says nothing while the soonest date is further away, when nothing expires, or when signed out', () => {
    speak('en');
    render(<BalanceCard balance={balance} tier="basis" expiry={expiry} now={new Date('2025-12-01T10:00:00Z')} signedIn />);
    expect(screen.queryByRole('note')).toBeNull();
    cleanup();
    render(<BalanceCard balance={balance} tier="basis" expiry={{ months: 0, upcoming: [] }} now={new Date('2026-03-01T10:00:00Z')} signedIn />);
    expect(screen.queryByRole('note')).toBeNull();
    cleanup();
    render(<BalanceCard balance={balance} tier="basis" expiry={expiry} now={new Date('2026-03-01T10:00:00Z')} signedIn={false} />);
    expect(screen.queryByRole('note')).toBeNull();
  });
});
