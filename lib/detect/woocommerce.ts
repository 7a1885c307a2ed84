/**
 * WooCommerce's "order received" page: the classic template's order overview
 * (`ul.woocommerce-order-overview`, `li.order strong`, `li.total strong`), its
 * older `woocommerce-thankyou-order-details` name, and the block theme's
 * order-confirmation summary. A failed payment is shown on the same page
 * and gives nothing.
 */
import type { Partner } from '../contract/index.ts';
import { bodyHasClasses, makeCandidate, safeQuery, shortText } from './common.ts';
import type { DetectContext } from './context.ts';
import { findMoney, type Money } from './money.ts';
import type { Candidate } from './types.ts';

const ORDER_RECEIVED_PATH = /\/(?:order-received|bestellung-erhalten)\/(\d+)/i;
const OVERVIEW = 'ul.woocommerce-order-overview, ul.woocommerce-thankyou-order-details';
const BLOCK_SUMMARY = '.wc-block-order-confirmation-summary';

function classicOverview(doc: Document, fallbackCurrency: string | undefined): { orderId: string | null; money: Money | null } | null {
  const overview = safeQuery(doc, OVERVIEW);
  if (overview === null) return null;
  const orderNode = safeQuery(overview, 'li.order strong, li.woocommerce-order-overview__order strong');
  // A number the page shows but we cannot use is not replaced by the URL's: it may be another order.
  const orderId = orderNode === null ? null : (shortText(orderNode) ?? '');
  const totalNode = safeQuery(overview, 'li.total strong, li.woocommerce-order-overview__total strong');
  // The first price inside "Total" is the total; a second one may be the included tax.
  const amount = shortText(totalNode?.querySelector('.woocommerce-Price-amount') ?? totalNode);
  return { orderId, money: amount ? findMoney(amount, fallbackCurrency) : null };
}

/** The block checkout's summary lists "Order number:", "Total:" … as key/value pairs. */
function blockSummary(doc: Document, fallbackCurrency: string | undefined): { orderId: string | null; money: Money | null } | null {
  const summary = safeQuery(doc, BLOCK_SUMMARY);
  if (summary === null) return null;
  let orderId: string | null = null;
  let money: Money | null = null;
  for (const item of Array.from(summary.querySelectorAll('.wc-block-order-confirmation-summary-list-item')).slice(0, 20)) {
    const key = shortText(item.querySelector('.wc-block-order-confirmation-summary-list-item__key')) ?? '';
    const value = shortText(item.querySelector('.wc-block-order-confirmation-summary-list-item__value'));
    if (!value) continue;
    if (/^(?:order number|order #|bestellnummer)/i.test(key)) orderId = value;
    else if (/^(?:total|gesamt|summe)/i.test(key)) money = findMoney(value, fallbackCurrency);
  }
  return { orderId, money };
}

export function detectWooCommerce(doc: Document, url: URL, partner?: Partner, _ctx?: DetectContext): Candidate | null {
  const pathMatch = ORDER_RECEIVED_PATH.exec(url.pathname);
  if (!bodyHasClasses(doc, 'woocommerce-order-received') && pathMatch === null) return null;
  if (safeQuery(doc, '.woocommerce-thankyou-order-failed') !== null) return null;
  const found = classicOverview(doc, partner?.currency) ?? blockSummary(doc, partner?.currency);
  if (found === null) return null;
  // Sequential-number plugins show a number other than the post id in the URL; the URL is only the fallback.
  return makeCandidate(found.orderId ?? pathMatch?.[1], found.money, 'woocommerce');
}
