import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { buildMatcher } from '../../lib/catalog/matcher.ts';
import { getPartner, getSettings, hasConsent, listDetectionReports, markFinalStep, recordConsent, saveCatalog, takeFinalStep, updateSettings, type SammelpunktDb } from '../../lib/db/index.ts';
import {
  checkSender,
  dispatchMessage,
  failureCode,
  parseMessage,
  type Handlers,
  type Sender,
  type SenderContext,
} from '../../lib/messages.ts';
import { muteShop, reminderFor } from '../../lib/inpage/reminder.ts';
import { noteDetection } from '../../lib/inpage/health.ts';
import { recordPurchase } from '../../lib/record.ts';
import { buchladen, freshDb, schuhhaus } from './support.ts';

let db: SammelpunktDb;
let warn: ReturnType<typeof vi.spyOn>;

function context(): SenderContext {
  const matcher = buildMatcher([schuhhaus, buchladen]);
  return { runtimeId: browser.runtime.id, extensionBaseUrl: browser.runtime.getURL('/'), partnerForHost: (h) => matcher.lookup(h) };
}

const purchaseMessage = {
  type: 'content:purchase-detected',
  partnerId: 'schuhhaus',
  candidate: { orderId: 'SH-1', amountMinor: 11_490, currency: 'EUR', method: 'json-ld' },
  page: { origin: 'https://www.schuhhaus-example.de', path: '/checkout/success' },
};

const partnerTab: Sender = {
  id: 'test-extension-id',
  url: 'https://www.schuhhaus-example.de/checkout/success',
  tab: { id: 4, url: 'https://www.schuhhaus-example.de/checkout/success' },
};

/** The background's real recording path, reduced to what these tests need. */
function handlers(): Handlers {
  const unused = () => Promise.reject(new Error('not under test'));
  return {
    'content:get-partner': async (_m, sender) => {
      const partner = (sender.partnerId && (await getPartner(db, sender.partnerId))) || null;
      if (partner && sender.tabId !== undefined && (await takeFinalStep(db, sender.tabId, partner.id, Date.now()))) return { partner, afterFinalStep: true };
      return { partner };
    },
    'content:at-final-step': async (_m, sender) => {
      if (!(await hasConsent(db)) || sender.partnerId === undefined || sender.tabId === undefined) return { marked: false };
      await markFinalStep(db, sender.tabId, sender.partnerId, Date.now());
      return { marked: true };
    },
    'content:purchase-detected': async (message) => {
      const partner = await getPartner(db, message.partnerId);
      if (!(await hasConsent(db)) || partner === undefined) return { recorded: false };
      const result = await recordPurchase(db, message.candidate, partner, message.page);
      return result.recorded ? { recorded: true, purchaseId: result.purchase.id } : { recorded: false };
    },
    'content:detection-report': async (message, sender) => {
      if (sender.partnerId === undefined) return { counted: false };
      return { counted: await noteDetection(db, { partnerId: sender.partnerId, reason: message.reason, detectorVersion: message.detectorVersion }) };
    },
    'content:get-reminder': async (_m, sender) => {
      const partner = sender.partnerId === undefined ? undefined : await getPartner(db, sender.partnerId);
      return { reminder: partner === undefined ? null : await reminderFor(db, partner, new Date()) };
    },
    'content:mute-shop': async (_m, sender) => {
      if (sender.partnerId === undefined) return { muted: false };
      await muteShop(db, sender.partnerId);
      return { muted: true };
    },
    // Stands in for scripting.executeScript: says which tab and frame the background would read.
    'content:read-page-data': async (_m, sender) => ({ pageData: { dataLayer: [`tab ${sender.tabId} frame ${sender.frameId}`] } }),
    'popup:get-state': unused,
    'popup:sync-now': unused,
    'popup:sign-in': unused,
    'popup:verify-email': unused,
    'popup:resend-code': unused,
    'popup:sign-out': async () => ({ ok: true }),
    'popup:refresh-catalog': unused,
    'popup:claim': unused,
    'popup:get-rewards': unused,
    'popup:redeem': unused,
    'options:set-consent': async (message) => ({ ok: true, consent: (await recordConsent(db, message.given)).consent }),
    'options:update-settings': async ({ type: _type, ...patch }) => ({ ok: true, settings: await updateSettings(db, patch) }),
    'options:permissions-changed': unused,
    'options:delete-local-data': unused,
  };
}

