/**
 * Magento 2's success page (`/checkout/onepage/success/`, body
 * `checkout-onepage-success`): "Your order number is: <span>000000123</span>"
 * for guests, "Your order # is: <a><strong>000000123</strong></a>" when signed
 * in, "Ihre Bestellnummer lautet: …" in German. The default page shows no
 * total; themes that add one use Magento's `grand_totals` row. Without a
 * total this detector gives nothing and the GA4 detector, which reads the
 * data layer Magento fills on this page, has its turn.
 */
import type { Partner } from '../contract/index.ts';
import { bodyHasClasses, makeCandidate, safeQuery, shortText } from './common.ts';
import type { DetectContext } from './context.ts';
import { findMoney } from './money.ts';
import type { Candidate } from './types.ts';

const ORDER_NUMBER_LABEL =
  /(?:order number is|order # is|order no\.? is|bestellnummer(?: lautet| ist)?|auftragsnummer(?: lautet| ist)?)\s*:?\s*#?\s*([A-Za-z0-9][A-Za-z0-9-]{0,40})/i;
const TOTAL = 'tr.grand_totals .price, .grand.totals .price, [data-th="Grand Total"] .price, [data-th="Gesamtsumme"] .price';

function orderNumber(success: Element): string | null {
  const marked = shortText(success.querySelector('.order-number strong, a.order-number, p > span'));
  const text = shortText(success.querySelector('p')) ?? '';
  const labelled = ORDER_NUMBER_LABEL.exec(text)?.[1] ?? null;
  return labelled ?? marked;
}

export function detectMagento(doc: Document, url: URL, partner?: Partner, _ctx?: DetectContext): Candidate | null {
  const onSuccessPage = bodyHasClasses(doc, 'checkout-onepage-success') || /\/checkout\/onepage\/success(?:\/|$)/.test(url.pathname);
  if (!onSuccessPage) return null;
  const success = safeQuery(doc, '.checkout-success');
  if (success === null) return null;
  const total = shortText(safeQuery(doc, TOTAL));
  return makeCandidate(orderNumber(success), total ? findMoney(total, partner?.currency) : null, 'magento');
}
