/**
 * Orders that shops report to analytics, ad and affiliate networks on the
 * confirmation page: GA4 and Universal Analytics (gtag, GTM's dataLayer,
 * analytics.js, ga.js), Google Ads conversions, Meta Pixel, Microsoft,
 * Pinterest, TikTok and Snap pixels, Matomo, Magento's `x-magento-init`
 * analytics JSON, Shopify's checkout object, econda, Google Customer Reviews,
 * and the sale tags of Awin, Tradedoubler, Adcell, CJ, impact.com, Criteo
 * and Rakuten Advertising (as scripts and as pixel URLs).
 *
 * Read from the page's objects at run time (`ctx.pageData`, MAIN world) and
 * from the inline scripts' text, never executed. Which amount counts: the
 * grand total the customer pays. An analytics `value` is often that, but
 * Google's own guidance lets shops send it without tax or shipping, so it
 * ranks below a total the page shows; an affiliate network's amount is the
 * commissionable (net) amount and ranks last.
 */
import { ReadingBuilder } from './common.ts';
import { decimalToMoney, normalizeCurrency, type Money } from './money.ts';
import type { Page } from './page.ts';
import { objectsAround, scriptCalls, TRACKING_HINT, type ScriptCall } from './script-calls.ts';
import { RANK, type Reading } from './types.ts';

type Data = Record<string, unknown>;

