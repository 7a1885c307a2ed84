// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncStatus } from '../../components/SyncStatus.tsx';
import { speak } from './helpers.tsx';

afterEach(cleanup);

describe('SyncStatus', () => {
  it('shows the last sync and syncs on demand', () => {
    speak('en');
    let asked = 0;
    render(<SyncStatus sync={{ lastSyncAt: '2025-05-20T09:55:00Z', waiting: 0, online: true }} signedIn syncing={false} onSyncNow={() => asked++} />);
    expect(screen.getByRole('status').textContent).toMatch(/^Last synced 20 May 2025/);
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    expect(asked).toBe(1);
  });

  it('says offline and how many purchases wait, and cannot sync now', () => {
    speak('en');
    render(<SyncStatus sync={{ lastSyncAt: '2025-05-19T09:55:00Z', waiting: 3, online: false }} signedIn syncing={false} onSyncNow={() => {}} />);
    const status = screen.getByRole('status').textContent ?? '';
    expect(status).toContain('Offline: purchases are synced when you are back online.');
    expect(status).toContain('3 purchases waiting to sync');
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('says signed out, in German, with one waiting purchase', () => {
    speak('de');
    render(<SyncStatus sync={{ waiting: 1, online: true }} signedIn={false} syncing={false} onSyncNow={() => {}} />);
    const status = screen.getByRole('status').textContent ?? '';
    expect(status).toContain('Abgemeldet: Einkäufe warten auf diesem Gerät, bis Sie sich anmelden.');
    expect(status).toContain('1 Einkauf wartet auf Synchronisierung');
    expect(status).toContain('Noch nicht synchronisiert');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('reports a failed sync and shows progress while syncing', () => {
    speak('en');
    const { rerender } = render(<SyncStatus sync={{ waiting: 0, online: true, lastError: 'network' }} signedIn syncing={false} onSyncNow={() => {}} />);
    expect(screen.getByText(/The last sync did not work/)).toBeTruthy();
    rerender(<SyncStatus sync={{ waiting: 0, online: true, lastError: 'network' }} signedIn syncing onSyncNow={() => {}} />);
    expect(screen.getByText('Syncing…')).toBeTruthy();
  });
});
