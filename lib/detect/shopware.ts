/**
 * Shopware 6's finish page (`/checkout/finish`, body `is-ctl-checkout
 * is-act-finishpage`): "Ihre Bestellnummer: 10023" / "Your order number:
 * #10023" in `.finish-ordernumber`, the grand total in the summary aside
 * (`dd.checkout-aside-summary-total`, "123,45 €*"). The confirm page before
 * the order has the same aside and is told apart by its body class.
 */
import type { Partner } from '../contract/index.ts';
import { bodyHasClasses, makeCandidate, safeQuery, shortText } from './common.ts';
import type { DetectContext } from './context.ts';
import { findMoney } from './money.ts';
import type { Candidate } from './types.ts';

const ORDER_NUMBER_LABEL = /(?:bestellnummer|order number|ordernumber)\s*:?\s*#?\s*([A-Za-z0-9][A-Za-z0-9-]{0,40})/i;
const TOTAL = [
  'dd.checkout-aside-summary-value.checkout-aside-summary-total',
  '.checkout-aside-summary-value.summary-total',
  'dd.checkout-aside-summary-total',
].join(', ');

function orderNumber(doc: Document): string | null {
  const node = safeQuery(doc, '.finish-ordernumber');
  if (node === null) return null;
  const fromAttribute = node.getAttribute('data-order-number');
  if (fromAttribute) return fromAttribute;
  const text = shortText(node);
  return text ? (ORDER_NUMBER_LABEL.exec(text)?.[1] ?? null) : null;
}

export function detectShopware(doc: Document, url: URL, partner?: Partner, _ctx?: DetectContext): Candidate | null {
  const onFinishPage = bodyHasClasses(doc, 'is-ctl-checkout', 'is-act-finishpage') || /\/checkout\/finish(?:\/|$)/.test(url.pathname);
  if (!onFinishPage) return null;
  const total = shortText(safeQuery(doc, TOTAL));
  return makeCandidate(orderNumber(doc), total ? findMoney(total, partner?.currency) : null, 'shopware');
}
