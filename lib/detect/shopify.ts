/**
 * Shopify's thank-you and order status pages. The order number is the one the
 * customer sees ("Order #1001", "Bestellung #1001" in `.os-order-number`, or
 * `order_number` in the `Shopify.checkout` object); the total comes from
 * `Shopify.checkout.total_price` or the summary's "payment due" line.
 * `Shopify.checkout.order_id` is Shopify's internal id, never shown to the
 * customer, so it is not used: a reload that renders the number later must
 * record the same order id, or one purchase would count twice.
 */
import type { Partner } from '../contract/index.ts';
import { inlineScriptTexts, makeCandidate, safeQuery, shortText } from './common.ts';
import type { DetectContext } from './context.ts';
import { closingIndex, parseJsLiteral } from './js-literal.ts';
import { decimalToMinor, findMoney, normalizeCurrency, type Money } from './money.ts';
import type { Candidate } from './types.ts';

const THANK_YOU_PATH = /\/(?:thank[-_]you|orders\/[0-9a-f]{16,})(?:\/|$)/i;
const PAGE_MARKERS = '.os-order-number, [data-step="thank_you"], .os-header__title';
const MAX_SCRIPT_LENGTH = 256 * 1024;
const ORDER_NUMBER_LABEL = /(?:order|bestellung|commande|confirmation|bestätigung)\s*(?:no\.|nr\.)?\s*#\s*([A-Za-z0-9][A-Za-z0-9-]{0,40})/i;

interface ShopifyCheckout {
  orderNumber: unknown;
  money: Money | null;
}

function readCheckoutObject(doc: Document): ShopifyCheckout | null {
  for (const script of inlineScriptTexts(doc, MAX_SCRIPT_LENGTH)) {
    const at = script.indexOf('Shopify.checkout');
    if (at === -1) continue;
    const assignment = /^Shopify\.checkout\s*=\s*\{/.exec(script.slice(at, at + 64));
    if (assignment === null) continue;
    const open = at + assignment[0].length - 1;
    const end = closingIndex(script, open, MAX_SCRIPT_LENGTH);
    if (end === -1) continue;
    const checkout = parseJsLiteral(script.slice(open, end));
    if (typeof checkout !== 'object' || checkout === null || Array.isArray(checkout)) continue;
    const fields = new Map(Object.entries(checkout));
    const amountMinor = decimalToMinor(fields.get('total_price'));
    const currency = normalizeCurrency(fields.get('presentment_currency') ?? fields.get('currency'));
    return {
      orderNumber: fields.get('order_number'),
      money: amountMinor !== null && currency !== null ? { amountMinor, currency } : null,
    };
  }
  return null;
}

function orderNumberFromPage(doc: Document): string | null {
  const text = shortText(safeQuery(doc, '.os-order-number'));
  if (!text) return null;
  return ORDER_NUMBER_LABEL.exec(text)?.[1] ?? null;
}

function totalFromPage(doc: Document, fallbackCurrency: string | undefined): Money | null {
  const price = shortText(safeQuery(doc, '.payment-due__price, [data-checkout-payment-due-target]'));
  if (!price) return null;
  const currency = shortText(safeQuery(doc, '.payment-due__currency')) ?? undefined;
  return findMoney(price, normalizeCurrency(currency) ?? fallbackCurrency);
}

export function detectShopify(doc: Document, url: URL, partner?: Partner, _ctx?: DetectContext): Candidate | null {
  const onThankYouPage = THANK_YOU_PATH.test(url.pathname) || safeQuery(doc, PAGE_MARKERS) !== null;
  if (!onThankYouPage) return null;
  const checkout = readCheckoutObject(doc);
  const orderNumber = orderNumberFromPage(doc) ?? checkout?.orderNumber;
  const money = checkout?.money ?? totalFromPage(doc, partner?.currency);
  return makeCandidate(orderNumber, money, 'shopify');
}
