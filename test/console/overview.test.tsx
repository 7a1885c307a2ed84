// @vitest-environment happy-dom
/** The overview page: the KPIs of the period as numbers and charts, a new period on request, in English and German. */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgrammeOverview } from '../../lib/contract/console.ts';
import { App } from '../../console/App.tsx';
import { defaultPeriod } from '../../console/Overview.tsx';
import { emptyOverview, fakeApi } from './fake-api.ts';

afterEach(cleanup);

function march(from: string, to: string): ProgrammeOverview {
  const base = emptyOverview(from, to);
  const day = (start: string, purchases: number, confirmed: number) => ({ ...base.series[0]!, start, purchases, confirmedPurchases: confirmed, activeMembers: purchases, availableAtEnd: 1000 + purchases });
  return {
    ...base,
    totals: {
      ...base.totals,
      activeMembers: 1234,
      newMembers: 56,
      purchases: 4321,
      pendingPurchases: 300,
      pointsBooked: 98765,
      confirmedPurchases: 3456,
      confirmationRate: 0.8,
      rejectionRate: 0.125,
      repeatMembers: 400,
      repeatPurchaseRate: 0.324,
      pointsIssued: 50000,
      pointsRedeemed: 12500,
      redemptionRate: 0.25,
      pointsExpired: 777,
      availableAtEnd: 250000,
      pendingAtEnd: 4000,
    },
    series: [day('2025-03-01', 10, 8), day('2025-03-02', 0, 0), day('2025-03-03', 20, 10)],
  };
}

function kpi(title: string): HTMLElement {
  return screen.getByRole('heading', { name: title }).closest('li')!;
}

describe('the overview', () => {
  it('shows the KPIs of the last 30 days with a chart each, and another period on request', async () => {
    const asked: string[] = [];
    const api = fakeApi('viewer', {
      overview: async ({ from, to, interval }) => {
        asked.push(`${from}..${to} ${interval ?? 'auto'}`);
        return { ...march(from, to), interval: interval ?? 'day' };
      },
    });
    render(<App api={api} locale="en" />);
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    await screen.findByText('1,234');
    const { from, to } = defaultPeriod();
    expect(asked).toEqual([`${from}..${to} auto`]);
    expect(within(kpi('Active members')).getByText('1,234')).toBeTruthy();
    expect(within(kpi('Purchases')).getByText('300 still pending')).toBeTruthy();
    expect(within(kpi('Confirmation rate')).getByText('80%')).toBeTruthy();
    expect(within(kpi('Rejection rate')).getByText('12.5%')).toBeTruthy();
    expect(within(kpi('Repeat-purchase rate')).getByText('32.4%')).toBeTruthy();
    expect(within(kpi('Redemption rate')).getByText('12,500 points redeemed')).toBeTruthy();
    expect(within(kpi('Breakage (expired points)')).getByText('777')).toBeTruthy();
    expect(within(kpi('Points liability at the end')).getByText('250,000')).toBeTruthy();
    // The chart tells its first and last figure to a screen reader; each bar names its day.
    const chart = within(kpi('Confirmation rate')).getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe('Confirmation rate: 2025-03-01 80% … 2025-03-03 50%');
    expect(chart.querySelectorAll('rect')).toHaveLength(3);

    fireEvent.input(screen.getByLabelText('From'), { target: { value: '2025-01-01' } });
    fireEvent.input(screen.getByLabelText('To'), { target: { value: '2025-03-31' } });
    fireEvent.change(screen.getByLabelText('Chart per'), { target: { value: 'week' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    await screen.findByText('2025-01-01 to 2025-03-31, charts per week (UTC)');
    expect(asked.at(-1)).toBe('2025-01-01..2025-03-31 week');
  });

  it('speaks German, and shows a dash for a rate of an empty period', async () => {
    render(<App api={fakeApi('viewer')} locale="de" />);
    expect(await screen.findByRole('heading', { name: 'Überblick' })).toBeTruthy();
    await screen.findByRole('heading', { name: 'Bestätigungsquote' });
    expect(within(kpi('Bestätigungsquote')).getByText('—')).toBeTruthy();
    expect(within(kpi('Einkäufe')).getByText('0 noch offen')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Überblick' }).getAttribute('aria-current')).toBe('page');
  });
});
