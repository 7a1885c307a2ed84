// @vitest-environment happy-dom
/** Claims and holds decided several at once: select, one action, the answer per item; in English and German. */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimItem, HoldItem } from '../../console/api.ts';
import { App } from '../../console/App.tsx';
import { fakeApi } from './fake-api.ts';

afterEach(cleanup);

const claim = (n: number): ClaimItem => ({
  id: `0190f5d0-0000-7000-8000-0000000000c${n}`,
  memberId: '0190f5d0-0000-7000-8000-0000000000a1',
  status: 'open',
  reason: null,
  createdAt: '2026-12-05T10:00:00.000Z',
  receipt: { partnerId: 'schuhhaus', orderId: `A-100${n}`, amountMinor: 4990, currency: 'EUR' },
});

const hold = (n: number): HoldItem => ({
  purchaseId: `0190f5d0-0000-7000-8000-0000000000b${n}`,
  memberId: '0190f5d0-0000-7000-8000-0000000000a2',
  partnerId: 'buchladen',
  orderId: `B-200${n}`,
  amountMinor: 12000,
  currency: 'EUR',
  points: 120,
  createdAt: '2026-12-04T09:00:00.000Z',
  status: 'pending',
  reason: 'contested',
});

describe('claims and holds', () => {
  it('rejects two selected claims with one reason and tells which one was refused', async () => {
    const sent: string[] = [];
    let open = [claim(1), claim(2), claim(3)];
    const api = fakeApi('reviewer', {
      claims: async (status) => (status === 'open' ? open : []),
      decideClaims: async (decision, ids, reason) => {
        sent.push(`${decision} ${ids.join(',')} ${reason}`);
        open = open.filter((c) => !ids.includes(c.id));
        return [
          { id: ids[0]!, outcome: 'decided', status: 'rejected' },
          { id: ids[1]!, outcome: 'refused', message: 'Claim was decided by someone else meanwhile' },
        ];
      },
    });
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Missing-points claims' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select A-1001' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select A-1003' }));
    expect(screen.getByText('2 selected')).toBeTruthy();
    const reject = screen.getByRole('button', { name: 'Reject selected (2)' }) as HTMLButtonElement;
    // A rejection needs the reason the members are given.
    expect(reject.disabled).toBe(true);
    fireEvent.input(screen.getByLabelText('Reason (needed to reject)'), { target: { value: 'not a partner order' } });
    expect(reject.disabled).toBe(false);
    fireEvent.click(reject);
    expect((await screen.findByRole('status')).textContent).toContain('1 of 2 decided.');
    expect(screen.getByRole('status').textContent).toContain('A-1003: Claim was decided by someone else meanwhile');
    expect(sent).toEqual([`reject ${claim(1).id},${claim(3).id} not a partner order`]);
    await screen.findByText('0 selected');
    expect(screen.queryByText('A-1001')).toBeNull();
    expect(screen.getByText('A-1002')).toBeTruthy();
  });

  it('approves all claims at once with the select-all box', async () => {
    const sent: string[][] = [];
    const api = fakeApi('admin', {
      claims: async (status) => (status === 'open' ? [claim(1), claim(2)] : []),
      decideClaims: async (decision, ids) => {
        sent.push(ids);
        return ids.map((id) => ({ id, outcome: 'decided' as const, status: 'approved' }));
      },
    });
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Missing-points claims' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select all' }));
    fireEvent.click(screen.getByRole('button', { name: 'Approve selected (2)' }));
    expect((await screen.findByRole('status')).textContent).toBe('2 of 2 decided.');
    expect(sent).toEqual([[claim(1).id, claim(2).id]]);
  });

  it('releases held purchases on the holds page, in German', async () => {
    const sent: string[] = [];
    let held = [hold(1), hold(2)];
    const api = fakeApi('reviewer', {
      holds: async () => ({ purchases: held, referrals: [] }),
      decideHolds: async (decision, ids, reason) => {
        sent.push(`${decision} ${ids.length} ${reason ?? '-'}`);
        held = [];
        return ids.map((id) => ({ id, outcome: 'decided' as const, status: 'purchase' }));
      },
    });
    render(<App api={api} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Zur Prüfung angehalten' }));
    expect(await screen.findByText('B-2001')).toBeTruthy();
    expect(screen.getAllByText('contested')).toHaveLength(2);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Alle auswählen' }));
    fireEvent.click(screen.getByRole('button', { name: 'Auswahl freigeben (2)' }));
    expect((await screen.findByRole('status')).textContent).toBe('2 von 2 entschieden.');
    await screen.findByText('Nichts wartet auf Prüfung.');
    expect(sent).toEqual(['release 2 -']);
  });

  it('shows a viewer the holds without boxes or buttons', async () => {
    render(<App api={fakeApi('viewer', { holds: async () => ({ purchases: [hold(1)], referrals: [] }) })} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Holds for review' }));
    expect(await screen.findByText('B-2001')).toBeTruthy();
    expect(screen.getByText('Your role may read the holds but not decide them.')).toBeTruthy();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /Release/ })).toBeNull();
  });
});

describe('the shop’s record beside the receipt', () => {
  it('shows what the shop reported and an order booked for someone else, in English and German', async () => {
    const withRecord: ClaimItem = { ...claim(1), partner: { placed: { amountMinor: 3900, reportedAt: '2026-12-03T08:00:00.000Z' }, bookedFor: null } };
    const taken: ClaimItem = { ...claim(2), partner: { placed: null, bookedFor: 'another_member' } };
    const api = fakeApi('reviewer', { claims: async (status) => (status === 'open' ? [withRecord, taken] : []) });
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Missing-points claims' }));
    expect(await screen.findByText('reported placed, €39.00 on 12/3/2026')).toBeTruthy();
    expect(screen.getByText('not reported by the shop · already booked for another member')).toBeTruthy();
    cleanup();
    render(<App api={api} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Nachbuchungsanträge' }));
    expect(await screen.findByText('als bestellt gemeldet, 39,00 € am 3.12.2026')).toBeTruthy();
    expect(screen.getByText('vom Shop nicht gemeldet · schon für ein anderes Mitglied gebucht')).toBeTruthy();
  });
});
