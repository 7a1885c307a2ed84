import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import {
  getAccount,
  getPurchase,
  getSyncState,
  listConflicts,
  listOutbox,
  listPurchases,
  saveAccount,
  updateSettings,
  type SammelpunktDb,
} from '../../../lib/db/index.ts';
import { recordPurchase } from '../../../lib/record.ts';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  SYNC_RETRY_ALARM,
  backoffDelayMs,
  parseRetryAfter,
  signIn,
  syncNow,
  type SyncDeps,
} from '../../../lib/sync/index.ts';
import { freshDb, json, member, schuhhaus, scriptedFetch, serverPurchase } from '../support.ts';
import { fakeApi } from './fake-api.ts';

const page = { origin: 'https://www.schuhhaus-example.de', path: '/checkout/success' };
const start = Date.parse('2025-03-01T10:00:00.000Z');

let db: SammelpunktDb;
let api: ReturnType<typeof fakeApi>;
let clock: number;

function deps(overrides: Partial<SyncDeps> = {}): SyncDeps {
  return { db, fetch: api.fetch, alarms: browser.alarms, now: () => new Date(clock), random: () => 0.5, timeoutMs: 200, ...overrides };
}

async function signInDirectly() {
  await saveAccount(db, { token: 'token-1', member, signedInAt: new Date(clock).toISOString() });
}

async function record(orderId: string, amountMinor = 11_490) {
  const result = await recordPurchase(db, { orderId, amountMinor, currency: 'EUR', method: 'json-ld' }, schuhhaus, page, new Date(clock));
  if (!result.recorded) throw new Error(`not recorded: ${orderId}`);
  return result.purchase;
}

beforeEach(async () => {
  fakeBrowser.reset();
  db = await freshDb();
  await updateSettings(db, { apiBaseUrl: 'https://api.test/' });
  api = fakeApi();
  clock = start;
});

describe('sync: what it must do', () => {
  it('sends a recorded purchase once, stores the server state and empties the outbox', async () => {
    await signInDirectly();
    const receipt = await record('SH-1');
    const result = await syncNow(deps(), 'recorded');
    expect(result).toMatchObject({ status: 'synced', sent: 1, conflicts: 0 });
    expect(api.ingestRequests()).toHaveLength(1);
    expect(api.ingestRequests()[0]?.url).toBe('https://api.test/v1/purchases');
    expect(api.ingestRequests()[0]?.headers.authorization).toBe('Bearer token-1');
    expect(await listOutbox(db)).toEqual([]);
    expect((await getPurchase(db, receipt.id))?.server).toMatchObject({ id: receipt.id, status: 'pending', points: 57 });
    const state = await getSyncState(db);
    expect(state).toMatchObject({ attempt: 0, cursor: 'c0', tier: 'silver', lastSyncAt: '2025-03-01T10:00:00.000Z' });
    expect(state.lastError).toBeUndefined();
  });

  it('sends only id, partnerId, orderId, amountMinor, currency, detectedAt and method', async () => {
    await signInDirectly();
    await record('SH-1');
    await syncNow(deps(), 'recorded');
    const body = api.ingestRequests()[0]?.body as { purchases: Record<string, unknown>[] };
    expect(Object.keys(body.purchases[0] ?? {}).sort()).toEqual(['amountMinor', 'currency', 'detectedAt', 'id', 'method', 'orderId', 'partnerId']);
    expect(JSON.stringify(body)).not.toContain('schuhhaus-example.de');
  });

  it('sends in batches of at most 100', async () => {
    await signInDirectly();
    for (let i = 0; i < 250; i++) await record(`SH-${i}`);
    const result = await syncNow(deps(), 'manual');
    expect(result).toMatchObject({ status: 'synced', sent: 250 });
    expect(api.ingestRequests().map((r) => (r.body as { purchases: unknown[] }).purchases.length)).toEqual([100, 100, 50]);
    expect(new Set(api.received).size).toBe(250);
    expect(await listOutbox(db)).toEqual([]);
  });

  it('skips outbox entries left over for receipts already answered, however many come first, and sends the rest', async () => {
    await signInDirectly();
    const answered = [];
    for (let i = 0; i < 120; i++) answered.push(await record(`OLD-${i}`));
    for (let i = 0; i < 30; i++) await record(`NEW-${i}`);
    // Receipts answered for (a pull from another device) while their outbox entries stayed behind, oldest first.
    for (const receipt of answered) {
      await db.put('purchases', { ...receipt, server: { status: 'pending', points: receipt.estimatedPoints, updatedAt: new Date(clock).toISOString() } });
    }
    const result = await syncNow(deps(), 'manual');
    expect(result).toMatchObject({ status: 'synced', sent: 30 });
    expect(api.received).toHaveLength(30);
    expect(await listOutbox(db)).toEqual([]);
  });

  it('works signed out: purchases wait locally, nothing is sent, and go out after sign-in', async () => {
    await record('SH-1');
    expect(await syncNow(deps(), 'recorded')).toEqual({ status: 'signed-out' });
    expect(api.requests).toHaveLength(0);
    expect(await listOutbox(db)).toHaveLength(1);

    const { fetch } = scriptedFetch(() => json({ token: 'token-1', member }));
    expect(await signIn({ db, fetch }, { email: member.email, password: 'correct horse', mode: 'login' })).toMatchObject({ ok: true });
    expect(await syncNow(deps(), 'sign-in')).toMatchObject({ status: 'synced', sent: 1 });
    expect(api.received).toHaveLength(1);
  });
});

