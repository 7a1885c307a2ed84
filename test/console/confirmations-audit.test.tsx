// @vitest-environment happy-dom
/** Confirmation files (preview, then apply, the result per row) and the audit log (filters, pages, CSV); in English and German. */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminPartner, AuditEntry, ConfirmationFileReport } from '../../lib/contract/console.ts';
import type { AuditFilters } from '../../console/api.ts';
import { App } from '../../console/App.tsx';
import { fakeApi } from './fake-api.ts';

afterEach(cleanup);

const shop: AdminPartner = {
  partner: { id: 'schuhhaus', name: 'Schuhhaus', domains: ['schuhhaus-example.de'], category: 'fashion', earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: false },
  fraud: null,
  reliability: null,
};
const CSV = 'order_id,status,amount_minor\nA-1001,confirmed,3000\nNOPE-1,confirmed,\n';

function report(dryRun: boolean): ConfirmationFileReport {
  return {
    partnerId: 'schuhhaus',
    dryRun,
    alreadyImportedAt: null,
    rows: [
      { line: 2, orderId: 'A-1001', status: 'confirmed', amountMinor: 3000, outcome: 'applied', purchase: { id: 'p1', partnerId: 'schuhhaus', orderId: 'A-1001', amountMinor: 3000, currency: 'EUR', detectedAt: '2026-12-01T10:00:00.000Z', method: 'jsonld', status: 'confirmed', points: 30, createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:00:00.000Z' } },
      { line: 3, orderId: 'NOPE-1', status: 'confirmed', outcome: 'unknown' },
    ],
    counts: { applied: 1, unchanged: 0, unknown: 1, invalid: 0 },
  };
}

const entry = (n: number): AuditEntry => ({
  id: String(n),
  at: '2026-12-05T10:00:00.000Z',
  actorKind: 'operator',
  actor: 'rita@ops.example',
  operatorId: '0190f5d0-0000-7000-8000-000000000001',
  action: 'offer.changed',
  targetType: 'offer',
  targetId: `offer-${n}`,
  before: { multiplier: 2 },
  after: { multiplier: 3 },
  requestId: null,
});

describe('confirmation files', () => {
  it('previews the pasted file, applies only what was previewed, and shows each row', async () => {
    const sent: string[] = [];
    const api = fakeApi('partner-manager', {
      partners: async () => ({ partners: [shop], nextAfter: null }),
      confirmations: async (partnerId, csv, dryRun) => {
        sent.push(`${partnerId} ${dryRun ? 'preview' : 'apply'} ${csv.length}`);
        return report(dryRun);
      },
    });
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Confirmation files' }));
    const apply = screen.getByRole('button', { name: 'Apply this file' }) as HTMLButtonElement;
    await screen.findByRole('option', { name: 'Schuhhaus (schuhhaus)' });
    fireEvent.change(screen.getByLabelText('Partner'), { target: { value: 'schuhhaus' } });
    fireEvent.input(screen.getByLabelText('CSV content'), { target: { value: CSV } });
    expect(apply.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findByRole('status')).textContent).toBe('Preview, nothing applied yet: 1 applied, 0 unchanged, 1 unknown, 0 invalid.');
    const rows = screen.getByRole('table', { name: 'What each row would do' });
    expect(within(rows).getByText('confirmed, 30 points')).toBeTruthy();
    expect(within(rows).getByText('unknown')).toBeTruthy();
    expect(apply.disabled).toBe(false);
    fireEvent.click(apply);
    await screen.findByRole('table', { name: 'What each row did' });
    expect(screen.getByRole('status').textContent).toContain('Applied:');
    expect(sent).toEqual([`schuhhaus preview ${CSV.length}`, `schuhhaus apply ${CSV.length}`]);
    // A change to the text needs a new preview before it can be applied.
    fireEvent.input(screen.getByLabelText('CSV content'), { target: { value: `${CSV}A-1002,cancelled,\n` } });
    expect(apply.disabled).toBe(true);
  });

  it('tells a reviewer that files are not theirs, in German', async () => {
    render(<App api={fakeApi('reviewer')} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Bestätigungsdateien' }));
    expect(screen.getByText('Bestätigungsdateien spielen Partnermanager und Admins ein.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Vorschau' })).toBeNull();
  });
});

describe('the audit log', () => {
  it('shows entries with before and after, filters, pages on, and links the same filters as CSV', async () => {
    const asked: string[] = [];
    const api = fakeApi('viewer', {
      audit: async (filters: AuditFilters, cursor) => {
        asked.push(`${JSON.stringify(filters)} ${cursor ?? '-'}`);
        return cursor ? { entries: [entry(1)], nextCursor: null } : { entries: [entry(3), entry(2)], nextCursor: '2' };
      },
    });
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Audit log' }));
    expect(await screen.findByText('offer-3')).toBeTruthy();
    expect(screen.getAllByText('{"multiplier":3}')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    expect(await screen.findByText('offer-1')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'claim.approved' } });
    fireEvent.input(screen.getByLabelText('From'), { target: { value: '2026-12-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    await screen.findByText('offer-3');
    expect(asked.at(-1)).toBe('{"action":"claim.approved","from":"2026-12-01T00:00:00.000Z"} -');
    expect(screen.getByRole('link', { name: 'Download as CSV' }).getAttribute('href')).toBe('/v1/admin/audit.csv?action=claim.approved&from=2026-12-01T00%3A00%3A00.000Z');
  });

  it('speaks German', async () => {
    render(<App api={fakeApi('viewer')} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Protokoll' }));
    expect(await screen.findByText('Keine Einträge.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Als CSV herunterladen' })).toBeTruthy();
  });
});
