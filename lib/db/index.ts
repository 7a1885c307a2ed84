/**
 * The extension's state, in one IndexedDB database opened through `idb`.
 * Background, popup and options pages read and write it only through the
 * functions here, so each store's rules (defaults, single records, the
 * receipt/outbox pairing) live in one place.
 *
 * Usage from a page:
 *
 *     const db = await openSammelpunktDb();
 *     const settings = await getSettings(db);
 *     const history = await listPurchases(db);
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { Offer, Partner } from '../contract/index.ts';
import {
  CURRENT,
  DB_NAME,
  DEFAULT_SETTINGS,
  type Account,
  type CatalogRecord,
  type DetectionReportCount,
  type OffersRecord,
  type OutboxEntry,
  type Receipt,
  type SammelpunktSchema,
  type Settings,
  type SyncState,
} from './schema.ts';
import { DB_VERSION, runUpgrades } from './upgrades.ts';

export * from './schema.ts';
export { DB_VERSION } from './upgrades.ts';

export type SammelpunktDb = IDBPDatabase<SammelpunktSchema>;

/**
 * Opens (and creates or upgrades) the database. `name` exists for tests, which
 * give each case its own database.
 */
export async function openSammelpunktDb(options: { name?: string } = {}): Promise<SammelpunktDb> {
  return openDB<SammelpunktSchema>(options.name ?? DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion, newVersion, tx) {
      runUpgrades(db, tx, oldVersion, newVersion ?? DB_VERSION);
    },
    // A newer version is being opened elsewhere (an updated extension): let it proceed.
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase | null)?.close();
    },
  });
}

// ---------------------------------------------------------------- settings

/** The member's settings, with defaults for anything never set. */
export async function getSettings(db: SammelpunktDb): Promise<Settings> {
  const stored = await db.get('settings', CURRENT);
  return { ...DEFAULT_SETTINGS, ...stored };
}

/**
 * Changes some settings and returns the result. Consent has its own function.
 * Turning detection reports off forgets the counters in the same transaction:
 * what was counted while they were on is never sent once they are off.
 */
export async function updateSettings(
  db: SammelpunktDb,
  patch: Partial<Omit<Settings, 'consent'>>,
): Promise<Settings> {
  const tx = db.transaction(['settings', 'detectionReports'], 'readwrite');
  const settings = tx.objectStore('settings');
  const next: Settings = { ...DEFAULT_SETTINGS, ...(await settings.get(CURRENT)), ...patch };
  await settings.put(next, CURRENT);
  if (patch.detectionReports === false) await tx.objectStore('detectionReports').clear();
  await tx.done;
  return next;
}

/** Records the member's decision on the onboarding page (or a later revocation). */
export async function recordConsent(db: SammelpunktDb, given: boolean, now: Date = new Date()): Promise<Settings> {
  const tx = db.transaction('settings', 'readwrite');
  const next: Settings = { ...DEFAULT_SETTINGS, ...(await tx.store.get(CURRENT)), consent: { given, at: now.toISOString() } };
  await tx.store.put(next, CURRENT);
  await tx.done;
  return next;
}

/** True only when the member has agreed and not revoked it. */
export async function hasConsent(db: SammelpunktDb): Promise<boolean> {
  return (await getSettings(db)).consent?.given === true;
}

// ---------------------------------------------------------------- account

export async function getAccount(db: SammelpunktDb): Promise<Account | undefined> {
  return db.get('account', CURRENT);
}

export async function saveAccount(db: SammelpunktDb, account: Account): Promise<void> {
  await db.put('account', account, CURRENT);
}

/** Forgets the token. Receipts and their outbox stay: they wait for the next sign-in. */
export async function clearAccount(db: SammelpunktDb): Promise<void> {
  await db.delete('account', CURRENT);
}

// ---------------------------------------------------------------- catalogue and offers

export async function getCatalog(db: SammelpunktDb): Promise<CatalogRecord | undefined> {
  return db.get('catalog', CURRENT);
}

export async function saveCatalog(db: SammelpunktDb, record: CatalogRecord): Promise<void> {
  await db.put('catalog', record, CURRENT);
}

/** The catalogue's partner with this id, if any. */
export async function getPartner(db: SammelpunktDb, partnerId: string): Promise<Partner | undefined> {
  return (await getCatalog(db))?.partners.find((p) => p.id === partnerId);
}

export async function getOffers(db: SammelpunktDb): Promise<OffersRecord | undefined> {
  return db.get('offers', CURRENT);
}

export async function saveOffers(db: SammelpunktDb, offers: Offer[], version: string | undefined, now: Date): Promise<void> {
  await db.put('offers', { offers, version, fetchedAt: now.toISOString() }, CURRENT);
}

// ---------------------------------------------------------------- sync state

export async function getSyncState(db: SammelpunktDb): Promise<SyncState> {
  return (await db.get('syncState', CURRENT)) ?? { attempt: 0 };
}

/** Applies `change` to the sync state in one transaction and returns the result. */
export async function updateSyncState(
  db: SammelpunktDb,
  change: (state: SyncState) => SyncState,
): Promise<SyncState> {
  const tx = db.transaction('syncState', 'readwrite');
  const next = change((await tx.store.get(CURRENT)) ?? { attempt: 0 });
  await tx.store.put(next, CURRENT);
  await tx.done;
  return next;
}

// ---------------------------------------------------------------- receipts

/** Every receipt, newest detection first. */
export async function listPurchases(db: SammelpunktDb): Promise<Receipt[]> {
  return (await db.getAllFromIndex('purchases', 'by-detectedAt')).reverse();
}

