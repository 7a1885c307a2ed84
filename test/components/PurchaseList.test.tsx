// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PurchaseList, type PurchaseListProps } from '../../components/PurchaseList.tsx';
import type { Receipt } from '../../lib/db/schema.ts';
import type { Outcome } from '../../lib/ui/bridge.ts';
import { PURCHASES_PAGE, toPurchaseRows } from '../../lib/ui/model.ts';
import { NOW, partners, plain, receipt, speak } from './helpers.tsx';

afterEach(cleanup);

const serverState = (status: 'pending' | 'confirmed' | 'rejected' | 'reversed', points: number, expectedConfirmationAt?: string) => ({
  status,
  points,
  updatedAt: '2025-05-19T00:00:00Z',
  ...(expectedConfirmationAt ? { expectedConfirmationAt } : {}),
});

const receipts = [
  receipt({ id: 'a', orderId: '10023', detectedAt: '2025-05-18T09:00:00Z', server: serverState('pending', 228, '2025-06-17T09:00:00Z') }),
  receipt({ id: 'b', orderId: '9001', detectedAt: '2025-04-01T09:00:00Z', server: serverState('confirmed', 100) }),
  receipt({ id: 'c', orderId: '8002', detectedAt: '2025-03-01T09:00:00Z', server: serverState('rejected', 0) }),
  receipt({ id: 'd', orderId: '7003', detectedAt: '2025-02-01T09:00:00Z', server: serverState('reversed', 0) }),
  receipt({ id: 'e', orderId: '10050', detectedAt: '2025-05-20T08:00:00Z', estimatedPoints: 57 }),
];
const noClaim = (): Promise<Outcome<object>> => Promise.resolve({ ok: true });

/** The list with every receipt read, as the popup shows a history shorter than a page. */
function List({ receipts: all, ...props }: Omit<PurchaseListProps, 'rows' | 'total' | 'more' | 'onShowOlder'> & { receipts: Receipt[] }) {
  return <PurchaseList rows={toPurchaseRows(all, partners, NOW)} total={all.length} more={false} onShowOlder={() => undefined} {...props} />;
}

function items(): HTMLElement[] {
  return within(screen.getByRole('list')).getAllByRole('listitem');
}

