import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { listOutbox, listPurchases, type SammelpunktDb } from '../../lib/db/index.ts';
import { announcePurchase, pendingMessage, recordPurchase, toWire, type AnnounceApi } from '../../lib/record.ts';
import { resolveMessage, type LocaleMessages } from '../../lib/ui/i18n.ts';
import { freshDb, schuhhaus } from './support.ts';

function locale(lang: 'de' | 'en'): LocaleMessages {
  return JSON.parse(readFileSync(resolve(process.cwd(), 'public/_locales', lang, 'messages.json'), 'utf8')) as LocaleMessages;
}
const english = locale('en');

const candidate = { orderId: 'SH-10057', amountMinor: 11_490, currency: 'EUR', method: 'json-ld' };
const page = { origin: 'https://www.schuhhaus-example.de', path: '/checkout/success' };
const now = new Date('2025-03-01T10:00:00.000Z');

let db: SammelpunktDb;
beforeEach(async () => {
  fakeBrowser.reset();
  db = await freshDb();
});

describe('recordPurchase: happy path', () => {
  it('writes the receipt and its outbox entry, with the estimate and a UUIDv7', async () => {
    const result = await recordPurchase(db, candidate, schuhhaus, page, now);
    expect(result.recorded).toBe(true);
    const [receipt] = await listPurchases(db);
    expect(receipt).toMatchObject({
      partnerId: 'schuhhaus',
      orderId: 'SH-10057',
      amountMinor: 11_490,
      currency: 'EUR',
      detectedAt: '2025-03-01T10:00:00.000Z',
      method: 'json-ld',
      pageOrigin: 'https://www.schuhhaus-example.de',
      pagePath: '/checkout/success',
      estimatedPoints: 57,
    });
    expect(receipt?.server).toBeUndefined();
    expect(receipt?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const outbox = await listOutbox(db);
    expect(outbox).toEqual([{ id: receipt?.id, attempts: 0, nextAttemptAt: now.getTime(), createdAt: receipt?.detectedAt }]);
  });

  it('keeps neither query nor hash of the page', async () => {
    await recordPurchase(db, candidate, schuhhaus, { origin: page.origin, path: '/danke?order=SH-10057&email=a@b.c#top' }, now);
    const [receipt] = await listPurchases(db);
    expect(receipt?.pagePath).toBe('/danke');
  });

  it('sends only the contract fields, never page data', async () => {
    const result = await recordPurchase(db, candidate, schuhhaus, page, now);
    if (!result.recorded) throw new Error('not recorded');
    expect(Object.keys(toWire(result.purchase)).sort()).toEqual(['amountMinor', 'currency', 'detectedAt', 'id', 'method', 'orderId', 'partnerId']);
  });
});

describe('recordPurchase: deduplication', () => {
  it('records an order once when the thank-you page is reloaded', async () => {
    const first = await recordPurchase(db, candidate, schuhhaus, page, now);
    const again = await recordPurchase(db, candidate, schuhhaus, page, new Date(now.getTime() + 60_000));
    expect(first.recorded).toBe(true);
    expect(again).toMatchObject({ recorded: false, existing: { orderId: 'SH-10057' } });
    expect(await db.count('purchases')).toBe(1);
    expect(await db.count('outbox')).toBe(1);
  });

  it('records an order once when two tabs report it at the same moment', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => recordPurchase(db, candidate, schuhhaus, page, now)),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect(await db.count('purchases')).toBe(1);
    expect(await db.count('outbox')).toBe(1);
  });

  it('keeps orders of different partners or numbers apart', async () => {
    await recordPurchase(db, candidate, schuhhaus, page, now);
    await recordPurchase(db, { ...candidate, orderId: 'SH-10058' }, schuhhaus, page, now);
    await recordPurchase(db, candidate, { ...schuhhaus, id: 'other-shop' }, page, now);
    expect(await db.count('purchases')).toBe(3);
    expect(await db.count('outbox')).toBe(3);
  });
});