function isData(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(target: unknown, ...keys: string[]): unknown {
  if (!isData(target)) return undefined;
  for (const key of keys) if (Object.hasOwn(target, key) && target[key] !== undefined && target[key] !== '') return target[key];
  return undefined;
}

/** What one tracking call says about the order. */
interface Report {
  source: string;
  orderId?: unknown;
  value?: unknown;
  currency?: unknown;
  /** How far the amount is to be believed (see RANK). */
  amountRank: number;
  /** Evidence weight when the report carries an order id, and when it does not. */
  withId: number;
  withoutId: number;
}

const ORDER_EVENTS = /^(?:purchase|transaction|order_?complete(?:d)?|checkout_?complete(?:d)?|gtm4wp\.orderCompletedEEC)$/i;

function ga4(source: string, params: unknown): Report | null {
  if (!isData(params)) return null;
  return {
    source,
    orderId: field(params, 'transaction_id', 'transactionId', 'order_id', 'orderId', 'id'),
    value: field(params, 'value', 'revenue'),
    currency: field(params, 'currency', 'currencyCode'),
    amountRank: RANK.analyticsValue,
    withId: 10,
    withoutId: 4,
  };
}

function universal(source: string, ecommerce: Data): Report | null {
  const purchase = field(ecommerce, 'purchase');
  const action = field(purchase, 'actionField');
  if (!isData(action)) return null;
  return {
    source,
    orderId: field(action, 'id', 'transaction_id'),
    value: field(action, 'revenue', 'value'),
    currency: field(ecommerce, 'currencyCode', 'currency') ?? field(action, 'currency'),
    amountRank: RANK.analyticsValue,
    withId: 10,
    withoutId: 4,
  };
}

/** A `dataLayer` entry: a GTM push (GA4, UA enhanced ecommerce, classic transaction fields) or gtag's `arguments`. */
function fromDataLayerEntry(entry: unknown): Report | null {
  if (Array.isArray(entry)) return fromGtag(entry);
  if (!isData(entry)) return null;
  if (Object.hasOwn(entry, '0')) return fromGtag([entry[0], entry[1], entry[2]]);
  const event = field(entry, 'event');
  const ecommerce = field(entry, 'ecommerce');
  if (typeof event === 'string' && /refund/i.test(event)) return null;
  if (isData(ecommerce)) {
    const ua = universal('GTM dataLayer (Universal Analytics ecommerce)', ecommerce);
    if (ua !== null) return ua;
    const nested = field(ecommerce, 'purchase');
    if (isData(nested) && field(nested, 'transaction_id', 'transactionId') !== undefined) {
      return ga4('GTM dataLayer ecommerce.purchase', { currency: field(ecommerce, 'currency'), ...nested });
    }
    if (typeof event === 'string' && ORDER_EVENTS.test(event)) return ga4(`GTM dataLayer event "${event}"`, ecommerce);
  }
  if (field(entry, 'transactionId') !== undefined && field(entry, 'transactionTotal') !== undefined) {
    return {
      source: 'GTM dataLayer transaction fields',
      orderId: field(entry, 'transactionId'),
      value: field(entry, 'transactionTotal'),
      currency: field(entry, 'transactionCurrency', 'currency'),
      amountRank: RANK.analyticsValue,
      withId: 10,
      withoutId: 4,
    };
  }
  if (typeof event === 'string' && ORDER_EVENTS.test(event) && field(entry, 'transaction_id') !== undefined) return ga4(`dataLayer event "${event}"`, entry);
  return null;
}

function fromGtag(args: unknown[]): Report | null {
  const [kind, name, params] = args;
  if (kind !== 'event' || typeof name !== 'string') return null;
  if (name === 'purchase') return ga4('gtag purchase', params);
  // A Google Ads conversion is an order only when it carries a transaction id (sign-ups are conversions too).
  if (name === 'conversion' && field(params, 'transaction_id') !== undefined) {
    const report = ga4('Google Ads conversion', params);
    return report === null ? null : { ...report, withoutId: 0 };
  }
  return null;
}

function fromGa(args: unknown[]): Report | null {
  const [command, second, third] = args;
  if (typeof command !== 'string') return null;
  if (/(?:^|\.)ecommerce:addTransaction$/.test(command)) {
    return {
      source: 'analytics.js ecommerce:addTransaction',
      orderId: field(second, 'id'),
      value: field(second, 'revenue'),
      currency: field(second, 'currency'),
      amountRank: RANK.analyticsValue,
      withId: 10,
      withoutId: 4,
    };
  }
  if (/(?:^|\.)ec:setAction$/.test(command) && second === 'purchase') {
    return {
      source: 'analytics.js ec:setAction purchase',
      orderId: field(third, 'id'),
      value: field(third, 'revenue'),
      currency: undefined,
      amountRank: RANK.analyticsValue,
      withId: 10,
      withoutId: 4,
    };
  }
  return null;
}

/** `_gaq.push(['_addTrans', id, affiliation, total, tax, shipping, …])` and Matomo's `trackEcommerceOrder`. */
function fromQueue(target: string, args: unknown[]): Report | null {
  // One push may carry several commands: `_gaq.push(['_setAccount', …], ['_addTrans', …])`.
  for (const command of args) {
    const report = fromQueueCommand(target, command);
    if (report !== null) return report;
  }
  return null;
}

function fromQueueCommand(target: string, first: unknown): Report | null {
  if (!Array.isArray(first)) return null;
  const [command, id, second, third] = first;
  if (target === '_gaq' && command === '_addTrans') {
    return { source: 'ga.js _addTrans', orderId: id, value: third, amountRank: RANK.analyticsValue, withId: 10, withoutId: 4 };
  }
  if (target === '_paq' && command === 'trackEcommerceOrder') {
    // Matomo names its second argument the grand total.
    return { source: 'Matomo trackEcommerceOrder', orderId: id, value: second, amountRank: RANK.analyticsTotal, withId: 10, withoutId: 4 };
  }
  return null;
}

function sumOfItems(items: unknown, priceKeys: string[], quantityKeys: string[]): string | undefined {
  if (!Array.isArray(items) || items.length === 0 || items.length > 200) return undefined;
  let cents = 0;
  for (const item of items) {
    const price = decimalToMoney(field(item, ...priceKeys), 'EUR');
    const quantity = Number(field(item, ...quantityKeys) ?? 1);
    if (price === null || !Number.isSafeInteger(quantity) || quantity < 1 || quantity > 1000) return undefined;
    cents += price.amountMinor * quantity;
  }
  return (cents / 100).toFixed(2);
}

function affiliate(source: string, orderId: unknown, value: unknown, currency: unknown): Report {
  return { source, orderId, value, currency, amountRank: RANK.affiliate, withId: 10, withoutId: 0 };
}

/** One call or assignment of a pixel or network. */
function fromCall(call: ScriptCall): Report[] {
  const { target, args } = call;
  const [first, second, third] = args;
  switch (target) {
    case 'dataLayer':
      return args.map(fromDataLayerEntry).filter((report): report is Report => report !== null);
    case 'gtag': {
      const report = fromGtag(args);
      return report === null ? [] : [report];
    }
    case 'ga': {
      const report = fromGa(args);
      return report === null ? [] : [report];
    }
    case '_gaq':
    case '_paq': {
      const report = fromQueue(target, args);
      return report === null ? [] : [report];
    }
    case 'fbq':
      if (first !== 'track' || second !== 'Purchase' || !isData(third)) return [];
      return [{ source: 'Meta Pixel Purchase', orderId: field(third, 'order_id'), value: field(third, 'value'), currency: field(third, 'currency'), amountRank: RANK.analyticsValue, withId: 10, withoutId: 5 }];
    case 'uetq':
      if (first !== 'event' || second !== 'purchase' || !isData(third)) return [];
      return [{ source: 'Microsoft UET purchase', orderId: field(third, 'transaction_id'), value: field(third, 'revenue_value'), currency: field(third, 'currency'), amountRank: RANK.analyticsValue, withId: 10, withoutId: 5 }];
    case 'pintrk':
      if (first !== 'track' || second !== 'checkout' || !isData(third)) return [];
      return [{ source: 'Pinterest checkout', orderId: field(third, 'order_id'), value: field(third, 'value'), currency: field(third, 'currency'), amountRank: RANK.analyticsValue, withId: 10, withoutId: 5 }];
    case 'ttq':
      if (typeof first !== 'string' || !/^(?:CompletePayment|PlaceAnOrder|Purchase)$/.test(first) || !isData(second)) return [];
      return [{ source: `TikTok ${first}`, orderId: field(second, 'order_id'), value: field(second, 'value'), currency: field(second, 'currency'), amountRank: RANK.analyticsValue, withId: 10, withoutId: 5 }];
    case 'snaptr':
      if (first !== 'track' || second !== 'PURCHASE' || !isData(third)) return [];
      return [{ source: 'Snap PURCHASE', orderId: field(third, 'transaction_id'), value: field(third, 'price'), currency: field(third, 'currency'), amountRank: RANK.analyticsValue, withId: 10, withoutId: 5 }];
    case 'ire':
      if (first !== 'trackConversion' || !isData(third)) return [];
      return [affiliate('impact.com trackConversion', field(third, 'orderId'), sumOfItems(field(third, 'items'), ['subTotal'], []), field(third, 'currencyCode'))];
    case 'criteo': {
      const sale = args.find((arg) => field(arg, 'event') === 'trackTransaction');
      if (!isData(sale)) return [];
      return [affiliate('Criteo trackTransaction', field(sale, 'id'), sumOfItems(field(sale, 'item'), ['price'], ['quantity']), field(sale, 'currency'))];
    }
    case 'adcell':
      if (!isData(first)) return [];
      return [affiliate('Adcell tracking', field(first, 'referenz', 'orderId', 'reference'), field(first, 'betrag', 'amount'), field(first, 'currency', 'waehrung'))];
    case 'surveyoptin':
      if (!isData(first)) return [];
      return [{ source: 'Google Customer Reviews opt-in', orderId: field(first, 'order_id'), amountRank: 0, withId: 10, withoutId: 0 }];
    case 'AWIN.Tracking.Sale':
      return [affiliate('Awin conversion tag', field(first, 'orderRef'), field(first, 'amount'), field(first, 'currency'))];
    case 'cj.order':
      return [affiliate('CJ site tag', field(first, 'orderId'), field(first, 'amount') ?? sumOfItems(field(first, 'items'), ['unitPrice'], ['quantity']), field(first, 'currency'))];
    case 'rm_trans':
      return [affiliate('Rakuten Advertising', field(first, 'orderid', 'orderId'), sumOfItems(field(first, 'lineitems'), ['unitPrice'], ['quantity']), field(first, 'currency'))];
    case 'mbg':
      // PrestaShop's Google Analytics module: the numeric order id (the customer sees the reference) and the revenue paid.
      if (!isData(first)) return [];
      return [{ source: 'PrestaShop ganalytics addTransaction', orderId: field(first, 'id'), value: field(first, 'revenue'), currency: field(first, 'currency'), amountRank: RANK.analyticsValue, withId: 10, withoutId: 0 }];
    case 'emospro.billing':
      if (!Array.isArray(first)) return [];
      // emos3 sets `billing = [[orderId, customer, location, total]]`, emos2 the flat list.
      const billing: unknown[] = Array.isArray(first[0]) ? (first[0] as unknown[]) : first;
      return [{ source: 'econda billing', orderId: billing[0], value: billing[3], amountRank: RANK.analyticsTotal, withId: 10, withoutId: 0 }];
    case 'Shopify.checkout':
      return fromShopifyCheckout(first);
    default:
      return [];
  }
}

/**
 * `Shopify.checkout` is set only on the thank-you and order status pages. Its
 * `order_id` is Shopify's internal id, never shown to the customer, so it is
 * not taken; `total_price` is the total paid.
 */
function fromShopifyCheckout(checkout: unknown): Report[] {
  if (!isData(checkout)) return [];
  return [
    {
      source: 'Shopify.checkout',
      value: field(checkout, 'total_price', 'payment_due'),
      currency: field(checkout, 'presentment_currency', 'currency'),
      amountRank: RANK.structured,
      withId: 8,
      withoutId: 8,
    },
  ];
}

/** Magento's GoogleGtag / GoogleAnalytics modules: `ordersTrackingData.orders[]`, in `x-magento-init` JSON or Hyvä's inline config. */
function fromMagentoOrders(tracking: unknown): Report[] {
  const orders = field(tracking, 'orders');
  if (!Array.isArray(orders)) return [];
  return orders.slice(0, 5).map((order) => ({
    source: 'Magento ordersTrackingData',
    orderId: field(order, 'transaction_id', 'id'),
    // The modules send the order's grand total (as a string such as "1,136.05").
    value: field(order, 'value', 'revenue'),
    currency: field(order, 'currency') ?? field(tracking, 'currency'),
    amountRank: RANK.analyticsTotal,
    withId: 10,
    withoutId: 0,
  }));
}

/** A shop's own push function (`ps_dataLayer.pushData('purchase', {…})`, Drupal's settings JSON): an object with a transaction id, near the word "purchase". */
function fromLooseObjects(script: string): Report[] {
  const reports: Report[] = [];
  for (const { value, before } of objectsAround(script, 'transaction_id')) {
    const context = `${before.slice(-120)} ${String(field(value, 'event', 'name') ?? '')}`;
    if (!/purchase/i.test(context) || /refund/i.test(context)) continue;
    const report = ga4('purchase event (shop script)', value);
    if (report !== null) reports.push(report);
  }
  return reports;
}

/**
 * Heureka's conversion code (the Czech and Slovak price comparison) sets the
 * order field by field: `heureka('set_order_id', …)`, `('set_total_vat', …)`
 * (the total with VAT, what the customer pays), `('set_currency', …)`, then
 * `('send', 'Order')`. Only a sent order counts.
 */
function fromHeureka(calls: ScriptCall[]): Report[] {
  const fields = new Map<string, unknown>();
  let sent = false;
  for (const { target, args } of calls) {
    if (target !== 'heureka' || typeof args[0] !== 'string') continue;
    if (args[0] === 'send') sent ||= args[1] === 'Order';
    else fields.set(args[0], args[1]);
  }
  if (!sent || !fields.has('set_order_id')) return [];
  return [affiliate('Heureka conversion', fields.get('set_order_id'), fields.get('set_total_vat'), fields.get('set_currency'))];
}

function fromScripts(page: Page): Report[] {
  const reports: Report[] = [];
  for (const script of page.scripts()) {
    if (!TRACKING_HINT.test(script)) continue;
    const calls = scriptCalls(script);
    const named = [...calls.flatMap(fromCall), ...fromHeureka(calls)];
    reports.push(...named);
    if (script.includes('ordersTrackingData')) {
      for (const { value } of objectsAround(script, 'ordersTrackingData')) reports.push(...fromMagentoOrders(value.ordersTrackingData));
    }
    if (named.every((report) => report.orderId === undefined) && script.includes('transaction_id')) reports.push(...fromLooseObjects(script));
  }
  return reports;
}

function fromPageData(page: Page): Report[] {
  const data = page.ctx?.pageData;
  const reports: Report[] = [];
  const layer = [...(data?.dataLayer ?? []), ...(page.ctx?.ga4Events ?? [])];
  if (layer.length > 0) reports.push(...fromCall({ target: 'dataLayer', args: layer }));
  if (data === undefined) return reports;
  for (const entry of data.matomoQueue ?? []) reports.push(...fromCall({ target: '_paq', args: [entry] }));
  if (data.awinSale !== undefined) reports.push(...fromCall({ target: 'AWIN.Tracking.Sale', args: [data.awinSale] }));
  if (data.cjOrder !== undefined) reports.push(...fromCall({ target: 'cj.order', args: [data.cjOrder] }));
  if (data.rakutenTransaction !== undefined) reports.push(...fromCall({ target: 'rm_trans', args: [data.rakutenTransaction] }));
  if (data.shopifyCheckout !== undefined) reports.push(...fromShopifyCheckout(data.shopifyCheckout));
  return reports;
}

/** Pixel URLs of affiliate networks: `<img>`, `<iframe>` and `<script src>`. */
const PIXELS: ReadonlyArray<{ host: RegExp; source: string; id: string[]; amount: string[]; currency: string[]; cents?: boolean }> = [
  { host: /(?:^|\.)awin1\.com$/, source: 'Awin pixel', id: ['ref'], amount: ['amount'], currency: ['cr'] },
  { host: /(?:^|\.)tradedoubler\.com$/, source: 'Tradedoubler pixel', id: ['orderNumber', 'ordernumber'], amount: ['orderValue', 'ordervalue'], currency: ['currency'] },
  { host: /(?:^|\.)adcell\.(?:com|de)$/, source: 'Adcell pixel', id: ['referenz', 'reference'], amount: ['betrag'], currency: ['currency', 'waehrung'] },
  { host: /(?:^|\.)emjcd\.com$/, source: 'CJ pixel', id: ['OID', 'oid'], amount: ['AMOUNT', 'amount'], currency: ['CURRENCY', 'currency'] },
  { host: /(?:^|\.)linksynergy\.com$/, source: 'Rakuten Advertising pixel', id: ['ord'], amount: [], currency: ['cur'] },
];

const PIXEL_HOSTS = /awin1|tradedoubler|adcell|emjcd|linksynergy/;

/**
 * The page's images, scripts and frames with a source, through the
 * document's own collections: one attribute read each, where a
 * `[src*=…]` selector list made the browser match every element of a large
 * page against fifteen selectors.
 */
function pixelSources(doc: Document): string[] {
  const sources: string[] = [];
  for (const tag of ['img', 'script', 'iframe']) {
    const collection = doc.getElementsByTagName(tag);
    for (let index = 0; index < collection.length && sources.length < 400; index += 1) {
      const src = collection[index]?.getAttribute('src');
      if (src && src.length <= 4000 && src.includes('?') && PIXEL_HOSTS.test(src)) sources.push(src);
    }
  }
  return sources;
}

function fromPixels(page: Page): Report[] {
  const reports: Report[] = [];
  for (const src of pixelSources(page.doc)) {
    let url: URL;
    try {
      url = new URL(src, page.url);
    } catch {
      continue;
    }
    const pixel = PIXELS.find(({ host }) => host.test(url.hostname));
    if (pixel === undefined) continue;
    const param = (names: string[]) => names.map((name) => url.searchParams.get(name)).find((value) => value !== null && value !== '') ?? undefined;
    let value: unknown = param(pixel.amount);
    if (pixel.source.startsWith('Rakuten')) {
      const cents = (url.searchParams.get('amtlist') ?? '').split('|').map(Number);
      if (cents.length > 0 && cents.every((c) => Number.isSafeInteger(c) && c > 0)) value = (cents.reduce((a, b) => a + b, 0) / 100).toFixed(2);
    }
    reports.push(affiliate(pixel.source, param(pixel.id), value, param(pixel.currency)));
  }
  return reports;
}

function reportMoney(report: Report, page: Page): Money | null {
  const currency = normalizeCurrency(report.currency) ?? page.currency() ?? null;
  return decimalToMoney(report.value, currency);
}

/** The method a purchase is recorded with, named after the tag that gave its order id. */
const METHODS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Universal|analytics\.js|ga\.js|transaction fields/, 'universal-analytics'],
  [/Google Ads/, 'google-ads'],
  [/gtag|GTM|dataLayer|purchase event|ganalytics/, 'ga4'],
  [/Matomo/, 'matomo'],
  [/Meta/, 'meta-pixel'],
  [/Microsoft/, 'microsoft-ads'],
  [/Pinterest/, 'pinterest'],
  [/TikTok/, 'tiktok'],
  [/Snap/, 'snap'],
  [/impact/, 'impact'],
  [/Criteo/, 'criteo'],
  [/Heureka/, 'heureka'],
  [/Adcell/, 'adcell'],
  [/Customer Reviews/, 'google-customer-reviews'],
  [/Awin/, 'awin'],
  [/Tradedoubler/, 'tradedoubler'],
  [/CJ/, 'cj'],
  [/Rakuten/, 'rakuten'],
  [/econda/, 'econda'],
  [/Shopify/, 'shopify'],
  [/Magento/, 'magento'],
];

function methodOf(source: string): string {
  return METHODS.find(([pattern]) => pattern.test(source))?.[1] ?? 'analytics';
}

export function readAnalytics(page: Page): Reading | null {
  const reports = [...fromPageData(page), ...fromScripts(page), ...fromPixels(page)];
  if (reports.length === 0) return null;
  const reading = new ReadingBuilder('analytics');
  const counted = new Set<string>();
  for (const report of reports) {
    const before = reading.orderIds.length;
    reading.orderId(report.orderId, RANK.analytics, report.source, methodOf(report.source));
    const hasId = reading.orderIds.length > before;
    const weight = hasId ? report.withId : report.withoutId;
    // One kind of tag counts once, however often the page fires it.
    if (weight > 0 && !counted.has(report.source)) {
      counted.add(report.source);
      reading.for(hasId ? 'purchase-event' : 'purchase-event-without-id', weight, report.source);
    }
    if (report.amountRank > 0) reading.total(reportMoney(report, page), report.amountRank, report.source);
  }
  return reading.build();
}

