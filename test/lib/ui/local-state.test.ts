import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { countPurchases, CURRENT, openSammelpunktDb, recordConsent, saveAccount, saveCatalog, updateSettings } from '../../../lib/db/index.ts';
import { buildExport } from '../../../lib/ui/export.ts';
import { loadPopupState } from '../../../lib/ui/local-state.ts';
import { PURCHASES_PAGE } from '../../../lib/ui/model.ts';
import { NOW, member, partners, receipt } from '../../components/helpers.tsx';

let counter = 0;
const freshDb = () => openSammelpunktDb({ name: `popup-test-${++counter}` });

describe('loadPopupState', () => {
  it('paints a fresh install: signed out, nothing synced, no consent', async () => {
    const db = await freshDb();
    const state = await loadPopupState(db, NOW, true);
    expect(state).toMatchObject({ partners: [], offers: [], purchases: [], purchaseCount: 0, mutedShops: [], consentGiven: false, sync: { waiting: 0, online: true } });
    expect(state.member).toBeUndefined();
    expect(state.balance).toBeUndefined();
  });

  it('reads account, balance, receipts waiting in the outbox and settings', async () => {
    const db = await freshDb();
    await saveAccount(db, { token: 'secret-token', member, signedInAt: NOW.toISOString() });
    await saveCatalog(db, { partners, fetchedAt: NOW.toISOString() });
    const missions = [
      {
        mission: { id: 'two-shops', title: { de: 'Zwei Shops', en: 'Two shops' }, rule: { kind: 'distinct-partners' as const, count: 2 }, bonusPoints: 100, startsAt: '2025-05-01T00:00:00Z', endsAt: '2025-06-01T00:00:00Z', active: true },
        progress: 1,
        confirmedProgress: 0,
        target: 2,
        completed: false,
      },
    ];
    await db.put('syncState', { attempt: 0, balance: { available: 10, pending: 5, lifetime: 10 }, tier: 'basis', lastSyncAt: NOW.toISOString(), missions }, CURRENT);
    const local = receipt({ id: 'r1', orderId: '10023' });
    const tx = db.transaction(['purchases', 'outbox'], 'readwrite');
    await tx.objectStore('purchases').put(local);
    await tx.objectStore('outbox').put({ id: 'r1', attempts: 0, nextAttemptAt: 0, createdAt: NOW.toISOString() });
    await tx.done;
    await updateSettings(db, { mutedShops: ['schuhhaus'] });
    await recordConsent(db, true, NOW);

    const state = await loadPopupState(db, NOW, false);
    expect(state.member?.memberNumber).toBe(member.memberNumber);
    expect(state.balance).toEqual({ available: 10, pending: 5, lifetime: 10 });
    expect(state.missions).toEqual(missions);
    expect(state.purchases.map((p) => [p.orderId, p.state, p.shopName])).toEqual([['10023', 'local', 'Schuhhaus Beispiel']]);
    expect(state.sync).toEqual({ lastSyncAt: NOW.toISOString(), waiting: 1, online: false });
    expect(state.mutedShops).toEqual(['schuhhaus']);
    expect(state.consentGiven).toBe(true);

    // The export holds the member's data but never the sign-in token.
    const exported = await buildExport(db, NOW);
    expect(JSON.stringify(exported)).not.toContain('secret-token');
    expect(exported['purchases']).toEqual([local]);
  });

  it('reads a long history a page at a time, newest first, and counts the rest', async () => {
    const db = await freshDb();
    await saveCatalog(db, { partners, fetchedAt: NOW.toISOString() });
    const total = 2 * PURCHASES_PAGE + 5;
    // Stored in shuffled order: the page must follow detection time, not insertion order.
    const hours = Array.from({ length: total }, (_, i) => i).sort((a, b) => ((a * 37) % total) - ((b * 37) % total));
    const tx = db.transaction('purchases', 'readwrite');
    for (const h of hours) {
      await tx.store.put(receipt({ id: `r${h}`, orderId: `H-${h}`, detectedAt: new Date(NOW.getTime() - h * 3_600_000).toISOString() }));
    }
    await tx.done;

    // Older purchases exist: the first read says so and leaves the counting for after the paint.
    const first = await loadPopupState(db, NOW, true);
    expect(first).toMatchObject({ morePurchases: true, purchaseCount: null });
    expect(await countPurchases(db)).toBe(total);
    expect(first.purchases.map((p) => p.orderId)).toEqual(Array.from({ length: PURCHASES_PAGE }, (_, h) => `H-${h}`));

    const all = await loadPopupState(db, NOW, true, 3 * PURCHASES_PAGE);
    expect(all).toMatchObject({ morePurchases: false, purchaseCount: total });
    expect(all.purchases.map((p) => p.orderId)).toEqual(Array.from({ length: total }, (_, h) => `H-${h}`));
  });

  it('treats a token the API refused as signed out', async () => {
    const db = await freshDb();
    await saveAccount(db, { token: 't', member, signedInAt: NOW.toISOString() });
    await db.put('syncState', { attempt: 1, signedOut: true }, CURRENT);
    expect((await loadPopupState(db, NOW, true)).member).toBeUndefined();
  });
});