describe('sync: failures lose nothing and send nothing twice', () => {
  it('offline recording, then the API comes back: exactly one send', async () => {
    await signInDirectly();
    api.state.mode = 'down';
    const receipt = await record('SH-1');
    expect(await getPurchase(db, receipt.id)).toBeDefined();

    const failed = await syncNow(deps(), 'recorded');
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'network' } });
    expect(await listOutbox(db)).toMatchObject([{ id: receipt.id, attempts: 1, lastError: expect.stringContaining('network') }]);
    const alarm = await browser.alarms.get(SYNC_RETRY_ALARM);
    expect(alarm?.scheduledTime).toBe(start + BACKOFF_BASE_MS / 2);

    api.state.mode = 'up';
    clock += 60_000;
    expect(await syncNow(deps(), 'alarm')).toMatchObject({ status: 'synced', sent: 1 });
    expect(api.received).toEqual([receipt.id]);
    expect(await browser.alarms.get(SYNC_RETRY_ALARM)).toBeUndefined();

    // Acknowledged: later syncs only pull.
    await syncNow(deps(), 'periodic');
    await syncNow(deps(), 'manual');
    expect(api.received).toEqual([receipt.id]);
    // One attempt that never reached the server, one that did, none after the acknowledgement.
    expect(api.ingestRequests()).toHaveLength(2);
  });

  it('a timeout after the server booked it: the retry reuses the id and the duplicate answer is stored', async () => {
    await signInDirectly();
    const receipt = await record('SH-1');
    api.state.mode = 'book-then-hang';
    expect(await syncNow(deps(), 'recorded')).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    expect(await listOutbox(db)).toHaveLength(1);

    api.state.mode = 'up';
    expect(await syncNow(deps(), 'alarm')).toMatchObject({ status: 'synced', sent: 1 });
    expect(api.received).toEqual([receipt.id, receipt.id]);
    expect(api.booked.size).toBe(1);
    expect((await getPurchase(db, receipt.id))?.server).toMatchObject({ status: 'pending', points: 57 });
    expect(await listOutbox(db)).toEqual([]);
  });

  it('a 500 keeps the purchase and backs off exponentially with full jitter, capped', async () => {
    await signInDirectly();
    await record('SH-1');
    api.state.mode = '500';
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await syncNow(deps({ random: () => 0.999999 }), 'alarm');
      if (result.status !== 'failed') throw new Error(result.status);
      delays.push(result.retryAt - clock);
      clock = result.retryAt;
    }
    expect(delays.slice(0, 4).map((d) => Math.round(d / 1000))).toEqual([30, 60, 120, 240]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(delays[9]).toBeGreaterThan(BACKOFF_CAP_MS - 1000);
    expect(await listOutbox(db)).toMatchObject([{ attempts: 10 }]);
    expect((await getSyncState(db)).lastError?.code).toBe('internal');

    api.state.mode = 'up';
    expect(await syncNow(deps(), 'alarm')).toMatchObject({ status: 'synced', sent: 1 });
    expect((await getSyncState(db)).attempt).toBe(0);
  });

  it('a 429 waits at least Retry-After, even when a new purchase asks for a sync', async () => {
    await signInDirectly();
    await record('SH-1');
    api.state.mode = '429';
    api.state.retryAfter = '600';
    const failed = await syncNow(deps({ random: () => 0 }), 'recorded');
    expect(failed).toMatchObject({ status: 'failed', retryAt: start + 600_000 });
    expect((await browser.alarms.get(SYNC_RETRY_ALARM))?.scheduledTime).toBe(start + 600_000);

    api.state.mode = 'up';
    clock += 60_000;
    await record('SH-2');
    expect(await syncNow(deps(), 'recorded')).toEqual({ status: 'deferred', until: start + 600_000 });
    expect(api.ingestRequests()).toHaveLength(1);

    clock = start + 600_000;
    expect(await syncNow(deps(), 'alarm')).toMatchObject({ status: 'synced', sent: 2 });
  });

  it('two syncs at once (alarm and a recording) send each purchase once', async () => {
    await signInDirectly();
    const a = await record('SH-1');
    const b = await record('SH-2');
    const results = await Promise.all([syncNow(deps(), 'alarm'), syncNow(deps(), 'recorded'), syncNow(deps(), 'manual')]);
    expect(results.every((r) => r.status === 'synced')).toBe(true);
    expect(api.received.sort()).toEqual([a.id, b.id].sort());
  });

  it('the API answering twice for the same purchase (a second device) keeps one receipt', async () => {
    await signInDirectly();
    const receipt = await record('SH-1');
    await syncNow(deps(), 'recorded');
    // The same order arrives again through the sync pull, as the server's purchase.
    api.state.syncPages.set('c0', { purchases: [serverPurchase({ id: receipt.id, partnerId: 'schuhhaus', orderId: 'SH-1', amountMinor: 11_490, status: 'confirmed' })], next: 'c1', hasMore: false });
    await syncNow(deps(), 'periodic');
    expect(await listPurchases(db)).toHaveLength(1);
    expect((await getPurchase(db, receipt.id))?.server?.status).toBe('confirmed');
    expect(api.received).toEqual([receipt.id]);
  });
});

