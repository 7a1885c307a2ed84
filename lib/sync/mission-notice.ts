/**
 * After a sync: one notification per mission the member has just completed
 * ("Mission complete: Three shops in December. +300 points are in your
 * balance."), unless the member turned notifications off. Only completions
 * of the last `MISSION_NOTIFY_DAYS` are announced, so signing in on a new
 * device does not replay old ones; the missions notified are stored with the
 * sync state, so the next sync or a restarted worker does not notify again.
 */
import type { MissionStanding } from '../contract/index.ts';
import { getSettings, getSyncState, updateSyncState, type SammelpunktDb } from '../db/index.ts';
import type { AnnounceApi } from '../record.ts';

export type MissionNotifyApi = Pick<AnnounceApi, 'createNotification' | 'iconUrl' | 'getMessage' | 'uiLanguage'>;

export const MISSION_NOTIFY_DAYS = 7;
/** The most mission ids remembered as notified; the oldest are forgotten first. */
export const MISSIONS_NOTIFIED_KEPT = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The notification's text in the browser's language, from the locale files. */
export function missionMessage(api: Pick<AnnounceApi, 'getMessage' | 'uiLanguage'>, standing: MissionStanding): string {
  const locale = api.uiLanguage();
  const { mission } = standing;
  const title = locale.toLowerCase().startsWith('de') ? mission.title.de : mission.title.en;
  const form = new Intl.PluralRules(locale).select(mission.bonusPoints) === 'one' ? 'one' : 'other';
  const points = new Intl.NumberFormat(locale).format(mission.bonusPoints);
  const text = api.getMessage(`notifyMissionCompleted_${form}`, [title, points]);
  return text === '' ? `${title} · +${points}` : text;
}

/** Notifies each mission completed within the window and not notified yet; returns how many it notified. */
export async function announceMissions(db: SammelpunktDb, api: MissionNotifyApi, now: Date): Promise<number> {
  const [sync, settings] = await Promise.all([getSyncState(db), getSettings(db)]);
  const notified = new Set(sync.missionsNotified ?? []);
  const fresh = (sync.missions ?? []).filter(
    (m) => m.completed && m.completedAt !== undefined && now.getTime() - Date.parse(m.completedAt) <= MISSION_NOTIFY_DAYS * DAY_MS && !notified.has(m.mission.id),
  );
  if (fresh.length === 0 || !settings.notifications) return 0;
  // Marked first: a notification lost to a killed worker is better than one shown twice.
  await updateSyncState(db, (state) => ({
    ...state,
    missionsNotified: [...(state.missionsNotified ?? []), ...fresh.map((m) => m.mission.id)].slice(-MISSIONS_NOTIFIED_KEPT),
  }));
  for (const standing of fresh) {
    try {
      await api.createNotification(`mission:${standing.mission.id}`, {
        type: 'basic',
        iconUrl: api.iconUrl,
        title: api.getMessage('appName', []) || 'Sammelpunkt',
        message: missionMessage(api, standing),
      });
    } catch (error) {
      console.warn('Sammelpunkt: could not announce a completed mission', error);
    }
  }
  return fresh.length;
}
