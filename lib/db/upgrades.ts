/**
 * Numbered upgrade steps. Step N takes a database at version N-1 to version
 * N; `openSammelpunktDb` runs every step between the stored version and
 * `DB_VERSION`, in order, inside the one upgrade transaction. A released step
 * is never edited: a change of schema is a new step.
 */
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { SammelpunktSchema, StoreName } from './schema.ts';

export type UpgradeStep = (
  db: IDBPDatabase<SammelpunktSchema>,
  tx: IDBPTransaction<SammelpunktSchema, StoreName[], 'versionchange'>,
) => void;

/** Version 1: receipts with their outbox, the catalogue, offers, account, settings and sync state. */
const v1: UpgradeStep = (db) => {
  const purchases = db.createObjectStore('purchases', { keyPath: 'id' });
  purchases.createIndex('by-order', ['partnerId', 'orderId'], { unique: true });
  purchases.createIndex('by-detectedAt', 'detectedAt');
  const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
  outbox.createIndex('by-nextAttemptAt', 'nextAttemptAt');
  db.createObjectStore('catalog');
  db.createObjectStore('offers');
  db.createObjectStore('account');
  db.createObjectStore('settings');
  db.createObjectStore('syncState');
};

/** Version 2: counters of detection health, waiting to be reported. */
const v2: UpgradeStep = (db) => {
  db.createObjectStore('detectionReports', { keyPath: 'key' });
};

/** Version 3: tabs that just left a partner's final checkout step. */
const v3: UpgradeStep = (db) => {
  db.createObjectStore('finalSteps', { keyPath: 'tabId' });
};

/** `UPGRADES[n - 1]` is the step to version n. */
export const UPGRADES: readonly UpgradeStep[] = [v1, v2, v3];

export const DB_VERSION = UPGRADES.length;

/** Runs the steps after `oldVersion` up to `newVersion`. */
export function runUpgrades(
  db: IDBPDatabase<SammelpunktSchema>,
  tx: IDBPTransaction<SammelpunktSchema, StoreName[], 'versionchange'>,
  oldVersion: number,
  newVersion: number,
  steps: readonly UpgradeStep[] = UPGRADES,
): void {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const step = steps[version - 1];
    if (step === undefined) throw new Error(`No IndexedDB upgrade step to version ${version}`);
    step(db, tx);
  }
}
