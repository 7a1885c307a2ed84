/**
 * PrestaShop 1.7/8's order confirmation (body id `order-confirmation`,
 * `/order-confirmation?id_cart=…` or `/bestellbestaetigung`): the reference
 * the customer sees ("Order reference: XKBKNABJK", "Bestellreferenz: …") in
 * `#order-details`, and the "Total (tax incl.)" / "Gesamt (inkl. MwSt.)" row
 * of the confirmation table. `id_order` in the URL is an internal number and
 * is not used.
 */
import type { Partner } from '../contract/index.ts';
import { makeCandidate, safeQuery, shortText } from './common.ts';
import type { DetectContext } from './context.ts';
import { findMoney, type Money } from './money.ts';
import type { Candidate } from './types.ts';

const CONFIRMATION_PATH = /\/(?:order-confirmation|bestellbestaetigung|bestellbestätigung)(?:\/|$|\.)/i;
const REFERENCE_LABEL =
  /(?:order reference|reference|bestellreferenz|bestellnummer|referenz)\s*:?\s*#?\s*([A-Za-z0-9][A-Za-z0-9-]{0,40})/i;
const TOTAL_LABEL = /^(?:total|gesamt|summe|gesamtsumme)\b/i;
const NET_LABEL = /(?:tax excl|excl\. tax|exkl|zzgl|netto)/i;

function reference(doc: Document): string | null {
  const node = safeQuery(doc, '#order-reference-value') ?? safeQuery(doc, '#order-details li');
  const text = shortText(node);
  return text ? (REFERENCE_LABEL.exec(text)?.[1] ?? null) : null;
}

function total(doc: Document, fallbackCurrency: string | undefined): Money | null {
  const marked = shortText(safeQuery(doc, '.order-confirmation-table tr.total-value td:last-child'));
  if (marked) return findMoney(marked, fallbackCurrency);
  const table = safeQuery(doc, '.order-confirmation-table, #order-items');
  if (table === null) return null;
  for (const row of Array.from(table.querySelectorAll('tr')).slice(-12)) {
    const cells = row.querySelectorAll('td, th');
    const label = shortText(cells[0]) ?? '';
    const value = shortText(cells[cells.length - 1]);
    if (cells.length >= 2 && value && TOTAL_LABEL.test(label) && !NET_LABEL.test(label)) return findMoney(value, fallbackCurrency);
  }
  return null;
}

export function detectPrestaShop(doc: Document, url: URL, partner?: Partner, _ctx?: DetectContext): Candidate | null {
  const onConfirmationPage =
    doc.body?.id === 'order-confirmation' ||
    CONFIRMATION_PATH.test(url.pathname) ||
    /(?:^|&)controller=order-confirmation(?:&|$)/.test(url.search.slice(1));
  if (!onConfirmationPage) return null;
  return makeCandidate(reference(doc), total(doc, partner?.currency), 'prestashop');
}
