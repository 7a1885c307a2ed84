/**
 * Everything the extension keeps about the member, as one JSON document for
 * the "export all local data" button. The sign-in token is left out: it is a
 * credential, not the member's data.
 */
import {
  getAccount,
  getCatalog,
  getOffers,
  getSettings,
  getSyncState,
  listOutbox,
  listPurchases,
  type SammelpunktDb,
} from '../db/index.ts';

export async function buildExport(db: SammelpunktDb, now: Date): Promise<Record<string, unknown>> {
  const [account, settings, syncState, purchases, outbox, catalog, offers] = await Promise.all([
    getAccount(db),
    getSettings(db),
    getSyncState(db),
    listPurchases(db),
    listOutbox(db),
    getCatalog(db),
    getOffers(db),
  ]);
  return {
    exportedAt: now.toISOString(),
    account: account ? { member: account.member, signedInAt: account.signedInAt } : null,
    settings,
    syncState,
    purchases,
    outbox,
    catalog: catalog ?? null,
    offers: offers ?? null,
  };
}

/** Offers the document as a download named `sammelpunkt-export-YYYY-MM-DD.json`. */
export function downloadJson(document: Document, data: unknown, now: Date): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `sammelpunkt-export-${now.toISOString().slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
