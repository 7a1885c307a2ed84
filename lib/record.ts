/**
 * Recording a detected purchase: the local receipt and its outbox entry,
 * written together or not at all, once per order however often the
 * thank-you page is shown. Then telling the member about it.
 */
import * as z from 'zod/mini';
import { MAX_AMOUNT_MINOR, PurchaseIn, type Partner } from './contract/index.ts';
import type { Candidate } from './detect/types.ts';
import { getOffers, getSyncState, type Receipt, type SammelpunktDb, type Settings } from './db/index.ts';
import { earnPoints, exponentOf } from './points/index.ts';
import { tierMultiplierPercent } from './points/tiers.ts';
import { uuidv7 } from './uuid.ts';

/** Where the purchase was seen: origin and path only, never the query string or hash. */
export interface PageRef {
  origin: string;
  path: string;
}

export const PageRefSchema = z.object({
  origin: z.string().check(z.maxLength(300), z.regex(/^https?:\/\/[^/?#\s]+$/, 'an http(s) origin')),
  path: z.string().check(z.maxLength(2000), z.regex(/^\/[^?#\s]*$/, 'a path without query or hash')),
});

/** A detector's candidate as the recording accepts it: a positive amount up to the contract's ceiling. */
export const CandidateSchema = z.object({
  orderId: PurchaseIn.shape.orderId,
  amountMinor: z.int().check(z.minimum(1), z.maximum(MAX_AMOUNT_MINOR)),
  currency: PurchaseIn.shape.currency,
  method: PurchaseIn.shape.method,
});

export type RecordResult =
  | { recorded: true; purchase: Receipt }
  | { recorded: false; existing: Receipt }
  | { recorded: false; invalid: string };

/** Drops anything after `?` or `#`, should a caller hand over a full path. */
export function cleanPath(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

/**
 * Records `candidate` as a purchase at `partner`. Concurrent calls for the
 * same order (two tabs, a reload) yield one receipt and one outbox entry:
 * the check and the writes share one readwrite transaction over both stores,
 * which IndexedDB runs one at a time, and the unique `(partnerId, orderId)`
 * index backs it up.
 */
export async function recordPurchase(
  db: SammelpunktDb,
  candidate: Candidate,
  partner: Partner,
  page: PageRef,
  now: Date = new Date(),
  mint: (nowMs: number) => string = uuidv7,
): Promise<RecordResult> {
  const parsedCandidate = CandidateSchema.safeParse(candidate);
  if (!parsedCandidate.success) return { recorded: false, invalid: z.prettifyError(parsedCandidate.error) };
  const parsedPage = PageRefSchema.safeParse({ origin: page.origin, path: cleanPath(page.path) });
  if (!parsedPage.success) return { recorded: false, invalid: z.prettifyError(parsedPage.error) };
  const { orderId, amountMinor, currency, method } = parsedCandidate.data;

  // Everything that is not IndexedDB work happens before the transaction opens,
  // because a transaction commits as soon as it waits on anything else.
  const [offers, sync] = await Promise.all([getOffers(db), getSyncState(db)]);
  const estimate = earnPoints(
    { amountMinor, partnerId: partner.id, earn: partner.earn, exponent: exponentOf(currency), at: now, tier: sync.tier, tierMultiplierPercent: tierMultiplierPercent(sync.tier) },
    offers?.offers ?? [],
  );
  const receipt: Receipt = {
    id: mint(now.getTime()),
    partnerId: partner.id,
    orderId,
    amountMinor,
    currency,
    detectedAt: now.toISOString(),
    method,
    pageOrigin: parsedPage.data.origin,
    pagePath: parsedPage.data.path,
    estimatedPoints: currency === partner.currency ? estimate.total : 0,
  };
  const wire = PurchaseIn.safeParse(toWire(receipt));
  if (!wire.success) return { recorded: false, invalid: z.prettifyError(wire.error) };

  const tx = db.transaction(['purchases', 'outbox'], 'readwrite');
  const purchases = tx.objectStore('purchases');
  try {
    const existing = await purchases.index('by-order').get([partner.id, orderId]);
    if (existing !== undefined) {
      await tx.done;
      return { recorded: false, existing };
    }
    await purchases.add(receipt);
    await tx.objectStore('outbox').add({ id: receipt.id, attempts: 0, nextAttemptAt: now.getTime(), createdAt: receipt.detectedAt });
    await tx.done;
    return { recorded: true, purchase: receipt };
  } catch (error) {
    // A failed request has already aborted the transaction; make sure of it, quietly.
    try {
      tx.abort();
    } catch {
      // already aborted
    }
    await tx.done.catch(() => undefined);
    // The unique index refused a receipt written between our check and our add.
    const existing = await db.getFromIndex('purchases', 'by-order', [partner.id, orderId]);
    if (existing !== undefined) return { recorded: false, existing };
    throw error;
  }
}

/** The only fields of a receipt that ever leave the device. */
export function toWire(receipt: Receipt): PurchaseIn {
  return {
    id: receipt.id,
    partnerId: receipt.partnerId,
    orderId: receipt.orderId,
    amountMinor: receipt.amountMinor,
    currency: receipt.currency,
    detectedAt: receipt.detectedAt,
    method: receipt.method,
  };
}

/** The browser APIs the announcement needs, injectable for tests. */
export interface AnnounceApi {
  createNotification(id: string, options: { type: 'basic'; iconUrl: string; title: string; message: string }): Promise<unknown>;
  setBadgeText(details: { tabId: number; text: string }): Promise<void>;
  iconUrl: string;
  /** `browser.i18n.getMessage`: the texts come from `_locales`, in the browser's language. */
  getMessage(key: string, substitutions: string[]): string;
  /** `browser.i18n.getUILanguage`, for the number format. */
  uiLanguage(): string;
}

/** "+57 Punkte vorgemerkt bei Schuhhaus" / "+57 points pending at Schuhhaus", from the locale files. */
export function pendingMessage(api: Pick<AnnounceApi, 'getMessage' | 'uiLanguage'>, points: number, partnerName: string): string {
  const locale = api.uiLanguage();
  const form = new Intl.PluralRules(locale).select(points) === 'one' ? 'one' : 'other';
  const count = new Intl.NumberFormat(locale).format(points);
  const text = api.getMessage(`notifyPending_${form}`, [count, partnerName]);
  // An empty answer means the key is missing from this build's locale files; say it plainly rather than nothing.
  return text === '' ? `+${count} · ${partnerName}` : text;
}

/**
 * Tells the member a purchase was recorded: a notification (unless they
 * turned notifications off or muted this shop) and a badge on the shop's tab.
 * Failures are logged, never thrown: the receipt is already safe.
 */
export async function announcePurchase(
  api: AnnounceApi,
  receipt: Receipt,
  partner: Partner,
  settings: Settings,
  tabId: number | undefined,
): Promise<void> {
  const message = pendingMessage(api, receipt.estimatedPoints, partner.name);
  const tasks: Promise<unknown>[] = [];
  if (settings.notifications && !settings.mutedShops.includes(partner.id)) {
    tasks.push(api.createNotification(`purchase:${receipt.id}`, { type: 'basic', iconUrl: api.iconUrl, title: api.getMessage('appName', []) || 'Sammelpunkt', message }));
  }
  if (tabId !== undefined) {
    tasks.push(api.setBadgeText({ tabId, text: receipt.estimatedPoints > 0 ? `+${compact(receipt.estimatedPoints)}` : '✓' }));
  }
  const results = await Promise.allSettled(tasks);
  for (const result of results) {
    if (result.status === 'rejected') console.warn('Sammelpunkt: could not announce a purchase', result.reason);
  }
}

/** Badges fit about four characters. */
function compact(points: number): string {
  if (points < 1000) return String(points);
  if (points < 10_000) return `${Math.floor(points / 100) / 10}k`;
  return `${Math.floor(points / 1000)}k`;
}
