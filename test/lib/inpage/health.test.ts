/**
 * Detection health on the device: a page is counted only while the member
 * has consented to detection and turned detection reports on (off by
 * default).
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { getSettings, listDetectionReports, recordConsent, updateSettings, type SammelpunktDb } from '../../../lib/db/index.ts';
import { noteDetection } from '../../../lib/inpage/health.ts';
import { freshDb } from '../support.ts';

const NOW = new Date('2026-12-04T23:30:00Z');
const page = { partnerId: 'schuhhaus', reason: 'no_total', detectorVersion: '2.0.0' };

let db: SammelpunktDb;
beforeEach(async () => {
  db = await freshDb();
  await recordConsent(db, true);
});

describe('noteDetection', () => {
  it('counts nothing on a fresh install: detection reports are off until the member turns them on', async () => {
    expect((await getSettings(db)).detectionReports).toBe(false);
    expect(await noteDetection(db, page, NOW)).toBe(false);
    expect(await listDetectionReports(db)).toEqual([]);
  });

  it('counts a page under its UTC day once the member has turned detection reports on', async () => {
    await updateSettings(db, { detectionReports: true });
    expect(await noteDetection(db, page, NOW)).toBe(true);
    expect(await noteDetection(db, page, NOW)).toBe(true);
    expect(await listDetectionReports(db)).toEqual([{ ...page, key: 'schuhhaus|2026-12-04|2.0.0|no_total', day: '2026-12-04', count: 2 }]);
  });

  it('counts nothing after the member turned them off again', async () => {
    await updateSettings(db, { detectionReports: true });
    await updateSettings(db, { detectionReports: false });
    expect(await noteDetection(db, page, NOW)).toBe(false);
    expect(await listDetectionReports(db)).toEqual([]);
  });

  it('counts nothing without the member’s consent, even with detection reports on', async () => {
    await updateSettings(db, { detectionReports: true });
    await recordConsent(db, false);
    expect(await noteDetection(db, page, NOW)).toBe(false);
    expect(await listDetectionReports(db)).toEqual([]);
  });
});
