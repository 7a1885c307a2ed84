/**
 * What the page's own scripts hold about the order, read in the page's MAIN
 * world. `readPageData` is handed to `scripting.executeScript({world:
 * 'MAIN', func})` by the background when the content script on a partner page
 * asks for it, and its return value comes straight back to the extension: no
 * message on the page, no wrapper left on the page's objects, nothing the
 * page's scripts can listen to. It must therefore be self-contained (the
 * browser serialises its source: no imports, no outer variables) and it only
 * reads. The result is untrusted page data; the readers validate it.
 */

/** What `readPageData` returns: plain data, bounded in size, every field optional. */
export interface PageData {
  /** `window.dataLayer` (GTM pushes and `gtag` calls, whose `arguments` become arrays). */
  dataLayer?: unknown[];
  /** `window.Shopify.checkout` on Shopify's thank-you and order status pages. */
  shopifyCheckout?: unknown;
  /** `window._paq` while it is still Matomo's queue (before matomo.js replaced it). */
  matomoQueue?: unknown[];
  /** `window.AWIN.Tracking.Sale`, Awin's conversion tag. */
  awinSale?: unknown;
  /** `window.cj.order`, CJ's conversion tag. */
  cjOrder?: unknown;
  /** `window.rm_trans`, Rakuten Advertising's conversion object. */
  rakutenTransaction?: unknown;
}

/**
 * Reads the page's tracking objects. Self-contained on purpose (see above):
 * every helper is declared inside.
 */
export function readPageData(): PageData {
  const MAX_DEPTH = 6;
  const MAX_KEYS = 60;
  const MAX_ITEMS = 60;
  const MAX_STRING = 2000;
  const MAX_LAYER_ENTRIES = 200;

  function copy(value: unknown, depth: number): unknown {
    if (value === null) return null;
    const type = typeof value;
    if (type === 'string') return (value as string).slice(0, MAX_STRING);
    if (type === 'number' || type === 'boolean') return value;
    if (type !== 'object' || depth >= MAX_DEPTH) return undefined;
    try {
      // `arguments` objects (what gtag pushes) and arrays become arrays.
      const isList = Array.isArray(value) || Object.prototype.toString.call(value) === '[object Arguments]';
      if (isList) {
        const list = Array.prototype.slice.call(value as ArrayLike<unknown>, 0, MAX_ITEMS);
        return list.map((item) => copy(item, depth + 1) ?? null);
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return undefined;
      const result: Record<string, unknown> = {};
      for (const key of Object.keys(value as object).slice(0, MAX_KEYS)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        // Never run a page's getter: read plain data properties only.
        if (descriptor === undefined || !('value' in descriptor)) continue;
        const item = copy(descriptor.value, depth + 1);
        if (item !== undefined) result[key] = item;
      }
      return result;
    } catch {
      return undefined;
    }
  }

  function own(target: unknown, key: string): unknown {
    if (typeof target !== 'object' || target === null) return undefined;
    try {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
    } catch {
      return undefined;
    }
  }

  const page = globalThis as unknown;
  const data: PageData = {};
  const layer = own(page, 'dataLayer');
  if (Array.isArray(layer)) {
    data.dataLayer = layer.slice(-MAX_LAYER_ENTRIES).map((entry) => copy(entry, 0) ?? null);
  }
  const shopifyCheckout = own(own(page, 'Shopify'), 'checkout');
  if (shopifyCheckout !== undefined) data.shopifyCheckout = copy(shopifyCheckout, 0);
  const paq = own(page, '_paq');
  if (Array.isArray(paq)) data.matomoQueue = paq.slice(-MAX_LAYER_ENTRIES).map((entry) => copy(entry, 0) ?? null);
  const awinSale = own(own(own(page, 'AWIN'), 'Tracking'), 'Sale');
  if (awinSale !== undefined) data.awinSale = copy(awinSale, 0);
  const cjOrder = own(own(page, 'cj'), 'order');
  if (cjOrder !== undefined) data.cjOrder = copy(cjOrder, 0);
  const rakuten = own(page, 'rm_trans');
  if (rakuten !== undefined) data.rakutenTransaction = copy(rakuten, 0);
  return data;
}
