/**
 * Detection-health counters on their way to the API: what one request
 * carries (and what it never carries), when counters are forgotten, that a
 * failure keeps them for the next sync, and that nothing leaves unless the
 * member turned detection reports on.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CURRENT,
  countDetectionReport,
  DEFAULT_SETTINGS,
  listDetectionReports,
  MAX_WAITING_DETECTION_REPORTS,
  recordConsent,
  updateSettings,
  type SammelpunktDb,
} from '../../../lib/db/index.ts';
import { noteDetection } from '../../../lib/inpage/health.ts';
import { sendDetectionReports } from '../../../lib/sync/reports.ts';
import { errorBody, freshDb, json, scriptedFetch } from '../support.ts';

const NOW = new Date('2026-12-04T10:00:00Z');
const call = (fetch: ReturnType<typeof scriptedFetch>['fetch']) => ({ fetch, baseUrl: 'https://api.example', now: () => NOW });

let db: SammelpunktDb;
beforeEach(async () => {
  db = await freshDb();
  await recordConsent(db, true);
  await updateSettings(db, { detectionReports: true });
});

describe('detection-health reports, turned on by the member', () => {
  it('sends the counters, and only partner, day, detector version, reason and count, then forgets them', async () => {
    for (let i = 0; i < 3; i++) await noteDetection(db, { partnerId: 'schuhhaus', reason: 'ambiguous_total', detectorVersion: '2.0.0' }, NOW);
    await noteDetection(db, { partnerId: 'buchladen', reason: 'member_declined', detectorVersion: '2.0.0' }, NOW);
    const api = scriptedFetch(() => json({}, 202));

    expect(await sendDetectionReports(db, call(api.fetch), 'token-1')).toEqual({ kind: 'sent', reports: 2 });

    const [request, ...more] = api.requests;
    expect(more).toEqual([]);
    expect(request).toMatchObject({ method: 'POST', url: 'https://api.example/v1/detection-reports' });
    expect(request!.headers.authorization).toBe('Bearer token-1');
    expect(request!.body).toEqual({
      reports: expect.arrayContaining([
        { partnerId: 'schuhhaus', day: '2026-12-04', detectorVersion: '2.0.0', reason: 'ambiguous_total', count: 3 },
        { partnerId: 'buchladen', day: '2026-12-04', detectorVersion: '2.0.0', reason: 'member_declined', count: 1 },
      ]),
    });
    expect(await listDetectionReports(db)).toEqual([]);
  });

  it('keeps the counters for the next sync when the API is unreachable or busy', async () => {
    await noteDetection(db, { partnerId: 'schuhhaus', reason: 'no_total', detectorVersion: '2.0.0' }, NOW);
    const down = scriptedFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    expect(await sendDetectionReports(db, call(down.fetch), 'token-1')).toEqual({ kind: 'kept', code: 'network' });
    const busy = scriptedFetch(() => json(errorBody('rate_limited'), 429, { 'retry-after': '60' }));
    expect(await sendDetectionReports(db, call(busy.fetch), 'token-1')).toEqual({ kind: 'kept', code: 'rate_limited' });
    expect(await listDetectionReports(db)).toHaveLength(1);
  });

  it('drops counters the API refuses for good (a partner gone from the catalogue) rather than resending them forever', async () => {
    await noteDetection(db, { partnerId: 'gone-shop', reason: 'no_total', detectorVersion: '2.0.0' }, NOW);
    const api = scriptedFetch(() => json(errorBody('validation_failed'), 422));
    expect(await sendDetectionReports(db, call(api.fetch), 'token-1')).toEqual({ kind: 'sent', reports: 0 });
    expect(await listDetectionReports(db)).toEqual([]);
  });

  it('sends nothing at all when nothing was counted, and forgets counters too old for the API', async () => {
    await countDetectionReport(db, { partnerId: 'schuhhaus', day: '2026-10-01', detectorVersion: '2.0.0', reason: 'no_total' });
    const api = scriptedFetch(() => json({}, 202));
    expect(await sendDetectionReports(db, call(api.fetch), 'token-1')).toEqual({ kind: 'nothing' });
    expect(api.requests).toEqual([]);
    expect(await listDetectionReports(db)).toEqual([]);
  });

  it('splits many counters into requests of at most 50, and stops counting new kinds past its cap', async () => {
    for (let i = 0; i < MAX_WAITING_DETECTION_REPORTS + 20; i++) {
      await noteDetection(db, { partnerId: `shop-${i}`, reason: 'no_total', detectorVersion: '2.0.0' }, NOW);
    }
    expect(await listDetectionReports(db)).toHaveLength(MAX_WAITING_DETECTION_REPORTS);
    const api = scriptedFetch(() => json({}, 202));
    expect(await sendDetectionReports(db, call(api.fetch), 'token-1')).toEqual({ kind: 'sent', reports: MAX_WAITING_DETECTION_REPORTS });
    expect(api.requests.map((r) => (r.body as { reports: unknown[] }).reports.length)).toEqual([50, 50, 50, 50]);
  });
});

describe('detection-health reports, off', () => {
  it('sends nothing once the member turns them off, and the counters are gone at once', async () => {
    await noteDetection(db, { partnerId: 'schuhhaus', reason: 'ambiguous_total', detectorVersion: '2.0.0' }, NOW);
    await updateSettings(db, { detectionReports: false });
    expect(await listDetectionReports(db)).toEqual([]);
    const api = scriptedFetch(() => json({}, 202));
    expect(await sendDetectionReports(db, call(api.fetch), 'token-1')).toEqual({ kind: 'off' });
    expect(api.requests).toEqual([]);
  });

  it('an install from before the switch, with counters waiting and no such setting: sends nothing and deletes them', async () => {
    // The settings record as an earlier version wrote it, and counters that version kept.
    await db.put('settings', { apiBaseUrl: DEFAULT_SETTINGS.apiBaseUrl, notifications: true, mutedShops: [], consent: { given: true, at: NOW.toISOString() } }, CURRENT);
    await countDetectionReport(db, { partnerId: 'schuhhaus', day: '2026-12-03', detectorVersion: '2.0.0', reason: 'no_total' });
    await countDetectionReport(db, { partnerId: 'buchladen', day: '2026-12-04', detectorVersion: '2.0.0', reason: 'member_declined' });
    const api = scriptedFetch(() => json({}, 202));

    expect(await sendDetectionReports(db, call(api.fetch), 'token-1')).toEqual({ kind: 'off' });

    expect(api.requests).toEqual([]);
    expect(await listDetectionReports(db)).toEqual([]);
  });
});
