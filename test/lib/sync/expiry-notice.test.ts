import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PointsExpiry } from '../../../lib/contract/index.ts';
import { getSyncState, updateSettings, updateSyncState, type SammelpunktDb } from '../../../lib/db/index.ts';
import { nextExpiry } from '../../../lib/points/expiry.ts';
import { announceExpiry, type ExpiryNotifyApi } from '../../../lib/sync/expiry-notice.ts';
import { resolveMessage, type LocaleMessages } from '../../../lib/ui/i18n.ts';
import { freshDb } from '../support.ts';

function locale(lang: 'de' | 'en'): LocaleMessages {
  return JSON.parse(readFileSync(resolve(process.cwd(), 'public/_locales', lang, 'messages.json'), 'utf8')) as LocaleMessages;
}

const expiry: PointsExpiry = {
  months: 36,
  upcoming: [
    { points: 320, expiresOn: '2026-03-31' },
    { points: 45, expiresOn: '2026-05-31' },
  ],
};

function fakeApi(lang: 'de' | 'en') {
  const shown: { id: string; message: string }[] = [];
  const messages = locale(lang);
  const api: ExpiryNotifyApi = {
    createNotification: async (id, options) => {
      shown.push({ id, message: options.message });
      return id;
    },
    iconUrl: 'icon.png',
    getMessage: (key, substitutions) => resolveMessage(messages, key, substitutions),
    uiLanguage: () => (lang === 'de' ? 'de-DE' : 'en-GB'),
  };
  return { api, shown };
}

let db: SammelpunktDb;
beforeEach(async () => {
  fakeBrowser.reset();
  db = await freshDb();
  await updateSyncState(db, (s) => ({ ...s, expiry }));
});

describe('nextExpiry', () => {
  it('is the soonest date within the window whose last day has not passed', () => {
    expect(nextExpiry(expiry, new Date('2025-12-01T00:00:00Z'), 90)).toBeUndefined();
    expect(nextExpiry(expiry, new Date('2026-01-01T00:00:00Z'), 90)).toEqual({ points: 320, expiresOn: '2026-03-31' });
    // All of the last day still counts; the next day the following date is the soonest.
    expect(nextExpiry(expiry, new Date('2026-03-31T23:59:00Z'), 60)).toEqual({ points: 320, expiresOn: '2026-03-31' });
    expect(nextExpiry(expiry, new Date('2026-04-01T00:00:00Z'), 60)).toEqual({ points: 45, expiresOn: '2026-05-31' });
    expect(nextExpiry(undefined, new Date('2026-03-01T00:00:00Z'), 60)).toBeUndefined();
  });
});

describe('announceExpiry', () => {
  it('notifies once per date, 60 days ahead, in German', async () => {
    const { api, shown } = fakeApi('de');
    expect(await announceExpiry(db, api, new Date('2026-01-15T09:00:00Z'))).toBe(false);
    expect(await announceExpiry(db, api, new Date('2026-02-01T09:00:00Z'))).toBe(true);
    expect(shown).toEqual([{ id: 'expiry:2026-03-31', message: '320 Punkte verfallen am 31. März. Lösen Sie sie vorher für eine Prämie ein.' }]);
    // The next syncs (and a restarted worker) do not notify again about that date.
    expect(await announceExpiry(db, api, new Date('2026-02-02T09:00:00Z'))).toBe(false);
    expect(await announceExpiry(db, api, new Date('2026-03-30T09:00:00Z'))).toBe(false);
    expect(shown).toHaveLength(1);
    expect((await getSyncState(db)).expiryNotifiedFor).toBe('2026-03-31');
    // The next date gets its own notification when its time comes.
    expect(await announceExpiry(db, api, new Date('2026-04-02T09:00:00Z'))).toBe(true);
    expect(shown[1]?.message).toBe('45 Punkte verfallen am 31. Mai. Lösen Sie sie vorher für eine Prämie ein.');
  });

  it('speaks English and stays quiet when the member turned notifications off', async () => {
    const { api, shown } = fakeApi('en');
    await updateSettings(db, { notifications: false });
    expect(await announceExpiry(db, api, new Date('2026-02-01T09:00:00Z'))).toBe(false);
    await updateSettings(db, { notifications: true });
    expect(await announceExpiry(db, api, new Date('2026-02-01T09:00:00Z'))).toBe(true);
    expect(shown).toEqual([{ id: 'expiry:2026-03-31', message: '320 points expire on 31 March. Spend them on a reward before then.' }]);
  });
});
