import type { SyncView } from '../lib/ui/model.ts';
import { formatDateTime, t, tn } from '../lib/ui/i18n.ts';

export interface SyncStatusProps {
  sync: SyncView;
  signedIn: boolean;
  syncing: boolean;
  onSyncNow(): void;
}

export function SyncStatus({ sync, signedIn, syncing, onSyncNow }: SyncStatusProps) {
  const lines: string[] = [];
  if (!signedIn) lines.push(t('syncSignedOut'));
  else if (!sync.online) lines.push(t('syncOffline'));
  else if (sync.lastError !== undefined && !syncing) lines.push(t('syncFailed'));
  if (sync.waiting > 0) lines.push(tn('syncWaiting', sync.waiting));
  const last = sync.lastSyncAt !== undefined ? t('syncLast', [formatDateTime(sync.lastSyncAt)]) : t('syncNever');
  return (
    <section class="sync" aria-label={t('syncLabel')}>
      <div class="sync-text" role="status">
        {lines.map((line) => <p key={line} class="small">{line}</p>)}
        <p class="muted small">{syncing ? t('syncRunning') : last}</p>
      </div>
      {signedIn && (
        <button type="button" class="button secondary" onClick={onSyncNow} disabled={syncing || !sync.online} aria-busy={syncing}>
          {t('syncNow')}
        </button>
      )}
    </section>
  );
}
