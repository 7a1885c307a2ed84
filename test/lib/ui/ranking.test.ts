import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Offer } from '../../../lib/contract/index.ts';
import { updateSettings, type Receipt, type SammelpunktDb } from '../../../lib/db/index.ts';
import { loadRanking } from '../../../lib/ui/ranking.ts';
import { buchladen, freshDb, schuhhaus } from '../support.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const window_ = { startsAt: '2025-05-01T00:00:00Z', endsAt: '2025-07-01T00:00:00Z' };
const shoes: Offer = { id: 'shoes', title: 'Shoes', partnerId: 'schuhhaus', kind: 'bonus', bonusPoints: 50, ...window_, endsAt: '2025-06-10T00:00:00Z' };
const books: Offer = { id: 'books', title: 'Books', partnerId: 'buchladen', kind: 'bonus', bonusPoints: 50, ...window_ };
const gone: Offer = { id: 'gone', title: 'Gone', partnerId: 'buchladen', kind: 'bonus', bonusPoints: 50, startsAt: '2025-01-01T00:00:00Z', endsAt: '2025-02-01T00:00:00Z' };
const state = { partners: [schuhhaus, buchladen], offers: [gone, books, shoes], mutedShops: [] };

async function withBookPurchase(): Promise<SammelpunktDb> {
  const db = await freshDb();
  const receipt: Receipt = {
    id: 'r1', partnerId: 'buchladen', orderId: 'B-1', amountMinor: 2000, currency: 'EUR',
    detectedAt: '2025-05-30T10:00:00Z', method: 'json-ld', estimatedPoints: 20,
  };
  await db.put('purchases', receipt);
  return db;
}

afterEach(() => vi.restoreAllMocks());

describe('loadRanking', () => {
  it('ranks the running offers from the receipts on the device, and sends nothing', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const db = await withBookPurchase();
    const ranking = await loadRanking(db, state, NOW);
    expect(ranking?.offers).toEqual([{ offer: books, reason: { kind: 'partner', partnerId: 'buchladen' } }, { offer: shoes }]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('gives nothing to rank by when the member switched personal suggestions off', async () => {
    const db = await withBookPurchase();
    await updateSettings(db, { personalSuggestions: false });
    expect(await loadRanking(db, state, NOW)).toBeUndefined();
  });
});
