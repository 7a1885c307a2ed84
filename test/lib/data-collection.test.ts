/**
 * Firefox's data-collection permission for technical data and the
 * detection-reports setting: the setting follows the permission where the
 * browser has one, and is left to the options switch where it has none
 * (Chrome).
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  concernsTechnicalData,
  followTechnicalDataPermission,
  removeTechnicalData,
  requestTechnicalData,
  technicalDataGranted,
  type DataCollectionApi,
  type DataCollectionPermissions,
} from '../../lib/data-collection.ts';
import { countDetectionReport, getSettings, listDetectionReports, recordConsent, updateSettings, type SammelpunktDb } from '../../lib/db/index.ts';
import { freshDb } from './support.ts';

/** `browser.permissions` as a browser answers: Firefox lists `data_collection`, Chrome does not. */
function fakePermissions(browser: 'firefox' | 'chrome', granted: string[] = []) {
  const calls: Array<[string, unknown]> = [];
  const api: DataCollectionApi = {
    getAll: () => Promise.resolve<DataCollectionPermissions>(browser === 'firefox' ? { data_collection: [...granted] } : {}),
    request: (permissions) => {
      calls.push(['request', permissions]);
      return Promise.resolve(browser === 'firefox');
    },
    remove: (permissions) => {
      calls.push(['remove', permissions]);
      return Promise.resolve(browser === 'firefox');
    },
    onAdded: { addListener: () => {} },
    onRemoved: { addListener: () => {} },
  };
  return { api, calls };
}

let db: SammelpunktDb;
beforeEach(async () => {
  db = await freshDb();
  await recordConsent(db, true);
});

describe('the technical-data permission', () => {
  it('is found only where the browser lists data-collection permissions', async () => {
    expect(await technicalDataGranted(fakePermissions('chrome').api)).toBeUndefined();
    expect(await technicalDataGranted(fakePermissions('firefox').api)).toBe(false);
    expect(await technicalDataGranted(fakePermissions('firefox', ['technicalAndInteraction']).api)).toBe(true);
  });

  it('is asked for and given back by its name, nothing more', async () => {
    const { api, calls } = fakePermissions('firefox');
    await requestTechnicalData(api);
    await removeTechnicalData(api);
    expect(calls).toEqual([
      ['request', { data_collection: ['technicalAndInteraction'] }],
      ['remove', { data_collection: ['technicalAndInteraction'] }],
    ]);
  });

  it('tells a change of technical data from other permission changes', () => {
    expect(concernsTechnicalData({ data_collection: ['technicalAndInteraction'] })).toBe(true);
    expect(concernsTechnicalData({ data_collection: ['healthInfo'] })).toBe(false);
    expect(concernsTechnicalData({})).toBe(false);
  });
});

describe('the detection-reports setting follows the permission', () => {
  it('Firefox, taken back in about:addons while the setting was on: off, and the counters are deleted', async () => {
    await updateSettings(db, { detectionReports: true });
    await countDetectionReport(db, { partnerId: 'schuhhaus', day: '2026-12-04', detectorVersion: '2.0.0', reason: 'no_total' });
    await followTechnicalDataPermission(db, fakePermissions('firefox', []).api);
    expect((await getSettings(db)).detectionReports).toBe(false);
    expect(await listDetectionReports(db)).toEqual([]);
  });

  it('Firefox, granted in the install prompt: on', async () => {
    await followTechnicalDataPermission(db, fakePermissions('firefox', ['technicalAndInteraction']).api);
    expect((await getSettings(db)).detectionReports).toBe(true);
  });

  it('Firefox, never granted: stays off', async () => {
    await followTechnicalDataPermission(db, fakePermissions('firefox', []).api);
    expect((await getSettings(db)).detectionReports).toBe(false);
  });

  it('Chrome, no such permission: the switch alone decides, on or off', async () => {
    await followTechnicalDataPermission(db, fakePermissions('chrome').api);
    expect((await getSettings(db)).detectionReports).toBe(false);
    await updateSettings(db, { detectionReports: true });
    await followTechnicalDataPermission(db, fakePermissions('chrome').api);
    expect((await getSettings(db)).detectionReports).toBe(true);
  });
});
