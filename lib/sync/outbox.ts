/**
 * Flushing the outbox: every receipt that has not reached the server goes out
 * in batches of at most `MAX_BATCH`, under the id minted at detection, until
 * the server has answered for it. An entry leaves the outbox only in the same
 * transaction that stores the server's answer on its receipt, so a crash in
 * between resends (and the server answers `duplicate`), never loses.
 */
import { IngestResponse, MAX_BATCH, type IngestResult, type Purchase } from '../contract/index.ts';
import type { OutboxEntry, Receipt, SammelpunktDb, ServerState, SyncError } from '../db/index.ts';
import { toWire } from '../record.ts';
import { apiRequest, type ApiCall } from './http.ts';

export type FlushOutcome =
  | { kind: 'done'; sent: number; conflicts: number }
  | { kind: 'retry'; sent: number; error: SyncError; retryAfterMs?: number }
  | { kind: 'unauthorized'; sent: number; error: SyncError };

/** The server's view of a purchase, as kept on the receipt. */
export function serverStateOf(purchase: Purchase): ServerState {
  return {
    id: purchase.id,
    status: purchase.status,
    points: purchase.points,
    amountMinor: purchase.amountMinor,
    reason: purchase.reason,
    expectedConfirmationAt: purchase.expectedConfirmationAt,
    updatedAt: purchase.updatedAt,
  };
}

/**
 * The server answers `rejected` with reason `internal_error` for an item it
 * could not book because of a fault on its side: that is no verdict on the
 * purchase, so it stays in the outbox and is sent again.
 */
export function isTransient(result: IngestResult): boolean {
  return result.status === 'rejected' && result.reason === 'internal_error';
}

/** What one ingest result means for its receipt. */
function applyResult(receipt: Receipt, result: IngestResult, at: string): Receipt {
  if (result.status === 'conflict') {
    return { ...receipt, conflict: { reason: result.reason, at } };
  }
  if (result.purchase !== undefined) {
    return { ...receipt, server: serverStateOf(result.purchase) };
  }
  if (result.status === 'rejected') {
    return { ...receipt, server: { status: 'rejected', points: 0, reason: result.reason, updatedAt: at } };
  }
  // Accepted without the purchase echoed back: pending at our estimate until the next pull.
  return { ...receipt, server: { status: 'pending', points: receipt.estimatedPoints, updatedAt: at } };
}

/** Due entries not yet tried in this flush, oldest first, with their receipts. */
async function nextBatch(db: SammelpunktDb, tried: ReadonlySet<string>): Promise<{ entries: OutboxEntry[]; receipts: Receipt[] }> {
  const entries: OutboxEntry[] = [];
  const receipts: Receipt[] = [];
  const orphans: string[] = [];
  // One read of at most a batch beyond the entries already tried (answered ones are gone from the outbox), and the
  // receipts asked for all at once in the same transaction: IndexedDB pipelines requests made together, where one
  // awaited read per entry cost a round trip each (the sync benchmark's drain spent most of its time there). Reading
  // the whole outbox for every batch made a long offline backlog quadratic to flush.
  const tx = db.transaction(['outbox', 'purchases']);
  const purchases = tx.objectStore('purchases');
  const due = (await tx.objectStore('outbox').index('by-nextAttemptAt').getAll(null, tried.size + MAX_BATCH))
    .filter((entry) => !tried.has(entry.id))
    .slice(0, MAX_BATCH);
  const found = await Promise.all(due.map((entry) => purchases.get(entry.id)));
  await tx.done;
  due.forEach((entry, index) => {
    const receipt = found[index];
    // An entry whose receipt is gone or already answered for has nothing left to send.
    if (receipt === undefined || receipt.server !== undefined || receipt.conflict !== undefined) orphans.push(entry.id);
    else {
      entries.push(entry);
      receipts.push(receipt);
    }
  });
  if (orphans.length > 0) {
    const tx = db.transaction('outbox', 'readwrite');
    await Promise.all([...orphans.map((id) => tx.store.delete(id)), tx.done]);
  }
  // A batch of orphans only: the next batch may hold entries to send.
  if (entries.length === 0 && orphans.length > 0) return nextBatch(db, tried);
  return { entries, receipts };
}