beforeEach(async () => {
  fakeBrowser.reset();
  db = await freshDb();
  await saveCatalog(db, { partners: [schuhhaus, buchladen], fetchedAt: '2025-03-01T00:00:00.000Z' });
  await recordConsent(db, true);
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('messages: what must pass', () => {
  it('records a purchase reported by the content script on its partner tab', async () => {
    const answer = await dispatchMessage(purchaseMessage, partnerTab, context(), handlers());
    expect(answer).toMatchObject({ recorded: true });
    expect(await db.count('purchases')).toBe(1);
  });

  it('tells the content script its partner, decided from the tab, not from the message', async () => {
    expect(await dispatchMessage({ type: 'content:get-partner' }, partnerTab, context(), handlers())).toEqual({ partner: schuhhaus });
  });

  it('tells the next page of a tab that left the final checkout step, once, and no other tab or shop', async () => {
    expect(await dispatchMessage({ type: 'content:at-final-step' }, partnerTab, context(), handlers())).toEqual({ marked: true });
    const otherTab: Sender = { ...partnerTab, tab: { id: 5, url: partnerTab.url } };
    expect(await dispatchMessage({ type: 'content:get-partner' }, otherTab, context(), handlers())).toEqual({ partner: schuhhaus });
    expect(await dispatchMessage({ type: 'content:get-partner' }, partnerTab, context(), handlers())).toEqual({ partner: schuhhaus, afterFinalStep: true });
    // The page after that one (the member browses on) is not the one the final step led to.
    expect(await dispatchMessage({ type: 'content:get-partner' }, partnerTab, context(), handlers())).toEqual({ partner: schuhhaus });
    // The same tab moving on to another shop after the final step: that shop's page is judged on its own.
    await dispatchMessage({ type: 'content:at-final-step' }, partnerTab, context(), handlers());
    const bookshop: Sender = { id: partnerTab.id, url: 'https://www.buchladen.example/', tab: { id: 4, url: 'https://www.buchladen.example/' } };
    expect(await dispatchMessage({ type: 'content:get-partner' }, bookshop, context(), handlers())).toEqual({ partner: buchladen });
  });

  it('keeps the final-step mark no longer than the window a payment may take', async () => {
    await markFinalStep(db, 4, 'schuhhaus', 1_000);
    expect(await takeFinalStep(db, 4, 'schuhhaus', 1_000 + 31 * 60 * 1000)).toBe(false);
    await markFinalStep(db, 4, 'schuhhaus', 1_000);
    expect(await takeFinalStep(db, 4, 'schuhhaus', 1_000 + 29 * 60 * 1000)).toBe(true);
  });

  it('counts a detection-health report under the tab’s partner, whatever else the page would like', async () => {
    await updateSettings(db, { detectionReports: true });
    const report = { type: 'content:detection-report', reason: 'ambiguous_total', detectorVersion: '2.0.0' };
    expect(await dispatchMessage(report, partnerTab, context(), handlers())).toEqual({ counted: true });
    expect(await dispatchMessage(report, partnerTab, context(), handlers())).toEqual({ counted: true });
    const [counter, ...others] = await listDetectionReports(db);
    expect(others).toEqual([]);
    expect(counter).toMatchObject({ partnerId: 'schuhhaus', reason: 'ambiguous_total', detectorVersion: '2.0.0', count: 2 });
    // Only the partner, the day, the version, the reason and the count are kept.
    expect(Object.keys(counter!).sort()).toEqual(['count', 'day', 'detectorVersion', 'key', 'partnerId', 'reason']);
  });

  it('accepts popup and options messages from extension pages', async () => {
    const popup: Sender = { id: 'test-extension-id', url: 'chrome-extension://test-extension-id/popup.html' };
    expect(await dispatchMessage({ type: 'popup:sign-out' }, popup, context(), handlers())).toEqual({ ok: true });
    const onboarding: Sender = { ...popup, url: 'chrome-extension://test-extension-id/onboarding.html', tab: { id: 9 } };
    expect(await dispatchMessage({ type: 'options:set-consent', given: false }, onboarding, context(), handlers())).toMatchObject({ ok: true });
    expect(await hasConsent(db)).toBe(false);
  });

  it('the options page turns detection reports on, and off again, which deletes what was counted', async () => {
    const options: Sender = { id: 'test-extension-id', url: 'chrome-extension://test-extension-id/options.html', tab: { id: 9 } };
    const report = { type: 'content:detection-report', reason: 'no_record', detectorVersion: '2.0.0' };
    expect(await dispatchMessage(report, partnerTab, context(), handlers())).toEqual({ counted: false });

    expect(await dispatchMessage({ type: 'options:update-settings', detectionReports: true }, options, context(), handlers())).toMatchObject({ ok: true, settings: { detectionReports: true } });
    expect(await dispatchMessage(report, partnerTab, context(), handlers())).toEqual({ counted: true });
    expect(await listDetectionReports(db)).toHaveLength(1);

    expect(await dispatchMessage({ type: 'options:update-settings', detectionReports: false }, options, context(), handlers())).toMatchObject({ ok: true, settings: { detectionReports: false } });
    expect(await listDetectionReports(db)).toEqual([]);
    expect(await dispatchMessage(report, partnerTab, context(), handlers())).toEqual({ counted: false });
  });
});

describe('messages: what must be refused', () => {
  it.each([
    ['not an object', 'hello'],
    ['an unknown type', { type: 'content:make-me-rich' }],
    ['a negative amount', { ...purchaseMessage, candidate: { ...purchaseMessage.candidate, amountMinor: -5 } }],
    ['a string amount', { ...purchaseMessage, candidate: { ...purchaseMessage.candidate, amountMinor: '114.90' } }],
    ['a page with a query string', { ...purchaseMessage, page: { origin: purchaseMessage.page.origin, path: '/ok?email=a@b.c' } }],
    ['a missing candidate', { type: 'content:purchase-detected', partnerId: 'schuhhaus', page: purchaseMessage.page }],
    ['a consent that is not a boolean', { type: 'options:set-consent', given: 'yes' }],
    ['a detection-reports switch that is not a boolean', { type: 'options:update-settings', detectionReports: 'yes' }],
    ['a detection report carrying page text as its reason', { type: 'content:detection-report', reason: 'Order 10023 for jane@example.com', detectorVersion: '2.0.0' }],
  ])('drops %s, logs it and records nothing', async (_name, raw) => {
    expect(await dispatchMessage(raw, partnerTab, context(), handlers())).toBeUndefined();
    expect(warn).toHaveBeenCalled();
    expect(await db.count('purchases')).toBe(0);
    expect(await listDetectionReports(db)).toEqual([]);
  });

  it('needs consent before anything is recorded', async () => {
    await recordConsent(db, false);
    expect(await dispatchMessage(purchaseMessage, partnerTab, context(), handlers())).toEqual({ recorded: false });
    expect(await db.count('purchases')).toBe(0);
  });

  it('maps API failures onto what the popup explains', () => {
    expect(failureCode('unauthorized', 'login')).toBe('invalid_credentials');
    expect(failureCode('conflict', 'register')).toBe('email_taken');
    expect(failureCode('network')).toBe('offline');
    expect(failureCode('timeout')).toBe('offline');
    expect(failureCode('rate_limited')).toBe('rate_limited');
    expect(failureCode('insufficient_points')).toBe('insufficient_points');
    expect(failureCode('internal')).toBe('generic');
  });
});

describe('messages: what an attacker tries', () => {
  it.each<[string, Sender]>([
    ['another extension', { ...partnerTab, id: 'evil-extension' }],
    ['a web page (no extension id)', { url: partnerTab.url, tab: partnerTab.tab }],
    ['a non-partner tab', { id: 'test-extension-id', url: 'https://evil.example/thanks', tab: { id: 4, url: 'https://evil.example/thanks' } }],
    ['a look-alike host', { id: 'test-extension-id', url: 'https://schuhhaus-example.de.evil.com/', tab: { id: 4, url: 'https://schuhhaus-example.de.evil.com/' } }],
    ['a partner tab with a foreign frame', { ...partnerTab, url: 'https://ads.example/frame' }],
    ['no tab at all', { id: 'test-extension-id', url: partnerTab.url }],
    ['a file: page', { id: 'test-extension-id', url: 'file:///tmp/schuhhaus-example.de.html', tab: { id: 4, url: 'file:///tmp/schuhhaus-example.de.html' } }],
  ])('a purchase claim from %s is dropped and nothing recorded', async (_name, sender) => {
    expect(await dispatchMessage(purchaseMessage, sender, context(), handlers())).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('dropped content:purchase-detected'));
    expect(await db.count('purchases')).toBe(0);
  });

  it('a claim for another partner than the tab’s is dropped', async () => {
    const forged = { ...purchaseMessage, partnerId: 'buchladen' };
    expect(await dispatchMessage(forged, partnerTab, context(), handlers())).toBeUndefined();
    expect(await db.count('purchases')).toBe(0);
  });

  it('a partner page can mute only its own reminder, whatever partner it names', async () => {
    const answer = await dispatchMessage({ type: 'content:mute-shop', partnerId: 'buchladen' }, partnerTab, context(), handlers());
    expect(answer).toEqual({ muted: true });
    expect((await getSettings(db)).mutedShops).toEqual(['schuhhaus']);
    const fromPage = await dispatchMessage({ type: 'content:mute-shop' }, { url: partnerTab.url, tab: partnerTab.tab }, context(), handlers());
    expect(fromPage).toBeUndefined();
    expect((await getSettings(db)).mutedShops).toEqual(['schuhhaus']);
  });

  it('a reminder is asked for the tab’s partner, once a day, and never from a non-partner tab', async () => {
    expect(await dispatchMessage({ type: 'content:get-reminder' }, partnerTab, context(), handlers())).toEqual({ reminder: {} });
    expect(await dispatchMessage({ type: 'content:get-reminder' }, partnerTab, context(), handlers())).toEqual({ reminder: null });
    const evil = { id: 'test-extension-id', url: 'https://evil.example/', tab: { id: 5, url: 'https://evil.example/' } };
    expect(await dispatchMessage({ type: 'content:get-reminder' }, evil, context(), handlers())).toBeUndefined();
  });

  it('page data is read only in the sending frame of a partner tab, never from a non-partner tab or a page', async () => {
    const answer = await dispatchMessage({ type: 'content:read-page-data' }, { ...partnerTab, frameId: 0 }, context(), handlers());
    expect(answer).toEqual({ pageData: { dataLayer: ['tab 4 frame 0'] } });
    const evil = { id: 'test-extension-id', url: 'https://evil.example/', tab: { id: 5, url: 'https://evil.example/' }, frameId: 0 };
    expect(await dispatchMessage({ type: 'content:read-page-data' }, evil, context(), handlers())).toBeUndefined();
    expect(await dispatchMessage({ type: 'content:read-page-data' }, { url: partnerTab.url, tab: partnerTab.tab }, context(), handlers())).toBeUndefined();
  });

  it('a content script cannot send popup or options messages', async () => {
    expect(checkSender({ type: 'options:set-consent', given: true }, partnerTab, context())).toMatchObject({ ok: false });
    // A partner page cannot opt the member in to detection reports.
    expect(await dispatchMessage({ type: 'options:update-settings', detectionReports: true }, partnerTab, context(), handlers())).toBeUndefined();
    expect((await getSettings(db)).detectionReports).toBe(false);
    expect(checkSender({ type: 'popup:sign-out' }, { id: 'test-extension-id', url: 'https://chrome-extension.evil/' }, context())).toMatchObject({ ok: false });
  });

  it('parseMessage never throws on hostile input', () => {
    const cyclic: Record<string, unknown> = { type: 'popup:sync-now' };
    cyclic.self = cyclic;
    expect(parseMessage(cyclic)).toEqual({ type: 'popup:sync-now' });
    expect(parseMessage(null)).toBeUndefined();
    expect(parseMessage({ type: { toString: () => { throw new Error('boom'); } } })).toBeUndefined();
  });
});