describe('sync: answers it must surface', () => {
  it('a conflict is flagged on the receipt, surfaced, and never resent', async () => {
    await signInDirectly();
    const receipt = await record('SH-1');
    api.state.forced.set(receipt.id, { id: receipt.id, status: 'conflict', reason: 'id_reused_with_other_body' });
    expect(await syncNow(deps(), 'recorded')).toMatchObject({ status: 'synced', sent: 1, conflicts: 1 });
    expect(await listConflicts(db)).toMatchObject([{ id: receipt.id, conflict: { reason: 'id_reused_with_other_body' } }]);
    expect(await listOutbox(db)).toEqual([]);
    await syncNow(deps(), 'manual');
    expect(api.received).toEqual([receipt.id]);
  });

  it('a rejection (order claimed by another member) is stored with its reason', async () => {
    await signInDirectly();
    const receipt = await record('SH-1');
    api.state.forced.set(receipt.id, { id: receipt.id, status: 'rejected', reason: 'duplicate_claim' });
    await syncNow(deps(), 'recorded');
    expect((await getPurchase(db, receipt.id))?.server).toMatchObject({ status: 'rejected', points: 0, reason: 'duplicate_claim' });
    expect(await listOutbox(db)).toEqual([]);
  });

  it('an item the server could not book for a fault of its own (internal_error) stays queued and is sent again', async () => {
    await signInDirectly();
    const receipt = await record('SH-1');
    api.state.forced.set(receipt.id, { id: receipt.id, status: 'rejected', reason: 'internal_error' });
    await syncNow(deps(), 'recorded');
    expect((await getPurchase(db, receipt.id))?.server).toBeUndefined();
    expect(await listOutbox(db)).toHaveLength(1);
    api.state.forced.delete(receipt.id);
    await syncNow(deps(), 'manual');
    expect((await getPurchase(db, receipt.id))?.server?.status).toBe('pending');
    expect(await listOutbox(db)).toEqual([]);
  });

  it('a 401 signs the member out and keeps every purchase waiting', async () => {
    await signInDirectly();
    await record('SH-1');
    api.state.mode = '401';
    expect(await syncNow(deps(), 'recorded')).toEqual({ status: 'signed-out' });
    expect(await getAccount(db)).toBeUndefined();
    expect(await getSyncState(db)).toMatchObject({ signedOut: true, lastError: { code: 'unauthorized' } });
    expect(await listOutbox(db)).toHaveLength(1);
    expect(await browser.alarms.get(SYNC_RETRY_ALARM)).toBeUndefined();
  });
});