/** Notes a failed attempt on each entry; `nextAttemptAt` is when the scheduled retry will run. */
async function markFailed(db: SammelpunktDb, entries: OutboxEntry[], error: SyncError, nextAttemptAt: number): Promise<void> {
  const tx = db.transaction('outbox', 'readwrite');
  const writes = entries.map(async (entry) => {
    const current = await tx.store.get(entry.id);
    if (current === undefined) return;
    await tx.store.put({ ...current, attempts: current.attempts + 1, lastError: `${error.code}: ${error.message}`, nextAttemptAt });
  });
  await Promise.all([...writes, tx.done]);
}

/** Stores each answer on its receipt and removes answered entries from the outbox, in one transaction. */
async function applyResults(db: SammelpunktDb, receipts: Receipt[], results: IngestResult[], at: string): Promise<{ answered: number; conflicts: number; unanswered: string[] }> {
  const byId = new Map<string, IngestResult>();
  results.forEach((result, i) => {
    // Results come in request order; an id lets us check, and match when the order is off.
    const id = result.id ?? receipts[i]?.id;
    if (id !== undefined && !byId.has(id)) byId.set(id, result);
  });
  let answered = 0;
  let conflicts = 0;
  const unanswered: string[] = [];
  const tx = db.transaction(['purchases', 'outbox'], 'readwrite');
  const purchases = tx.objectStore('purchases');
  const outbox = tx.objectStore('outbox');
  const writes = receipts.map(async (receipt) => {
    const result = byId.get(receipt.id);
    if (result === undefined || isTransient(result)) {
      unanswered.push(receipt.id);
      return;
    }
    const current = (await purchases.get(receipt.id)) ?? receipt;
    await purchases.put(applyResult(current, result, at));
    await outbox.delete(receipt.id);
    answered++;
    if (result.status === 'conflict') conflicts++;
  });
  await Promise.all([...writes, tx.done]);
  return { answered, conflicts, unanswered };
}

/**
 * Sends every outbox entry, batch by batch, and applies the answers. Stops at
 * the first failure, leaving the rest in the outbox for the retry.
 */
export async function flushOutbox(
  db: SammelpunktDb,
  call: ApiCall,
  token: string,
  retryAt: (error: SyncError, retryAfterMs?: number) => number,
): Promise<FlushOutcome> {
  const tried = new Set<string>();
  let sent = 0;
  let conflicts = 0;
  let unansweredError: SyncError | undefined;
  for (;;) {
    const { entries, receipts } = await nextBatch(db, tried);
    if (entries.length === 0) {
      return unansweredError === undefined ? { kind: 'done', sent, conflicts } : { kind: 'retry', sent, error: unansweredError };
    }
    for (const entry of entries) tried.add(entry.id);

    const outcome = await apiRequest(call, {
      method: 'POST',
      path: '/v1/purchases',
      token,
      body: { purchases: receipts.map(toWire) },
    });
    if (outcome.kind === 'unauthorized') return { kind: 'unauthorized', sent, error: outcome.error };
    if (outcome.kind === 'retry' || outcome.kind === 'refused') {
      // A refused batch (400, 413) is retried too: every item was validated
      // before it was stored, so the fault is not the member's to lose a purchase over.
      const retryAfterMs = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
      await markFailed(db, entries, outcome.error, retryAt(outcome.error, retryAfterMs));
      return { kind: 'retry', sent, error: outcome.error, retryAfterMs };
    }
    const parsed = IngestResponse.safeParse(outcome.kind === 'ok' ? outcome.body : undefined);
    if (!parsed.success) {
      const error: SyncError = { code: 'bad_response', message: 'The ingest answer did not match the contract', at: call.now().toISOString() };
      await markFailed(db, entries, error, retryAt(error));
      return { kind: 'retry', sent, error };
    }
    const applied = await applyResults(db, receipts, parsed.data.results, call.now().toISOString());
    sent += applied.answered;
    conflicts += applied.conflicts;
    if (applied.unanswered.length > 0) {
      unansweredError = { code: 'missing_result', message: 'The API did not answer for every purchase', at: call.now().toISOString() };
      await markFailed(db, entries.filter((e) => applied.unanswered.includes(e.id)), unansweredError, retryAt(unansweredError));
    }
  }
}
