// @vitest-environment happy-dom
/** The members page: find by card number or email, balance, purchases and ledger, erasure confirmed twice; in English and German. */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemberView } from '../../console/api.ts';
import { App } from '../../console/App.tsx';
import { fakeApi } from './fake-api.ts';

afterEach(cleanup);

const ada: MemberView = {
  id: '0190f5d0-0000-7000-8000-0000000000a1',
  email: 'ada@example.org',
  memberNumber: '4000000017',
  tier: 'silber',
  createdAt: '2026-01-02T10:00:00.000Z',
  balance: { available: 1250, pending: 57, lifetime: 3000 },
  purchases: [
    { id: 'p1', partnerId: 'schuhhaus', orderId: 'A-1001', amountMinor: 11400, currency: 'EUR', detectedAt: '2026-12-01T10:00:00.000Z', method: 'jsonld', status: 'pending', points: 57, createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:00:00.000Z' },
  ],
  openClaims: 1,
};

function api(role: 'admin' | 'viewer', calls: string[] = []) {
  return fakeApi(role, {
    findMember: async (by) => {
      calls.push(JSON.stringify(by));
      return ada;
    },
    memberLedger: async (_id, cursor) =>
      cursor
        ? { transactions: [{ id: '1', account: 'pending', delta: 57, reason: 'purchase', createdAt: '2026-12-01T10:00:00.000Z' }] }
        : { transactions: [{ id: '2', account: 'available', delta: -500, reason: 'redemption', createdAt: '2026-12-02T10:00:00.000Z' }], nextCursor: '2' },
    eraseMember: async (id, reason) => {
      calls.push(`erase ${id} ${reason}`);
    },
  });
}

describe('the members page', () => {
  it('finds a member by card number and shows balance, purchases and the ledger page by page', async () => {
    const calls: string[] = [];
    render(<App api={api('viewer', calls)} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Members' }));
    fireEvent.input(screen.getByLabelText('Email or card number'), { target: { value: ' 4000000017 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Find' }));
    expect(await screen.findByText('ada@example.org')).toBeTruthy();
    expect(calls).toEqual(['{"number":"4000000017"}']);
    expect(screen.getByText('1,250')).toBeTruthy();
    expect(within(screen.getByText('A-1001').closest('tr')!).getByText('€114.00')).toBeTruthy();
    expect(await screen.findByText('-500')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    expect(await screen.findByText('+57')).toBeTruthy();
    // A viewer reads but cannot erase.
    expect(screen.queryByRole('button', { name: 'Erase member' })).toBeNull();
  });

  it('erases only after the reason and the confirmation, in German', async () => {
    const calls: string[] = [];
    render(<App api={api('admin', calls)} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Mitglieder' }));
    fireEvent.input(screen.getByLabelText('E-Mail oder Kartennummer'), { target: { value: 'ada@example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Suchen' }));
    const erase = (await screen.findByRole('button', { name: 'Mitglied löschen' })) as HTMLButtonElement;
    expect(calls).toEqual(['{"email":"ada@example.org"}']);
    expect(erase.disabled).toBe(true);
    fireEvent.input(screen.getByLabelText('Wie das Mitglied es verlangt hat (für das Protokoll)'), { target: { value: 'Brief vom 3. Dezember' } });
    expect(erase.disabled).toBe(true);
    fireEvent.click(screen.getByLabelText('Das Mitglied hat die Löschung verlangt, und ich habe geprüft, dass es das Mitglied war'));
    fireEvent.click(erase);
    expect((await screen.findByRole('status')).textContent).toBe('Mitglied 4000000017 gelöscht.');
    expect(calls.at(-1)).toBe(`erase ${ada.id} Brief vom 3. Dezember`);
    expect(screen.queryByText('ada@example.org')).toBeNull();
  });

  it('says so when nobody has the email', async () => {
    render(<App api={fakeApi('viewer')} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Members' }));
    fireEvent.input(screen.getByLabelText('Email or card number'), { target: { value: 'nobody@example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Find' }));
    expect((await screen.findByRole('status')).textContent).toBe('No member with this email or card number.');
  });
});
