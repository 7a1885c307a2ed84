// @vitest-environment happy-dom
/** The partners page: the catalogue with rate, hold, reliability and detection health; a partner manager edits; in English and German. */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminPartner, PartnerEdit } from '../../lib/contract/console.ts';
import { App } from '../../console/App.tsx';
import { fakeApi } from './fake-api.ts';

afterEach(cleanup);

const schuhhaus: AdminPartner = {
  partner: { id: 'schuhhaus', name: 'Schuhhaus', domains: ['schuhhaus-example.de'], category: 'fashion', earn: { points: 1, per: 2 }, currency: 'EUR', holdDays: 30, autoConfirm: true },
  fraud: null,
  reliability: { confirmedShare: 0.92, medianDaysToConfirm: 12, sample: 250 },
};

const health = {
  from: '2026-11-23',
  to: '2026-12-06',
  days: 14,
  rule: 'dropped by half',
  partners: [
    {
      partnerId: 'schuhhaus',
      flagged: true,
      recent: { from: '2026-11-30', to: '2026-12-06', automatic: 4, memberConfirmed: 6, evidenceWithoutRecord: 10, events: 20, automaticRatePercent: 20 },
      baseline: { from: '2026-11-23', to: '2026-11-29', automatic: 18, memberConfirmed: 1, evidenceWithoutRecord: 1, events: 20, automaticRatePercent: 90 },
      days: [],
    },
  ],
};

function api(role: 'partner-manager' | 'reviewer', edits: { id: string; edit: PartnerEdit }[] = []) {
  let current = schuhhaus;
  return fakeApi(role, {
    partners: async () => ({ partners: [current], nextAfter: null }),
    detectionHealth: async () => health as never,
    editPartner: async (id, edit) => {
      edits.push({ id, edit });
      current = { ...current, partner: { ...current.partner, ...edit } };
      return current.partner;
    },
  });
}

describe('the partners page', () => {
  it('lists a partner with rate, hold, reliability and a detection drop, and saves an edit', async () => {
    const edits: { id: string; edit: PartnerEdit }[] = [];
    render(<App api={api('partner-manager', edits)} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Partners' }));
    const row = (await screen.findByText('Schuhhaus')).closest('tr')!;
    expect(within(row).getByText('1 point per 2 EUR')).toBeTruthy();
    expect(within(row).getByText('92% confirmed, median 12 days (250 purchases)')).toBeTruthy();
    expect(within(row).getByText('20% recorded automatically · dropped')).toBeTruthy();
    expect(within(row).getByText('yes')).toBeTruthy();

    fireEvent.click(within(row).getByRole('button', { name: 'Edit Schuhhaus' }));
    const form = screen.getByRole('form', { name: 'Edit Schuhhaus' });
    fireEvent.input(within(form).getByLabelText('Points'), { target: { value: '3' } });
    fireEvent.input(within(form).getByLabelText('Hold days'), { target: { value: '21' } });
    fireEvent.click(within(form).getByLabelText('Confirm at the end of the hold when the shop reported the order'));
    fireEvent.input(within(form).getByLabelText('Domains'), { target: { value: 'schuhhaus-example.de\nschuhhaus-example.at' } });
    fireEvent.submit(form);
    expect((await screen.findByRole('status')).textContent).toBe('Schuhhaus saved.');
    expect(edits).toEqual([
      { id: 'schuhhaus', edit: { name: 'Schuhhaus', domains: ['schuhhaus-example.de', 'schuhhaus-example.at'], earn: { points: 3, per: 2 }, holdDays: 21, autoConfirm: false } },
    ]);
    expect(await screen.findByText('3 points per 2 EUR')).toBeTruthy();
  });

  it('shows a reviewer the catalogue without edit buttons, in German', async () => {
    render(<App api={api('reviewer')} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Partner' }));
    const row = (await screen.findByText('Schuhhaus')).closest('tr')!;
    expect(within(row).getByText('1 Punkt je 2 EUR')).toBeTruthy();
    expect(within(row).getByText('20 % automatisch erfasst · gesunken')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Schuhhaus bearbeiten' })).toBeNull();
  });
});