describe('sync: pull', () => {
  it('follows hasMore, stores the cursor, balance, tier (with its progress) and each purchase state, and adds other devices’ purchases', async () => {
    await signInDirectly();
    const local = await record('SH-1');
    api.state.balance = { available: 120, pending: 57, lifetime: 300 };
    await syncNow(deps(), 'recorded');
    api.state.syncPages.set('c0', {
      purchases: [serverPurchase({ id: local.id, partnerId: 'schuhhaus', orderId: 'SH-1', amountMinor: 11_490, status: 'confirmed', points: 57 })],
      next: 'c1',
      hasMore: true,
    });
    api.state.syncPages.set('c1', {
      purchases: [serverPurchase({ id: '0195f000-0000-7000-8000-000000000001', partnerId: 'schuhhaus', orderId: 'SH-77', amountMinor: 2_000 })],
      next: 'c2',
      hasMore: false,
    });
    await syncNow(deps(), 'periodic');
    const sync = api.requests.filter((r) => r.url.includes('/v1/me/sync')).map((r) => new URL(r.url).searchParams.get('cursor'));
    expect(sync).toEqual([null, 'c0', 'c1']);
    expect(await getSyncState(db)).toMatchObject({
      cursor: 'c2',
      tier: 'silver',
      tierProgress: { tier: 'silver', pointsInWindow: 2300, multiplierPercent: 110 },
      balance: { available: 120, pending: 57, lifetime: 300 },
      // What expires next, kept for the popup's notice and the notification.
      expiry: { months: 36, upcoming: [{ points: 80, expiresOn: '2026-03-31' }] },
    });
    expect((await getPurchase(db, local.id))?.server?.status).toBe('confirmed');
    const fromOtherDevice = await getPurchase(db, '0195f000-0000-7000-8000-000000000001');
    expect(fromOtherDevice).toMatchObject({ orderId: 'SH-77', server: { status: 'pending' } });
    expect(fromOtherDevice?.pageOrigin).toBeUndefined();
  });

  it('a later detection of an order already synced from another device is not recorded again', async () => {
    await signInDirectly();
    api.state.syncPages.set('', {
      purchases: [serverPurchase({ id: '0195f000-0000-7000-8000-000000000002', partnerId: 'schuhhaus', orderId: 'SH-5', amountMinor: 4_000 })],
      next: 'c1',
      hasMore: false,
    });
    await syncNow(deps(), 'startup');
    const again = await recordPurchase(db, { orderId: 'SH-5', amountMinor: 4_000, currency: 'EUR', method: 'shopify' }, schuhhaus, page, new Date(clock));
    expect(again.recorded).toBe(false);
  });
});

describe('backoff and Retry-After', () => {
  it('full jitter stays within [0, min(cap, base × 2^(n−1)))', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(0);
    expect(backoffDelayMs(1, () => 0.5)).toBe(15_000);
    expect(backoffDelayMs(3, () => 0.5)).toBe(60_000);
    expect(backoffDelayMs(50, () => 0.999)).toBeLessThan(BACKOFF_CAP_MS);
    expect(backoffDelayMs(50, () => 0.999)).toBeGreaterThan(BACKOFF_CAP_MS * 0.99);
  });

  it('reads seconds and HTTP dates', () => {
    const now = new Date('2025-03-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