describe('PurchaseList', () => {
  it('offers the purchases beyond those read as older ones, and asks for them', () => {
    speak('en');
    const newest = Array.from({ length: PURCHASES_PAGE }, (_, i) =>
      receipt({ id: `h${i}`, orderId: `H-${i}`, detectedAt: new Date(Date.parse('2025-05-18T09:00:00Z') - i * 3_600_000).toISOString() }),
    );
    let asked = 0;
    const rows = toPurchaseRows(newest, partners, NOW);
    // Right after opening, older purchases are known to exist but not yet counted: the button names no number.
    const { rerender } = render(<PurchaseList rows={rows} total={null} more signedIn onClaim={noClaim} onShowOlder={() => asked++} />);
    expect(items()).toHaveLength(PURCHASES_PAGE);
    expect(within(items()[0]!).getByText(/^Order /).textContent).toBe('Order H-0');
    fireEvent.click(screen.getByRole('button', { name: 'Show older purchases' }));
    expect(asked).toBe(1);
    // Counted: the button says how many.
    rerender(<PurchaseList rows={rows} total={2 * PURCHASES_PAGE + 5} more signedIn onClaim={noClaim} onShowOlder={() => asked++} />);
    fireEvent.click(screen.getByRole('button', { name: `Show ${PURCHASES_PAGE + 5} older purchases` }));
    expect(asked).toBe(2);
    // Every purchase read: nothing older to offer.
    rerender(<PurchaseList rows={rows} total={PURCHASES_PAGE} more={false} signedIn onClaim={noClaim} onShowOlder={() => asked++} />);
    expect(screen.queryByRole('button', { name: /older purchase/ })).toBeNull();
  });

  it('lists purchases newest first with shop, date, amount, points and state (English)', () => {
    speak('en');
    render(<List receipts={receipts} signedIn onClaim={noClaim} />);
    const rows = items();
    expect(rows.map((r) => within(r).getByText(/^Order /).textContent)).toEqual([
      'Order 10050', 'Order 10023', 'Order 9001', 'Order 8002', 'Order 7003',
    ]);
    expect(rows[0]?.textContent).toContain('Waiting to sync');
    expect(rows[0]?.textContent).toContain('≈ 57 points');
    expect(rows[1]?.textContent).toContain('Schuhhaus Beispiel');
    expect(rows[1]?.textContent).toContain('18 May 2025');
    expect(rows[1]?.textContent).toContain('€114.00');
    expect(rows[1]?.textContent).toContain('228 points');
    expect(rows[1]?.textContent).toContain('Pending');
    expect(rows[1]?.textContent).toContain("Waiting for the shop's confirmation, expected by 17 Jun 2025");
    expect(rows[2]?.textContent).toContain('Confirmed');
    expect(rows[3]?.textContent).toContain('Rejected');
    expect(rows[4]?.textContent).toContain('Reversed');
    expect(screen.queryByRole('button', { name: 'Claim missing points' })).toBeNull();
  });

  it('names each state in German', () => {
    speak('de');
    render(<List receipts={receipts} signedIn onClaim={noClaim} />);
    const text = plain(screen.getByRole('list').textContent);
    for (const label of ['Wartet auf Sync', 'Vorgemerkt', 'Bestätigt', 'Abgelehnt', 'Storniert', '114,00 €', '228 Punkte', 'ca. 57 Punkte', 'Bestellung 10023']) {
      expect(text).toContain(label);
    }
    expect(text).toContain('Wartet auf die Bestätigung des Shops, voraussichtlich bis 17.06.2025');
  });

  it('estimates the confirmation date of a local purchase from the partner hold period', () => {
    speak('en');
    render(<List receipts={[receipts[4]!]} signedIn onClaim={noClaim} />);
    expect(screen.getByText("Waiting for the shop's confirmation, expected by 19 Jun 2025")).toBeTruthy();
  });

  it('offers a claim for a pending purchase past its expected confirmation and reports the result', async () => {
    speak('en');
    const claimed: string[] = [];
    const overdue = receipt({ id: 'late', orderId: '5555', detectedAt: '2025-03-01T09:00:00Z', server: serverState('pending', 228, '2025-03-31T09:00:00Z') });
    render(<List receipts={[overdue]} signedIn onClaim={(id) => { claimed.push(id); return noClaim(); }} />);
    expect(screen.getByText("Still waiting for the shop's confirmation (expected by 31 Mar 2025)")).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Claim missing points' }));
    expect(await screen.findByText('Claim sent with your receipt. We will review it.')).toBeTruthy();
    expect(claimed).toEqual(['late']);
  });

  it('offers a claim for a local purchase older than two days, and shows a failure', async () => {
    speak('de');
    const stuck = receipt({ id: 'stuck', orderId: '4444', detectedAt: '2025-05-17T09:00:00Z' });
    render(<List receipts={[stuck]} signedIn onClaim={() => Promise.resolve({ ok: false, error: 'offline' })} />);
    fireEvent.click(screen.getByRole('button', { name: 'Fehlende Punkte melden' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Sie sind offline. Bitte versuchen Sie es mit Verbindung erneut.');
  });

  it('asks a signed-out member to sign in before claiming', () => {
    speak('en');
    const stuck = receipt({ id: 'stuck', orderId: '4444', detectedAt: '2025-05-10T09:00:00Z' });
    render(<List receipts={[stuck]} signedIn={false} onClaim={noClaim} />);
    expect(screen.getByText('Sign in to claim missing points.')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('shows a conflicting receipt as needing review', () => {
    speak('en');
    const conflict = receipt({ id: 'x', orderId: '3333', server: serverState('pending', 1), conflict: { at: '2025-05-19T00:00:00Z' } });
    render(<List receipts={[conflict]} signedIn onClaim={noClaim} />);
    expect(screen.getByText('Needs review')).toBeTruthy();
  });

  it('renders order ids and shop names as text, never as markup', () => {
    speak('en');
    const hostile = receipt({ id: 'h', orderId: '<img src=x onerror=alert(1)>', partnerId: '<b>evil</b>' });
    const { container } = render(<List receipts={[hostile]} signedIn onClaim={noClaim} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(screen.getByText('Order <img src=x onerror=alert(1)>')).toBeTruthy();
    expect(screen.getByText('<b>evil</b>')).toBeTruthy();
  });

  it('says a held purchase is under review, and why the shop refused a rejected one, in English and German', () => {
    const held = receipt({ id: 'held', orderId: '1', server: { ...serverState('pending', 50, '2025-03-31T09:00:00Z'), reason: 'contested' } });
    const never = receipt({ id: 'never', orderId: '2', server: { ...serverState('rejected', 0), reason: 'not_confirmed_by_shop' } });
    const other = receipt({ id: 'other', orderId: '3', server: { ...serverState('rejected', 0), reason: 'not_the_buyer' } });
    speak('en');
    render(<List receipts={[held, never, other]} signedIn onClaim={noClaim} />);
    expect(screen.getByText('Under review: our team checks this purchase before its points count.')).toBeTruthy();
    // A purchase under review is not "overdue": no claim is offered for it.
    expect(screen.queryByRole('button', { name: 'Claim missing points' })).toBeNull();
    expect(screen.getByText('The shop never confirmed this order, so it earns no points.')).toBeTruthy();
    expect(screen.getByText("The shop's records name another customer as the buyer of this order.")).toBeTruthy();
    cleanup();
    speak('de');
    render(<List receipts={[held, never]} signedIn onClaim={noClaim} />);
    expect(screen.getByText(/^In Prüfung/)).toBeTruthy();
    expect(screen.getByText('Der Shop hat diese Bestellung nie bestätigt, daher gibt es keine Punkte.')).toBeTruthy();
  });

  it('has a friendly empty state', () => {
    speak('en');
    render(<List receipts={[]} signedIn onClaim={noClaim} />);
    expect(screen.getByText(/No purchases yet/)).toBeTruthy();
  });
});
