import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { MissionStanding } from '../../../lib/contract/index.ts';
import { getSyncState, updateSettings, updateSyncState, type SammelpunktDb } from '../../../lib/db/index.ts';
import { announceMissions, type MissionNotifyApi } from '../../../lib/sync/mission-notice.ts';
import { resolveMessage, type LocaleMessages } from '../../../lib/ui/i18n.ts';
import { freshDb } from '../support.ts';

function locale(lang: 'de' | 'en'): LocaleMessages {
  return JSON.parse(readFileSync(resolve(process.cwd(), 'public/_locales', lang, 'messages.json'), 'utf8')) as LocaleMessages;
}

function fakeApi(lang: 'de' | 'en') {
  const shown: { id: string; message: string }[] = [];
  const messages = locale(lang);
  const api: MissionNotifyApi = {
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

const december = { startsAt: '2026-12-01T00:00:00.000Z', endsAt: '2027-01-01T00:00:00.000Z', active: true };
function standing(id: string, over: Partial<MissionStanding> = {}): MissionStanding {
  return {
    mission: { id, title: { de: 'Drei Shops im Dezember', en: 'Three shops in December' }, rule: { kind: 'distinct-partners', count: 3 }, bonusPoints: 300, ...december },
    progress: 3,
    confirmedProgress: 3,
    target: 3,
    completed: true,
    completedAt: '2026-12-10T08:00:00.000Z',
    ...over,
  };
}

let db: SammelpunktDb;
beforeEach(async () => {
  fakeBrowser.reset();
  db = await freshDb();
});

describe('announceMissions', () => {
  it('notifies a mission completed once, in German, and not again on the next syncs', async () => {
    await updateSyncState(db, (s) => ({ ...s, missions: [standing('three-shops'), standing('not-yet', { completed: false, completedAt: undefined, confirmedProgress: 2 })] }));
    const { api, shown } = fakeApi('de');
    expect(await announceMissions(db, api, new Date('2026-12-10T09:00:00Z'))).toBe(1);
    expect(shown).toEqual([{ id: 'mission:three-shops', message: 'Mission geschafft: Drei Shops im Dezember. +300 Punkte sind Ihrem Konto gutgeschrieben.' }]);
    expect(await announceMissions(db, api, new Date('2026-12-10T10:00:00Z'))).toBe(0);
    expect(shown).toHaveLength(1);
    expect((await getSyncState(db)).missionsNotified).toEqual(['three-shops']);
  });

  it('speaks English, says nothing of completions older than a week (a new device), and stays quiet when notifications are off', async () => {
    await updateSyncState(db, (s) => ({ ...s, missions: [standing('old', { completedAt: '2026-11-20T08:00:00.000Z' }), standing('one-point', { mission: { ...standing('one-point').mission, bonusPoints: 1 } })] }));
    const { api, shown } = fakeApi('en');
    await updateSettings(db, { notifications: false });
    expect(await announceMissions(db, api, new Date('2026-12-10T09:00:00Z'))).toBe(0);
    await updateSettings(db, { notifications: true });
    expect(await announceMissions(db, api, new Date('2026-12-10T09:00:00Z'))).toBe(1);
    expect(shown).toEqual([{ id: 'mission:one-point', message: 'Mission complete: Three shops in December. +1 point is in your balance.' }]);
  });
});
