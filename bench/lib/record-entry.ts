/**
 * Bundled by esbuild into one IIFE and evaluated in an extension page: the
 * product's own `recordPurchase` (lib/record.ts) over the extension's own
 * database, so purchases are recorded exactly as the background records a
 * detected one (receipt and outbox entry in one transaction), only without
 * a page to detect them on and without the sync the background starts
 * after each.
 */
import type { Candidate } from '../../lib/detect/types.ts';
import { getPartner, openSammelpunktDb } from '../../lib/db/index.ts';
import { recordPurchase, type PageRef } from '../../lib/record.ts';

export interface RecordAllResult {
  recorded: number;
  refused: string[];
  ms: number;
}

export type RecordAll = (partnerId: string, candidates: Candidate[], page: PageRef, concurrency: number) => Promise<RecordAllResult>;

const recordAll: RecordAll = async (partnerId, candidates, page, concurrency) => {
  const db = await openSammelpunktDb();
  try {
    const partner = await getPartner(db, partnerId);
    if (partner === undefined) throw new Error(`partner ${partnerId} is not in the extension's catalogue`);
    const started = performance.now();
    let next = 0;
    let recorded = 0;
    const refused: string[] = [];
    // A few recordings in flight at once, as several tabs reporting would; IndexedDB runs their transactions one at a time.
    const worker = async () => {
      while (next < candidates.length) {
        const candidate = candidates[next++]!;
        const outcome = await recordPurchase(db, candidate, partner, page);
        if (outcome.recorded) recorded++;
        else refused.push('invalid' in outcome ? outcome.invalid : `order ${candidate.orderId} already recorded`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { recorded, refused: refused.slice(0, 5), ms: performance.now() - started };
  } finally {
    db.close();
  }
};

(globalThis as unknown as { benchRecordAll: RecordAll }).benchRecordAll = recordAll;
