/**
 * schema.org `Order` in `<script type="application/ld+json">`. One order with
 * an `orderNumber` and a total is a confirmation; several different orders
 * on one page are an order history and give nothing.
 */
import { ReadingBuilder } from './common.ts';
import { decimalToMoney, normalizeCurrency, parseMoney, type Money } from './money.ts';
import { safeQuery, safeQueryAll, shortText, type Page } from './page.ts';
import { RANK, type Reading } from './types.ts';

/** Structured data on a shop page is a few KB; anything beyond this is skipped unread. */
export const MAX_JSON_LD_LENGTH = 200 * 1024;
const MAX_DEPTH = 12;
const MAX_NODES = 2000;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(node: JsonObject, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value));
  } catch {
    return undefined;
  }
}

function isOrderType(type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((entry) => typeof entry === 'string' && /^(?:(?:https?:\/\/)?schema\.org\/)?Order$/.test(entry));
}

/** Every `Order` node in the parsed data, walking arrays, `@graph` and nested values within limits. */
function collectOrders(root: unknown): JsonObject[] {
  const orders: JsonObject[] = [];
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  let visited = 0;
  while (stack.length > 0 && visited < MAX_NODES) {
    const next = stack.pop();
    if (next === undefined) break;
    visited += 1;
    const { value, depth } = next;
    if (depth > MAX_DEPTH) continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    if (!isObject(value)) continue;
    if (isOrderType(own(value, '@type'))) {
      orders.push(value);
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return orders;
}

/** A price given as a number, a decimal string, or a formatted price tag. */
function priceToMoney(price: unknown, currency: unknown, fallbackCurrency: string | undefined): Money | null {
  const code = normalizeCurrency(currency) ?? fallbackCurrency;
  const money = decimalToMoney(price, code);
  if (money !== null) return money;
  return typeof price === 'string' ? parseMoney(price, code) : null;
}

/** `PriceSpecification {price, priceCurrency}` or `MonetaryAmount {value, currency}`. */
function specificationToMoney(spec: unknown, fallbackCurrency: string | undefined): Money | null {
  const first = Array.isArray(spec) ? spec[0] : spec;
  if (!isObject(first)) return null;
  const price = own(first, 'price') ?? own(first, 'value');
  return priceToMoney(price, own(first, 'priceCurrency') ?? own(first, 'currency'), fallbackCurrency);
}

/** The sum of the accepted offers, used only when the order states no total. */
function offersToMoney(offers: unknown, fallbackCurrency: string | undefined): Money | null {
  const list = Array.isArray(offers) ? offers : [offers];
  let sumMinor = 0;
  let currency: string | null = null;
  for (const offer of list.slice(0, 200)) {
    if (!isObject(offer)) return null;
    const money = priceToMoney(own(offer, 'price'), own(offer, 'priceCurrency'), fallbackCurrency);
    if (money === null || (currency !== null && money.currency !== currency)) return null;
    currency = money.currency;
    const quantity = own(offer, 'eligibleQuantity');
    const count = isObject(quantity) ? Number(own(quantity, 'value')) : 1;
    if (!Number.isSafeInteger(count) || count < 1 || count > 1000) return null;
    sumMinor += money.amountMinor * count;
  }
  return currency === null ? null : { amountMinor: sumMinor, currency };
}

function orderToMoney(order: JsonObject, fallbackCurrency: string | undefined): Money | null {
  return (
    specificationToMoney(own(order, 'totalPaymentDue'), fallbackCurrency) ??
    priceToMoney(own(order, 'price') ?? own(order, 'totalPrice'), own(order, 'priceCurrency'), fallbackCurrency) ??
    offersToMoney(own(order, 'acceptedOffer'), fallbackCurrency)
  );
}

const DEAD_STATUS = /(?:OrderCancelled|OrderReturned|OrderProblem)$/;
/** Statuses an order reaches days after it was placed: a past order's page, not its confirmation. */
const PAST_STATUS = /(?:OrderInTransit|OrderDelivered|OrderPickupAvailable)$/;

/**
 * schema.org `Order` in JSON-LD (and, more rarely, in microdata). One order
 * with an order number is strong evidence; several different orders are an
 * order history, which is evidence against.
 */
export function readJsonLd(page: Page): Reading | null {
  const reading = new ReadingBuilder('json-ld');
  const orders: JsonObject[] = [];
  for (const text of page.dataScripts('application/ld+json')) {
    if (text.length > MAX_JSON_LD_LENGTH || !text.includes('Order')) continue;
    orders.push(...collectOrders(parseJson(text)));
  }
  const numbers = new Set(orders.map((order) => String(own(order, 'orderNumber') ?? '')));
  const [order] = orders;
  if (order === undefined) return readMicrodata(page);
  if (numbers.size > 1) return reading.for('several-orders', -20, `schema.org lists ${numbers.size} different orders`).build();
  const status = own(order, 'orderStatus');
  if (typeof status === 'string' && DEAD_STATUS.test(status)) {
    return reading.for('order-cancelled', -30, `schema.org Order with status ${status}`).build();
  }
  if (typeof status === 'string' && PAST_STATUS.test(status)) {
    return reading.for('past-order', -12, `schema.org Order with status ${status}`).build();
  }
  reading.for('schema-order', 10, `schema.org Order ${String(own(order, 'orderNumber'))}`);
  reading.orderId(own(order, 'orderNumber'), RANK.structured, 'JSON-LD orderNumber');
  reading.total(orderToMoney(order, page.currency()), RANK.structured, 'JSON-LD total');
  return reading.build();
}

const MICRODATA_ORDER = '[itemtype$="schema.org/Order"]';

function readMicrodata(page: Page): Reading | null {
  const scopes = safeQueryAll(page.doc, MICRODATA_ORDER, 5);
  if (scopes.length !== 1) return readMicrodataInvoice(page);
  const [scope] = scopes as [Element];
  const reading = new ReadingBuilder('microdata');
  const number = safeQuery(scope, '[itemprop="orderNumber"]');
  const value = number?.getAttribute('content') ?? shortText(number);
  if (value === null || value === undefined) return readMicrodataInvoice(page);
  reading.for('schema-order', 10, `schema.org Order (microdata) ${value}`);
  reading.orderId(value, RANK.structured, 'microdata orderNumber');
  const price = safeQuery(scope, '[itemprop="totalPaymentDue"] [itemprop="price"], [itemprop="price"]');
  const currency = safeQuery(scope, '[itemprop="priceCurrency"]');
  const currencyCode = normalizeCurrency(currency?.getAttribute('content') ?? shortText(currency)) ?? page.currency();
  reading.total(priceToMoney(price?.getAttribute('content') ?? shortText(price), currencyCode, page.currency()), RANK.structured, 'microdata price');
  return reading.build();
}

const MICRODATA_INVOICE = '[itemtype$="schema.org/Invoice"]';

/**
 * A schema.org `Invoice` for the order just placed (Spryker's success page
 * carries one in meta tags): its `referencesOrder`, its `identifier` or
 * `confirmationNumber`, and `totalPaymentDue`. One invoice with a number and
 * an amount due; an account page listing invoices has several.
 */
function readMicrodataInvoice(page: Page): Reading | null {
  const scopes = safeQueryAll(page.doc, MICRODATA_INVOICE, 5);
  if (scopes.length !== 1) return null;
  const [scope] = scopes as [Element];
  const ownProperty = (name: string): Element | null =>
    safeQueryAll(scope, `[itemprop="${name}"]`, 20).find((element) => element.parentElement?.closest('[itemscope]') === scope) ?? null;
  const valueOf = (element: Element | null) => element?.getAttribute('content') ?? shortText(element) ?? null;
  const order = ownProperty('referencesOrder');
  const number = valueOf(order === null ? null : safeQuery(order, '[itemprop="orderNumber"]')) ?? valueOf(ownProperty('confirmationNumber')) ?? valueOf(ownProperty('identifier'));
  const due = ownProperty('totalPaymentDue');
  if (number === null || due === null) return null;
  const reading = new ReadingBuilder('microdata');
  reading.for('schema-invoice', 8, `schema.org Invoice (microdata) for order ${number}`);
  reading.orderId(number, RANK.structured, 'microdata Invoice');
  const price = safeQuery(due, '[itemprop="price"]') ?? due;
  const currency = safeQuery(due, '[itemprop="priceCurrency"]');
  const currencyCode = normalizeCurrency(valueOf(currency)) ?? page.currency();
  reading.total(priceToMoney(valueOf(price), currencyCode, page.currency()), RANK.structured, 'microdata totalPaymentDue');
  return reading.build();
}
