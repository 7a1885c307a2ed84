import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Offer, Partner } from '../../../lib/contract/index.ts';
import { getSettings, recordConsent, saveCatalog, saveOffers, updateSettings, type Receipt, type SammelpunktDb } from '../../../lib/db/index.ts';
import { suggestionAfterPurchase, suggestionDue } from '../../../lib/inpage/suggestion.ts';
import { DEFAULT_SETTINGS } from '../../../lib/db/schema.ts';
import { buchladen, freshDb, schuhhaus } from '../support.ts';

// Local times: the "once a day" is the member's calendar day.
const morning = new Date(2025, 5, 2, 9, 0);
const evening = new Date(2025, 5, 2, 21, 0);
const nextDay = new Date(2025, 5, 3, 9, 0);

const gartenglueck: Partner = { ...buchladen, id: 'gartenglueck', name: 'Gartenglück', domains: ['gartenglueck.example'], category: 'garden', earn: { points: 3, per: 1 } };
const blumen: Partner = { ...buchladen, id: 'blumen', name: 'Blumenwiese', domains: ['blumen.example'], category: 'garden' };
const gardenWeek: Offer = { id: 'garden-week', title: 'Gartenwoche', partnerId: 'gartenglueck', kind: 'multiplier', multiplier: 3, startsAt: '2025-06-01T00:00:00Z', endsAt: '2025-06-08T00:00:00Z' };

let db: SammelpunktDb;

function receipt(id: string, partnerId: string, detectedAt: Date): Receipt {
  return { id, partnerId, orderId: id, amountMinor: 4000, currency: 'EUR', detectedAt: detectedAt.toISOString(), method: 'json-ld', estimatedPoints: 40 };
}

beforeEach(async () => {
  db = await freshDb();
  await recordConsent(db, true, morning);
  await saveCatalog(db, { partners: [schuhhaus, buchladen, gartenglueck, blumen], fetchedAt: morning.toISOString() });
  await saveOffers(db, [gardenWeek], 'v1', morning);
  // The member buys garden things at Blumenwiese, and has just bought shoes.
  await db.put('purchases', receipt('r1', 'blumen', new Date(2025, 4, 20)));
  await db.put('purchases', receipt('r2', 'schuhhaus', morning));
});

afterEach(() => vi.restoreAllMocks());

describe('suggestionAfterPurchase', () => {
  it('suggests one partner that fits, with its running offer and why, computed without a request', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const suggestion = await suggestionAfterPurchase(db, schuhhaus, morning);
    expect(suggestion).toEqual({
      partner: { id: 'gartenglueck', name: 'Gartenglück', earn: { points: 3, per: 1 }, currency: 'EUR' },
      offer: gardenWeek,
      reason: { kind: 'category', category: 'garden' },
    });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('suggests at most once a day, across all shops', async () => {
    expect(await suggestionAfterPurchase(db, schuhhaus, morning)).toBeDefined();
    expect(await suggestionAfterPurchase(db, schuhhaus, evening)).toBeUndefined();
    expect(await suggestionAfterPurchase(db, buchladen, evening)).toBeUndefined();
    expect(await suggestionAfterPurchase(db, schuhhaus, nextDay)).toBeDefined();
  });

  it('suggests once when two purchases arrive at the same moment', async () => {
    const both = await Promise.all([suggestionAfterPurchase(db, schuhhaus, morning), suggestionAfterPurchase(db, buchladen, morning)]);
    expect(both.filter((s) => s !== undefined)).toHaveLength(1);
  });

  it('never suggests when personal suggestions or their in-page line are off', async () => {
    await updateSettings(db, { personalSuggestions: false });
    expect(await suggestionAfterPurchase(db, schuhhaus, morning)).toBeUndefined();
    await updateSettings(db, { personalSuggestions: true, inpageSuggestions: false });
    expect(await suggestionAfterPurchase(db, schuhhaus, morning)).toBeUndefined();
    // Nothing was shown, so nothing was marked.
    expect((await getSettings(db)).suggestionShownOn).toBeUndefined();
  });

  it('never suggests on a muted shop, and never a muted partner', async () => {
    await updateSettings(db, { mutedShops: ['schuhhaus'] });
    expect(await suggestionAfterPurchase(db, schuhhaus, morning)).toBeUndefined();
    // Gartenglück is the only partner that fits; muted, it is not suggested, and nothing else is.
    await updateSettings(db, { mutedShops: ['gartenglueck'] });
    expect(await suggestionAfterPurchase(db, schuhhaus, morning)).toBeUndefined();
  });

  it('never suggests the shop the member is on, and marks nothing when nothing fits', async () => {
    await db.clear('purchases');
    await db.put('purchases', receipt('r3', 'schuhhaus', morning));
    expect(await suggestionAfterPurchase(db, schuhhaus, morning)).toBeUndefined();
    expect((await getSettings(db)).suggestionShownOn).toBeUndefined();
  });

  it('never suggests without consent', async () => {
    await recordConsent(db, false, morning);
    expect(await suggestionAfterPurchase(db, schuhhaus, morning)).toBeUndefined();
  });
});

describe('suggestionDue', () => {
  const consented = { ...DEFAULT_SETTINGS, consent: { given: true, at: '2025-01-01T00:00:00Z' } };
  it('is due once a day, and not after the day was marked', () => {
    expect(suggestionDue(consented, 'schuhhaus', '2025-06-02')).toBe(true);
    expect(suggestionDue({ ...consented, suggestionShownOn: '2025-06-02' }, 'schuhhaus', '2025-06-02')).toBe(false);
    expect(suggestionDue({ ...consented, suggestionShownOn: '2025-06-01' }, 'schuhhaus', '2025-06-02')).toBe(true);
  });
});
