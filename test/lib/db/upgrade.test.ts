import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DB_NAME,
  DB_VERSION,
  clearLocalData,
  getSettings,
  getSyncState,
  hasConsent,
  openSammelpunktDb,
  recordConsent,
  updateSettings,
  type SammelpunktSchema,
} from '../../../lib/db/index.ts';
import { UPGRADES, runUpgrades } from '../../../lib/db/upgrades.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

/** Opens the database at `version`, running only the steps up to it, as an older release would have. */
async function openAt(version: number) {
  return openDB<SammelpunktSchema>(DB_NAME, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      runUpgrades(db, tx, oldVersion, newVersion ?? version, UPGRADES.slice(0, version));
    },
  });
}

describe('IndexedDB upgrade steps', () => {
  it('has one step per version', () => {
    expect(UPGRADES).toHaveLength(DB_VERSION);
  });

  it('step 1 creates every store and the indexes the receipts need', async () => {
    const db = await openAt(1);
    expect([...db.objectStoreNames].sort()).toEqual(['account', 'catalog', 'offers', 'outbox', 'purchases', 'settings', 'syncState']);
    const tx = db.transaction(['purchases', 'outbox']);
    const byOrder = tx.objectStore('purchases').index('by-order');
    expect(byOrder.unique).toBe(true);
    expect(byOrder.keyPath).toEqual(['partnerId', 'orderId']);
    expect(tx.objectStore('purchases').index('by-detectedAt').keyPath).toBe('detectedAt');
    expect(tx.objectStore('outbox').index('by-nextAttemptAt').keyPath).toBe('nextAttemptAt');
    db.close();
  });

  it('step 2 adds the detection-health counters and nothing else', async () => {
    const db = await openAt(2);
    expect([...db.objectStoreNames].sort()).toEqual(['account', 'catalog', 'detectionReports', 'offers', 'outbox', 'purchases', 'settings', 'syncState']);
    db.close();
  });

  it('step 3 adds the tabs that left a final checkout step, keyed by tab', async () => {
    const db = await openAt(3);
    expect([...db.objectStoreNames].sort()).toEqual(['account', 'catalog', 'detectionReports', 'finalSteps', 'offers', 'outbox', 'purchases', 'settings', 'syncState']);
    expect(db.transaction('finalSteps').store.keyPath).toBe('tabId');
    db.close();
  });

  it('opening at the current version from each older version keeps what was stored', async () => {
    for (let from = 1; from <= DB_VERSION; from++) {
      globalThis.indexedDB = new IDBFactory();
      const old = await openAt(from);
      await old.put('settings', { apiBaseUrl: 'https://api.example', notifications: false, mutedShops: ['x'] }, 'current');
      old.close();
      const db = await openSammelpunktDb();
      expect(db.version).toBe(DB_VERSION);
      expect((await getSettings(db)).apiBaseUrl).toBe('https://api.example');
      // Settings written before the detection-reports switch existed read it as off.
      expect((await getSettings(db)).detectionReports).toBe(false);
      db.close();
    }
  });

  it('refuses to run with a missing step', () => {
    expect(() => runUpgrades({} as never, {} as never, DB_VERSION, DB_VERSION + 1)).toThrow(/No IndexedDB upgrade step/);
  });
});

describe('settings and consent', () => {
  it('starts with defaults and no consent', async () => {
    const db = await openSammelpunktDb();
    expect(await getSettings(db)).toEqual({ apiBaseUrl: 'http://localhost:8787', notifications: true, mutedShops: [], detectionReports: false });
    expect(await hasConsent(db)).toBe(false);
    expect(await getSyncState(db)).toEqual({ attempt: 0 });
  });

  it('records consent with its time, keeps other settings, and can be revoked', async () => {
    const db = await openSammelpunktDb();
    await updateSettings(db, { notifications: false });
    await recordConsent(db, true, new Date('2025-03-01T10:00:00Z'));
    expect(await hasConsent(db)).toBe(true);
    expect((await getSettings(db)).consent).toEqual({ given: true, at: '2025-03-01T10:00:00.000Z' });
    expect((await getSettings(db)).notifications).toBe(false);
    await recordConsent(db, false);
    expect(await hasConsent(db)).toBe(false);
  });

  it('clearLocalData forgets everything, consent included', async () => {
    const db = await openSammelpunktDb();
    await recordConsent(db, true);
    await clearLocalData(db);
    expect(await hasConsent(db)).toBe(false);
    expect(await db.count('purchases')).toBe(0);
  });
});
