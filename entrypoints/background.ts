/**
 * The background: wires lib/ services to browser events. It keeps nothing in
 * memory that matters (the MV3 worker may be killed after 30 s idle): every
 * state is in IndexedDB, every retry an alarm. The in-memory matcher is only
 * a cache of the stored catalogue.
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { BADGE_COLOURS, shopBadgeText } from '@/lib/catalog/badge.ts';
import { buildMatcher, type PartnerMatcher } from '@/lib/catalog/matcher.ts';
import { CATALOG_REFRESH_ALARM, CATALOG_REFRESH_MINUTES, refreshCatalog } from '@/lib/catalog/refresh.ts';
import {
  clearLocalData,
  countOutbox,
  getAccount,
  getCatalog,
  getOffers,
  getPartner,
  getSettings,
  getSyncState,
  hasConsent,
  listConflicts,
  markFinalStep,
  openSammelpunktDb,
  recordConsent,
  takeFinalStep,
  updateSettings,
  type SammelpunktDb,
} from '@/lib/db/index.ts';
import {
  concernsTechnicalData,
  followTechnicalDataPermission,
  removeTechnicalData,
  technicalDataGranted,
  type DataCollectionApi,
} from '@/lib/data-collection.ts';
import { DETECTOR_VERSION } from '@/lib/detect/version.ts';
import { MEMBER_CONFIRMED } from '@/lib/inpage/ask.ts';
import { HEALTH_REASONS, noteDetection } from '@/lib/inpage/health.ts';
import { readPageData, type PageData } from '@/lib/detect/page-data.ts';
import { purchaseMoment } from '@/lib/inpage/moments.ts';
import { muteShop, reminderFor } from '@/lib/inpage/reminder.ts';
import { suggestionAfterPurchase } from '@/lib/inpage/suggestion.ts';
import { dispatchMessage, failureCode, type Handlers, type SenderContext } from '@/lib/messages.ts';
import { announcePurchase, recordPurchase, type AnnounceApi } from '@/lib/record.ts';
import { syncRegistration, type ScriptingLike } from '@/lib/registration.ts';
import { SYNC_RETRY_ALARM, resendVerificationCode, signIn, signOut, syncNow, verifyEmail, type SyncDeps, type SyncReason } from '@/lib/sync/index.ts';
import { claimMissingPoints, fetchRewards, redeemReward } from '@/lib/sync/member-api.ts';
import { announceExpiry } from '@/lib/sync/expiry-notice.ts';
import { announceMissions } from '@/lib/sync/mission-notice.ts';

// WXT types `getMessage` with the known keys only; record.ts asks for keys a test checks in both locale files.
type GetMessage = (key: string, substitutions?: string[]) => string;

const SYNC_PERIODIC_ALARM = 'sync-periodic';
const SYNC_PERIODIC_MINUTES = 60;

export default defineBackground(() => {
  let dbPromise: Promise<SammelpunktDb> | undefined;
  const db = () => (dbPromise ??= openSammelpunktDb());
  const fetchApi = (url: string, init: RequestInit) => fetch(url, init);
  const syncDeps = async (): Promise<SyncDeps> => ({ db: await db(), fetch: fetchApi, alarms: browser.alarms });
  const sync = async (reason: SyncReason) => syncNow(await syncDeps(), reason);
  // WXT types browser.permissions after Chrome's, which has no `data_collection`; Firefox 140+ has it.
  const dataCollection = browser.permissions as unknown as DataCollectionApi;

  let matcherCache: { key: string; matcher: PartnerMatcher } | undefined;
  async function matcher(): Promise<PartnerMatcher> {
    const catalog = await getCatalog(await db());
    const key = catalog === undefined ? 'none' : (catalog.etag ?? catalog.fetchedAt);
    if (matcherCache?.key !== key) matcherCache = { key, matcher: buildMatcher(catalog?.partners ?? []) };
    return matcherCache.matcher;
  }

  async function register(): Promise<number> {
    const database = await db();
    const [catalog, consentGiven] = await Promise.all([getCatalog(database), hasConsent(database)]);
    // The scripting types are Chrome's; the fields used here are the same in Firefox.
    const scripting = browser.scripting as unknown as ScriptingLike;
    const result = await syncRegistration({ scripting, permissions: browser.permissions, partners: catalog?.partners ?? [], consentGiven });
    return result.domains.length;
  }

  /** Fetches the catalogue, only ever after consent (refreshCatalog sends nothing before). */
  async function refresh(): Promise<{ ok: true; changed: boolean } | { ok: false; error: 'no_consent' | 'offline' }> {
    const result = await refreshCatalog({ db: await db(), fetch: fetchApi });
    if (!result.ok) {
      if (result.error === 'no_consent') return { ok: false, error: 'no_consent' };
      console.warn('Sammelpunkt: catalogue refresh failed:', result.error);
      return { ok: false, error: 'offline' };
    }
    if (result.changed) await register();
    return { ok: true, changed: result.changed };
  }

  async function syncAndFollowCatalogue(reason: SyncReason) {
    const result = await sync(reason);
    // The server's catalogue moved on: fetch it now rather than at the next six-hourly refresh.
    if (result.status === 'synced' && result.catalogChanged) await refresh();
    if (result.status === 'synced') {
      await announceExpiry(await db(), announceApi, new Date());
      await announceMissions(await db(), announceApi, new Date());
    }
    return result;
  }

  async function ensureAlarms() {
    if ((await browser.alarms.get(CATALOG_REFRESH_ALARM)) === undefined) {
      await browser.alarms.create(CATALOG_REFRESH_ALARM, { periodInMinutes: CATALOG_REFRESH_MINUTES });
    }
    if ((await browser.alarms.get(SYNC_PERIODIC_ALARM)) === undefined) {
      await browser.alarms.create(SYNC_PERIODIC_ALARM, { periodInMinutes: SYNC_PERIODIC_MINUTES });
    }
  }

  async function wakeUp(reason: SyncReason) {
    await ensureAlarms();
    // Firefox: the member may have granted technical data in the install prompt, or taken it back while we slept.
    await followTechnicalDataPermission(await db(), dataCollection).catch((error: unknown) => console.warn('Sammelpunkt: could not read the data-collection permissions', error));
    await refresh();
    await register();
    await syncAndFollowCatalogue(reason);
  }

  const action = browser.action ?? browser.browserAction;
  // Every start of the worker: cheap, and sure to hold whatever the browser kept.
  void action.setBadgeBackgroundColor({ color: BADGE_COLOURS.background }).catch(() => {});
  void action.setBadgeTextColor?.({ color: BADGE_COLOURS.text }).catch(() => {});
  const announceApi: AnnounceApi = {
    createNotification: (id, options) => browser.notifications.create(id, options),
    setBadgeText: (details) => action.setBadgeText(details),
    iconUrl: notificationIcon(),
    getMessage: (key, substitutions) => (browser.i18n.getMessage as GetMessage)(key, substitutions),
    uiLanguage: () => browser.i18n.getUILanguage(),
  };

  const handlers: Handlers = {
    async 'content:get-partner'(_message, sender) {
      const database = await db();
      if (!(await hasConsent(database)) || sender.partnerId === undefined) return { partner: null };
      const partner = (await getPartner(database, sender.partnerId)) ?? null;
      if (partner && sender.tabId !== undefined) {
        // The badge says at a glance that points are collected here, and the best offer.
        const text = shopBadgeText(partner, (await getOffers(database))?.offers ?? [], new Date());
        await action.setBadgeText({ tabId: sender.tabId, text }).catch(() => {});
      }
      if (partner && sender.tabId !== undefined && (await takeFinalStep(database, sender.tabId, partner.id, Date.now()))) {
        return { partner, afterFinalStep: true };
      }
      return { partner };
    },
    async 'content:at-final-step'(_message, sender) {
      const database = await db();
      if (!(await hasConsent(database)) || sender.partnerId === undefined || sender.tabId === undefined) return { marked: false };
      await markFinalStep(database, sender.tabId, sender.partnerId, Date.now());
      return { marked: true };
    },
    async 'content:purchase-detected'(message, sender) {
      const database = await db();
      const partner = await getPartner(database, message.partnerId);
      if (!(await hasConsent(database)) || partner === undefined) return { recorded: false };
      const result = await recordPurchase(database, message.candidate, partner, message.page);
      if (!result.recorded) {
        if (!('existing' in result)) return { recorded: false };
        // A reload of the thank-you page clears the tab's badge; show it again, without a second notification.
        if (sender.tabId !== undefined) {
          await announcePurchase(announceApi, result.existing, partner, { ...(await getSettings(database)), notifications: false }, sender.tabId);
        }
        return { recorded: false, moment: purchaseMoment(result.existing, partner, false) };
      }
      await announcePurchase(announceApi, result.purchase, partner, await getSettings(database), sender.tabId);
      if (result.purchase.method === MEMBER_CONFIRMED) {
        await noteDetection(database, { partnerId: partner.id, detectorVersion: DETECTOR_VERSION, reason: HEALTH_REASONS.memberConfirmed });
      }
      void sync('recorded');
      // Computed here from the receipts on the device; a failure costs the suggestion, never the moment.
      const suggestion = await suggestionAfterPurchase(database, partner, new Date()).catch((error: unknown) => {
        console.warn('Sammelpunkt: no partner suggestion', error);
        return undefined;
      });
      const moment = purchaseMoment(result.purchase, partner, true);
      return { recorded: true, purchaseId: result.purchase.id, moment: suggestion === undefined ? moment : { ...moment, suggestion } };
    },
    async 'content:detection-report'(message, sender) {
      // The sender check put the tab's own partner here: a page reports for itself only.
      if (sender.partnerId === undefined) return { counted: false };
      const counted = await noteDetection(await db(), { partnerId: sender.partnerId, detectorVersion: message.detectorVersion, reason: message.reason });
      return { counted };
    },
    async 'content:get-reminder'(_message, sender) {
      const database = await db();
      const partner = sender.partnerId === undefined ? undefined : await getPartner(database, sender.partnerId);
      return { reminder: partner === undefined ? null : await reminderFor(database, partner, new Date()) };
    },
    async 'content:mute-shop'(_message, sender) {
      // The sender check put the tab's own partner here: a page can only mute itself.
      if (sender.partnerId === undefined) return { muted: false };
      await muteShop(await db(), sender.partnerId);
      return { muted: true };
    },
    async 'content:read-page-data'(_message, sender) {
      if (sender.tabId === undefined || !(await hasConsent(await db()))) return { pageData: null };
      try {
        // Runs in the page's MAIN world and returns straight to here: no message on the page, nothing left behind.
        const [injection] = await browser.scripting.executeScript({
          target: { tabId: sender.tabId, frameIds: [sender.frameId ?? 0] },
          world: 'MAIN',
          func: readPageData,
        });
        const result = injection?.result;
        return { pageData: typeof result === 'object' && result !== null ? (result as PageData) : null };
      } catch (error) {
        // A browser without MAIN-world injection: the detectors read inline script text instead.
        console.info('Sammelpunkt: could not read the page data', error);
        return { pageData: null };
      }
    },
    async 'popup:get-state'() {
      const database = await db();
      const [account, sync, waiting, conflicts, settings] = await Promise.all([
        getAccount(database),
        getSyncState(database),
        countOutbox(database),
        listConflicts(database),
        getSettings(database),
      ]);
      return { ok: true, signedIn: account !== undefined, member: account?.member, sync, waiting, conflicts: conflicts.length, consent: settings.consent };
    },
    async 'popup:sync-now'() {
      const result = await syncAndFollowCatalogue('manual');
      if (result.status === 'synced') return { ok: true, result };
      if (result.status === 'signed-out') return { ok: false, error: 'unauthorized' };
      if (result.status === 'deferred') return { ok: false, error: 'rate_limited' };
      return { ok: false, error: failureCode(result.error.code) };
    },
    async 'popup:sign-in'(message) {
      const result = await signIn({ db: await db(), fetch: fetchApi }, message);
      if (!result.ok) return { ok: false, error: failureCode(result.code, message.mode) };
      void syncAndFollowCatalogue('sign-in');
      return { ok: true, member: result.member };
    },
    async 'popup:verify-email'(message) {
      const result = await verifyEmail({ db: await db(), fetch: fetchApi }, message.code);
      return result.ok ? { ok: true, member: result.member } : { ok: false, error: failureCode(result.code) };
    },
    async 'popup:resend-code'() {
      const result = await resendVerificationCode({ db: await db(), fetch: fetchApi });
      return result.ok ? { ok: true } : { ok: false, error: failureCode(result.code) };
    },
    async 'popup:sign-out'() {
      await signOut({ db: await db(), fetch: fetchApi });
      await browser.alarms.clear(SYNC_RETRY_ALARM);
      return { ok: true };
    },
    async 'popup:refresh-catalog'() {
      const result = await refresh();
      return result.ok ? { ok: true, changed: result.changed } : { ok: false, error: result.error };
    },
    async 'popup:claim'(message) {
      const result = await claimMissingPoints({ db: await db(), fetch: fetchApi }, message.purchaseId);
      return result.ok ? { ok: true } : { ok: false, error: failureCode(result.code) };
    },
    async 'popup:get-rewards'() {
      const result = await fetchRewards({ db: await db(), fetch: fetchApi });
      return result.ok ? result : { ok: false, error: failureCode(result.code) };
    },
    async 'popup:redeem'(message) {
      const result = await redeemReward({ db: await db(), fetch: fetchApi }, message.rewardId, message.idempotencyKey);
      if (!result.ok) return { ok: false, error: failureCode(result.code) };
      // The balance moved: pull it so the popup shows it.
      void sync('manual');
      return result;
    },
    async 'options:set-consent'(message) {
      const settings = await recordConsent(await db(), message.given);
      // The extension's first request: the catalogue, once, when the member agrees.
      if (message.given && (await getCatalog(await db())) === undefined) await refresh();
      await register();
      return { ok: true, consent: settings.consent };
    },
    async 'options:update-settings'({ type: _type, ...patch }) {
      const before = await getSettings(await db());
      const settings = await updateSettings(await db(), withoutUndefined(patch));
      // Another API is another catalogue and another account.
      if (settings.apiBaseUrl !== before.apiBaseUrl) void wakeUp('manual');
      return { ok: true, settings };
    },
    async 'options:permissions-changed'() {
      return { ok: true, registered: await register() };
    },
    async 'options:delete-local-data'() {
      await clearLocalData(await db());
      // The member's opt-in to detection reports is a setting too; in Firefox it is also a permission.
      if ((await technicalDataGranted(dataCollection).catch(() => undefined)) === true) await removeTechnicalData(dataCollection).catch(() => false);
      await browser.alarms.clear(SYNC_RETRY_ALARM);
      await register();
      return { ok: true };
    },
  };

  browser.runtime.onMessage.addListener(async (raw: unknown, sender) => {
    // Only content messages need the catalogue; the popup's should not wait for it.
    const type = typeof raw === 'object' && raw !== null && 'type' in raw ? raw.type : undefined;
    const fromContent = typeof type === 'string' && type.startsWith('content:');
    const partners = fromContent ? await matcher() : undefined;
    const context: SenderContext = {
      runtimeId: browser.runtime.id,
      extensionBaseUrl: browser.runtime.getURL('/'),
      partnerForHost: (host) => partners?.lookup(host),
    };
    return dispatchMessage(raw, sender, context, handlers);
  });

  browser.runtime.onInstalled.addListener(({ reason }) => {
    // The onboarding page explains what is inspected and asks for consent and host access.
    if (reason === 'install') void browser.tabs.create({ url: `${browser.runtime.getURL('/')}onboarding.html` });
    void wakeUp('startup');
  });
  browser.runtime.onStartup.addListener(() => void wakeUp('startup'));
  browser.permissions.onAdded.addListener(() => void register());
  browser.permissions.onRemoved.addListener(() => void register());
  // Firefox: technical data granted or taken back in about:addons (or on the options page) turns detection reports on or off.
  dataCollection.onAdded.addListener((added) => {
    if (concernsTechnicalData(added)) void db().then((database) => updateSettings(database, { detectionReports: true }));
  });
  dataCollection.onRemoved.addListener((removed) => {
    if (concernsTechnicalData(removed)) void db().then((database) => updateSettings(database, { detectionReports: false }));
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_RETRY_ALARM) void syncAndFollowCatalogue('alarm');
    else if (alarm.name === SYNC_PERIODIC_ALARM) void syncAndFollowCatalogue('periodic');
    else if (alarm.name === CATALOG_REFRESH_ALARM) void refresh();
  });
});

/** The manifest's largest icon, or a plain dot when the build ships none (Chrome requires an icon). */
function notificationIcon(): string {
  const icons = browser.runtime.getManifest().icons;
  const sizes = Object.keys(icons ?? {}).map(Number).sort((a, b) => b - a);
  const path = sizes[0] === undefined ? undefined : icons?.[sizes[0]];
  return path === undefined ? FALLBACK_ICON : browser.runtime.getURL('/') + path.replace(/^\//, '');
}

/** A 48 px green dot as PNG. */
const FALLBACK_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAYAAABXAvmHAAAAjklEQVR42u3aMRaAIBADUWqP6F08e6zt9AGSDVPMAX6nG9pxna1yDcAzvcwKoM6WATS43wCa3FSAfmo4QIsaAtDiugAyaU+AzPoEkGl7AGReNkBFAmAJULEAAAAAAACALADfQgAGAPgjcwBwlXAAlD9scRt1AZQ/r0cMHBETU8zIFzGzxgzdMU8NeK3S0w0nStvM2dv7dAAAAABJRU5ErkJggg==';

function withoutUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