describe('recordPurchase: refusals', () => {
  it.each([
    ['a zero amount', { ...candidate, amountMinor: 0 }],
    ['a fractional amount', { ...candidate, amountMinor: 10.5 }],
    ['an amount over 1,000,000.00', { ...candidate, amountMinor: 100_000_001 }],
    ['an empty order id', { ...candidate, orderId: '' }],
    ['a lower-case currency', { ...candidate, currency: 'eur' }],
    ['a control character in the order id', { ...candidate, orderId: 'A\u0000B' }],
  ])('refuses %s and stores nothing', async (_name, bad) => {
    const result = await recordPurchase(db, bad, schuhhaus, page, now);
    expect(result).toMatchObject({ recorded: false, invalid: expect.any(String) });
    expect(await db.count('purchases')).toBe(0);
    expect(await db.count('outbox')).toBe(0);
  });

  it('refuses a page that is not an http(s) origin', async () => {
    const result = await recordPurchase(db, candidate, schuhhaus, { origin: 'javascript:alert(1)', path: '/' }, now);
    expect(result.recorded).toBe(false);
    expect(await db.count('purchases')).toBe(0);
  });
});

describe('announcePurchase', () => {
  function api(): AnnounceApi {
    return {
      createNotification: (id, options) => browser.notifications.create(id, options),
      setBadgeText: (details) => browser.action.setBadgeText(details),
      iconUrl: 'data:image/png;base64,AA==',
      getMessage: (key, substitutions) => resolveMessage(english, key, substitutions),
      uiLanguage: () => 'en',
    };
  }

  it('notifies "+57 points pending at Schuhhaus" and badges the tab', async () => {
    const result = await recordPurchase(db, candidate, schuhhaus, page, now);
    if (!result.recorded) throw new Error('not recorded');
    await announcePurchase(api(), result.purchase, schuhhaus, { apiBaseUrl: '', notifications: true, mutedShops: [] }, 7);
    const notifications = Object.values(fakeBrowser.notifications.getAllCreateOptions());
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ message: '+57 points pending at Schuhhaus' });
    expect(await browser.action.getBadgeText({ tabId: 7 })).toBe('+57');
  });

  it('respects notifications off and muted shops, but still badges', async () => {
    const result = await recordPurchase(db, candidate, schuhhaus, page, now);
    if (!result.recorded) throw new Error('not recorded');
    await announcePurchase(api(), result.purchase, schuhhaus, { apiBaseUrl: '', notifications: false, mutedShops: [] }, 7);
    await announcePurchase(api(), result.purchase, schuhhaus, { apiBaseUrl: '', notifications: true, mutedShops: ['schuhhaus'] }, 7);
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toHaveLength(0);
    expect(await browser.action.getBadgeText({ tabId: 7 })).toBe('+57');
  });

  it('words one point in the singular', () => {
    expect(pendingMessage(api(), 1, 'Buchladen')).toBe('+1 point pending at Buchladen');
  });

  it('speaks German from the German locale file, with German digit grouping', () => {
    const german = { getMessage: (key: string, subs: string[]) => resolveMessage(locale('de'), key, subs), uiLanguage: () => 'de-DE' };
    expect(pendingMessage(german, 57, 'Schuhhaus')).toBe('+57 Punkte vorgemerkt bei Schuhhaus');
    expect(pendingMessage(german, 1, 'Schuhhaus')).toBe('+1 Punkt vorgemerkt bei Schuhhaus');
    expect(pendingMessage(german, 1250, 'Schuhhaus')).toBe('+1.250 Punkte vorgemerkt bei Schuhhaus');
  });

  it('notifies in the browser’s language', async () => {
    const result = await recordPurchase(db, candidate, schuhhaus, page, now);
    if (!result.recorded) throw new Error('not recorded');
    const german: AnnounceApi = { ...api(), getMessage: (key, subs) => resolveMessage(locale('de'), key, subs), uiLanguage: () => 'de' };
    await announcePurchase(german, result.purchase, schuhhaus, { apiBaseUrl: '', notifications: true, mutedShops: [] }, 7);
    expect(Object.values(fakeBrowser.notifications.getAllCreateOptions())[0]).toMatchObject({ message: '+57 Punkte vorgemerkt bei Schuhhaus' });
  });
});
