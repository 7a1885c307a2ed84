/**
 * Pulling the member's state: `GET /v1/me/sync` from the stored cursor, page
 * after page while the server says `hasMore`, storing balance, tier and the
 * server state of each changed purchase. The cursor is stored with the
 * changes it covers, in one transaction, so an interrupted pull resumes
 * where it stopped.
 */
import { Offers, SyncResponse, type Purchase } from '../contract/index.ts';
import { CURRENT, saveOffers, type Receipt, type SammelpunktDb, type SyncError } from '../db/index.ts';
import { apiRequest, type ApiCall } from './http.ts';
import { serverStateOf } from './outbox.ts';

/** A guard against a server that keeps saying `hasMore`. */
const MAX_PAGES = 200;

export type PullOutcome =
  | { kind: 'done'; pages: number; catalogVersion: string; catalogChanged: boolean }
  | { kind: 'retry'; error: SyncError; retryAfterMs?: number }
  | { kind: 'unauthorized'; error: SyncError };

/** A receipt for a purchase this device never saw (recorded on another device). */
function receiptFromServer(purchase: Purchase): Receipt {
  return {
    id: purchase.id,
    partnerId: purchase.partnerId,
    orderId: purchase.orderId,
    amountMinor: purchase.amountMinor,
    currency: purchase.currency,
    detectedAt: purchase.detectedAt,
    method: purchase.method,
    estimatedPoints: purchase.points,
    server: serverStateOf(purchase),
  };
}

async function applyPage(db: SammelpunktDb, page: SyncResponse): Promise<void> {
  const tx = db.transaction(['purchases', 'outbox', 'syncState', 'account'], 'readwrite');
  const purchases = tx.objectStore('purchases');
  const outbox = tx.objectStore('outbox');
  const work = page.purchases.map(async (purchase) => {
    const local =
      (await purchases.get(purchase.id)) ?? (await purchases.index('by-order').get([purchase.partnerId, purchase.orderId]));
    if (local === undefined) {
      await purchases.put(receiptFromServer(purchase));
      return;
    }
    await purchases.put({ ...local, server: serverStateOf(purchase) });
    // The server has this order for this member, so there is nothing left to send for it.
    if (local.conflict === undefined) await outbox.delete(local.id);
  });
  const syncState = tx.objectStore('syncState');
  const account = tx.objectStore('account');
  work.push(
    (async () => {
      const state = (await syncState.get(CURRENT)) ?? { attempt: 0 };
      await syncState.put(
        {
          ...state,
          cursor: page.cursor,
          balance: page.balance,
          tier: page.tier,
          // An older server sends no progress: the popup then measures with the shared ladder itself.
          tierProgress: page.tierProgress,
          expiry: page.expiry,
          missions: page.missions,
          catalogVersion: page.catalogVersion,
        },
        CURRENT,
      );
      const signedIn = await account.get(CURRENT);
      if (signedIn !== undefined) await account.put({ ...signedIn, member: page.member }, CURRENT);
    })(),
  );
  await Promise.all([...work, tx.done]);
}

/** Pulls every change since the stored cursor. */
export async function pull(db: SammelpunktDb, call: ApiCall, token: string): Promise<PullOutcome> {
  const before = await db.get('syncState', CURRENT);
  let cursor = before?.cursor;
  let last: SyncResponse | undefined;
  let pages = 0;
  while (pages < MAX_PAGES) {
    const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
    const outcome = await apiRequest(call, { method: 'GET', path: `/v1/me/sync${query}`, token });
    if (outcome.kind === 'unauthorized') return outcome;
    if (outcome.kind === 'retry') return outcome;
    if (outcome.kind === 'refused') return { kind: 'retry', error: outcome.error };
    const parsed = SyncResponse.safeParse(outcome.kind === 'ok' ? outcome.body : undefined);
    if (!parsed.success) {
      return { kind: 'retry', error: { code: 'bad_response', message: 'The sync answer did not match the contract', at: call.now().toISOString() } };
    }
    last = parsed.data;
    await applyPage(db, last);
    pages++;
    cursor = last.cursor;
    if (!last.hasMore) break;
  }
  if (last === undefined) {
    return { kind: 'retry', error: { code: 'bad_response', message: 'No sync page', at: call.now().toISOString() } };
  }
  await refreshOffers(db, call, token, last.offersVersion);
  return {
    kind: 'done',
    pages,
    catalogVersion: last.catalogVersion,
    catalogChanged: before?.catalogVersion !== undefined && before.catalogVersion !== last.catalogVersion,
  };
}

/**
 * Fetches the member's offers when their version moved. A failure here is
 * not a failed sync: the old offers stay until the next try.
 */
async function refreshOffers(db: SammelpunktDb, call: ApiCall, token: string, version: string): Promise<void> {
  const stored = await db.get('offers', CURRENT);
  if (stored?.version === version) return;
  const outcome = await apiRequest(call, { method: 'GET', path: '/v1/offers', token });
  if (outcome.kind !== 'ok') return;
  const parsed = Offers.safeParse(outcome.body);
  if (!parsed.success) {
    console.warn('Sammelpunkt: the offers did not match the contract', parsed.error.issues.slice(0, 3));
    return;
  }
  await saveOffers(db, parsed.data.offers, version, call.now());
}
