/**
 * After a sync: one notification per expiry date, from `EXPIRY_NOTIFY_DAYS`
 * before it, unless the member turned notifications off. The date notified
 * is stored with the sync state, so a restarted worker or the next sync
 * does not notify again.
 */
import { getSettings, getSyncState, updateSyncState, type SammelpunktDb } from '../db/index.ts';
import { EXPIRY_NOTIFY_DAYS, nextExpiry } from '../points/expiry.ts';
import type { AnnounceApi } from '../record.ts';

export type ExpiryNotifyApi = Pick<AnnounceApi, 'createNotification' | 'iconUrl' | 'getMessage' | 'uiLanguage'>;

/** "320 Punkte verfallen am 31. März. …" / "320 points expire on 31 March. …", from the locale files. */
export function expiryMessage(api: Pick<AnnounceApi, 'getMessage' | 'uiLanguage'>, points: number, expiresOn: string): string {
  const locale = api.uiLanguage();
  const form = new Intl.PluralRules(locale).select(points) === 'one' ? 'one' : 'other';
  const count = new Intl.NumberFormat(locale).format(points);
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${expiresOn}T12:00:00Z`));
  const text = api.getMessage(`notifyExpiry_${form}`, [count, day]);
  return text === '' ? `−${count} · ${expiresOn}` : text;
}

/** Notifies about the soonest expiry within the window, once per date; true when it did. */
export async function announceExpiry(db: SammelpunktDb, api: ExpiryNotifyApi, now: Date): Promise<boolean> {
  const [sync, settings] = await Promise.all([getSyncState(db), getSettings(db)]);
  const next = nextExpiry(sync.expiry, now, EXPIRY_NOTIFY_DAYS);
  if (!next || sync.expiryNotifiedFor === next.expiresOn || !settings.notifications) return false;
  // Marked first: a notification lost to a killed worker is better than one shown twice.
  await updateSyncState(db, (state) => ({ ...state, expiryNotifiedFor: next.expiresOn }));
  try {
    await api.createNotification(`expiry:${next.expiresOn}`, {
      type: 'basic',
      iconUrl: api.iconUrl,
      title: api.getMessage('appName', []) || 'Sammelpunkt',
      message: expiryMessage(api, next.points, next.expiresOn),
    });
  } catch (error) {
    console.warn('Sammelpunkt: could not announce the points expiry', error);
  }
  return true;
}