/**
 * The newest `limit` receipts by detection time, newest first, and how many
 * there are in all, from one transaction. The popup paints from this: a long
 * history is not read whole before the balance is on screen.
 */
/**
 * The `limit` newest receipts, and whether older ones exist. Not their
 * number: counting is a walk over every key in Chromium's IndexedDB (35-85 ms
 * at 10,000 receipts), so the popup asks `countPurchases` after it has painted.
 */
export async function listNewestPurchases(db: SammelpunktDb, limit: number): Promise<{ receipts: Receipt[]; more: boolean }> {
  const index = db.transaction('purchases').store.index('by-detectedAt');
  const receipts: Receipt[] = [];
  let more = false;
  for (let cursor = await index.openCursor(null, 'prev'); cursor; cursor = await cursor.continue()) {
    if (receipts.length >= limit) {
      more = true;
      break;
    }
    receipts.push(cursor.value);
  }
  return { receipts, more };
}

export async function countPurchases(db: SammelpunktDb): Promise<number> {
  return db.count('purchases');
}

/**
 * Receipts detected at or after `since` (ISO 8601 UTC), oldest first, read
 * through the detection-time index: older receipts are never touched.
 */
export async function listPurchasesSince(db: SammelpunktDb, since: string): Promise<Receipt[]> {
  return db.getAllFromIndex('purchases', 'by-detectedAt', IDBKeyRange.lowerBound(since));
}

export async function getPurchase(db: SammelpunktDb, id: string): Promise<Receipt | undefined> {
  return db.get('purchases', id);
}

export async function findPurchaseByOrder(db: SammelpunktDb, partnerId: string, orderId: string): Promise<Receipt | undefined> {
  return db.getFromIndex('purchases', 'by-order', [partnerId, orderId]);
}

/** Receipts the server holds a different body for: shown to the member, never resent. */
export async function listConflicts(db: SammelpunktDb): Promise<Receipt[]> {
  return (await db.getAll('purchases')).filter((r) => r.conflict !== undefined);
}

// ---------------------------------------------------------------- outbox

/** Outbox entries in the order they became due. */
export async function listOutbox(db: SammelpunktDb): Promise<OutboxEntry[]> {
  return db.getAllFromIndex('outbox', 'by-nextAttemptAt');
}

export async function countOutbox(db: SammelpunktDb): Promise<number> {
  return db.count('outbox');
}

// ---------------------------------------------------------------- detection health

/** At most this many distinct counters wait on the device; beyond it new ones are dropped (a counter is worth less than the space). */
export const MAX_WAITING_DETECTION_REPORTS = 200;

/** Adds one to the counter of this partner, day, detector version and reason. */
export async function countDetectionReport(
  db: SammelpunktDb,
  report: Omit<DetectionReportCount, 'key' | 'count'>,
): Promise<void> {
  const key = [report.partnerId, report.day, report.detectorVersion, report.reason].join('|');
  const tx = db.transaction('detectionReports', 'readwrite');
  const existing = await tx.store.get(key);
  if (existing !== undefined) {
    await tx.store.put({ ...existing, count: existing.count + 1 });
  } else if ((await tx.store.count()) < MAX_WAITING_DETECTION_REPORTS) {
    await tx.store.put({ ...report, key, count: 1 });
  }
  await tx.done;
}

export async function listDetectionReports(db: SammelpunktDb): Promise<DetectionReportCount[]> {
  return db.getAll('detectionReports');
}

/** Forgets every counter: detection reports are off. */
export async function clearDetectionReports(db: SammelpunktDb): Promise<void> {
  await db.clear('detectionReports');
}

/** Forgets counters once reported, or once the server would no longer take them. */
export async function removeDetectionReports(db: SammelpunktDb, keys: readonly string[]): Promise<void> {
  const tx = db.transaction('detectionReports', 'readwrite');
  await Promise.all([...keys.map((key) => tx.store.delete(key)), tx.done]);
}

// ---------------------------------------------------------------- erasure

/**
 * Forgets everything this device holds: receipts, outbox, account,
 * catalogue, offers, sync state and settings (consent included, so nothing
 * is inspected until the member agrees again).
 */
export async function clearLocalData(db: SammelpunktDb): Promise<void> {
  const stores = ['purchases', 'outbox', 'catalog', 'offers', 'account', 'settings', 'syncState', 'detectionReports', 'finalSteps'] as const;
  const tx = db.transaction(stores, 'readwrite');
  await Promise.all([...stores.map((name) => tx.objectStore(name).clear()), tx.done]);
}

/** How long after the final checkout step the next page of the tab counts as the one it led to (a payment provider's pages in between). */
export const FINAL_STEP_WINDOW_MS = 30 * 60 * 1000;

/** This tab is at the partner's final checkout step (its place-order button). */
export async function markFinalStep(db: SammelpunktDb, tabId: number, partnerId: string, now: number): Promise<void> {
  await db.put('finalSteps', { tabId, partnerId, at: now });
}

/**
 * Whether the tab's previous partner page was this partner's final step, not
 * longer ago than `FINAL_STEP_WINDOW_MS`. The mark is used up: only the next
 * page of the tab is the page the final step led to.
 */
export async function takeFinalStep(db: SammelpunktDb, tabId: number, partnerId: string, now: number): Promise<boolean> {
  const tx = db.transaction('finalSteps', 'readwrite');
  const mark = await tx.store.get(tabId);
  if (mark !== undefined) await tx.store.delete(tabId);
  await tx.done;
  return mark !== undefined && mark.partnerId === partnerId && now - mark.at >= 0 && now - mark.at <= FINAL_STEP_WINDOW_MS;
}
