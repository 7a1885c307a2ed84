/**
 * Reads what the popup paints from IndexedDB, in one go, through `lib/db`.
 * This is the popup's first step: local state is painted before any network.
 */
import {
  countOutbox,
  getAccount,
  getCatalog,
  getOffers,
  getSettings,
  getSyncState,
  listNewestPurchases,
  type SammelpunktDb,
} from '../db/index.ts';
import { PURCHASES_PAGE, toPurchaseRows, type PopupState } from './model.ts';

/** `purchaseLimit`: how many of the newest purchases to read; the rest are counted later, when `purchaseCount` is null. */
export async function loadPopupState(db: SammelpunktDb, now: Date, online: boolean, purchaseLimit = PURCHASES_PAGE): Promise<PopupState> {
  const [account, catalog, offers, settings, sync, newest, waiting] = await Promise.all([
    getAccount(db),
    getCatalog(db),
    getOffers(db),
    getSettings(db),
    getSyncState(db),
    listNewestPurchases(db, purchaseLimit),
    countOutbox(db),
  ]);
  const partners = catalog?.partners ?? [];
  const signedIn = account !== undefined && sync.signedOut !== true;
  return {
    ...(signedIn ? { member: account.member } : {}),
    ...(sync.balance ? { balance: sync.balance } : {}),
    ...(sync.tier ? { tier: sync.tier } : {}),
    ...(sync.tierProgress ? { tierProgress: sync.tierProgress } : {}),
    ...(sync.expiry ? { expiry: sync.expiry } : {}),
    ...(sync.missions ? { missions: sync.missions } : {}),
    partners,
    offers: offers?.offers ?? [],
    purchases: toPurchaseRows(newest.receipts, partners, now),
    // Counted after the first paint (countPurchases): known here only when nothing older exists.
    purchaseCount: newest.more ? null : newest.receipts.length,
    morePurchases: newest.more,
    sync: {
      ...(sync.lastSyncAt ? { lastSyncAt: sync.lastSyncAt } : {}),
      ...(sync.lastError ? { lastError: sync.lastError.code } : {}),
      waiting,
      online,
    },
    mutedShops: settings.mutedShops,
    consentGiven: settings.consent?.given === true,
  };
}
