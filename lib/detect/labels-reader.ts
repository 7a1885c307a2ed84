/**
 * The reader every shop answers to, whatever its system: the visible page.
 * A confirmation says thank you for the order, names the order number after
 * a label and the grand total after another, in the shop's language. This
 * reader finds those labels in ten languages and reads the value beside
 * each: in the same text, in the element after it (`<dt>`/`<dd>`,
 * `<th>`/`<td>`, a label `<span>` and a `<strong>`), or in the element's own
 * text ("Bestellnummer: <b>4711</b>").
 */
import { orderIdAfterLabel, ReadingBuilder } from './common.ts';
import {
  FAILED_PAYMENT,
  GRAND_TOTAL_LABEL,
  INCLUDED_PHRASE,
  ORDER_NUMBER_LABEL,
  ORDER_HEADING,
  ORDER_STATUS,
  ORDER_THANKS,
  ORDER_WORD,
  PARTIAL_TOTAL_LABEL,
  PAYABLE_LABEL,
  PAYMENT_REFERENCE_LABEL,
  INVOICE_NUMBER_HEADING,
  INVOICE_NUMBER_LABEL,
  BARE_PAID_LABEL,
  INVOICE_HEADING,
  THANK_YOU_HEADING,
  TAX_OR_SHIPPING_LABEL,
  TOTAL_LABEL,
} from './labels.ts';
import { isKnownCurrency } from './currency.ts';
import { findMoney, type Money } from './money.ts';
import { appendText, shortText, type Page, type TextPiece } from './page.ts';
import { RANK, type Reading } from './types.ts';

/** Elements whose text is navigation or a control, never a label of the order. */
const FORM_FIELD = new Set(['INPUT', 'SELECT', 'TEXTAREA']);
const NOT_A_LABEL = new Set(['A', 'BUTTON', 'OPTION', 'LABEL', 'INPUT', 'SUMMARY']);
/** Containers whose next sibling belongs to something else (the next row, the next list item). */
const BOUNDARY = new Set(['TR', 'LI', 'P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'DL', 'TABLE', 'TBODY', 'TFOOT', 'THEAD', 'FORM', 'SECTION', 'ARTICLE', 'MAIN', 'BODY', 'HEADER', 'FOOTER', 'NAV', 'ASIDE', 'FIELDSET']);
const HEADING = /^H[1-4]$/;
const HEADING_CLASS = /(?:^|[\s_-])(?:title|headline|heading|header|hero)(?:$|[\s_-])/i;
const ALERT_CLASS = /(?:alert|error|notice|message|danger|warning|flash)/i;
/** Whether the page's text thanks for an order or names its step: the content's own evidence, checked cheaply. */
export function mentionsAnOrder(page: Page): boolean {
  if (page.bodyMatches(ORDER_THANKS) || page.bodyMatches(ORDER_STATUS)) return true;
  // Tag by tag: a selector list would match every element of a large page against both.
  for (const tag of ['h1', 'h2']) {
    const headings = page.doc.getElementsByTagName(tag);
    for (let index = 0; index < headings.length && index < 20; index += 1) {
      const text = shortText(headings[index], 120);
      if (text !== null && ORDER_HEADING.test(text)) return true;
    }
  }
  return false;
}

/** A label is short; a long text that merely mentions "order number" is a sentence about it. */
const MAX_LABEL_PIECE = 90;
const MAX_VALUE_TEXT = 160;

function within(element: Element | null, depth: number, test: (element: Element) => boolean): boolean {
  for (let node = element, level = 0; node !== null && level <= depth; node = node.parentElement, level += 1) {
    if (test(node)) return true;
  }
  return false;
}

function isHeading(element: Element): boolean {
  return within(element, 3, (node) => HEADING.test(node.tagName) || node.getAttribute('role') === 'heading' || HEADING_CLASS.test(node.getAttribute('class') ?? ''));
}

function isAlert(element: Element): boolean {
  return within(element, 3, (node) => node.getAttribute('role') === 'alert' || ALERT_CLASS.test(node.getAttribute('class') ?? ''));
}

/**
 * Column headers label a column of many values, not one value: a table's
 * head, or a row of three or more short labels with no figure and no
 * "label: value" among them (the header of a grid built from `<div>`s:
 * "Quantity · Price · Sum").
 */
function isColumnHeader(element: Element): boolean {
  if (within(element, 2, (node) => node.tagName === 'THEAD' || (node.tagName === 'TH' && node.getAttribute('scope') === 'col'))) return true;
  return within(element, 1, isHeaderRow);
}

function isHeaderRow(node: Element): boolean {
  const row = node.parentElement;
  if (row === null) return false;
  // What the member sees of the row: scripts and styles inside it are not cells.
  const cells = Array.from(row.children).filter((cell) => !INVISIBLE_TAGS.has(cell.tagName));
  if (cells.length < 3 || cells.length > 12) return false;
  const texts = cells.map((cell) => (cell.textContent ?? '').trim());
  if (texts.join(' ').length > 200 || texts.some((text) => /\d/.test(text))) return false;
  // Header cells name a column and nothing else: no "Label: value" among them.
  return texts.every((text) => text.length <= 30 && !text.includes(':'));
}

const INVISIBLE_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);

function isControl(element: Element, staticLabels = false): boolean {
  return within(element, 2, (node) => NOT_A_LABEL.has(node.tagName) && !(staticLabels && node.tagName === 'LABEL' && isStaticLabel(node)));
}

/**
 * A `<label>` that names no form field (Foxy's receipt: "Order ID" over a static value) labels what follows, like a `<dt>`.
 * Taken for the order number only: shops also repeat a static "Total" label on every line for small screens.
 */
function isStaticLabel(label: Element): boolean {
  if (label.hasAttribute('for') || label.querySelector('input, select, textarea') !== null) return false;
  const next = label.nextElementSibling;
  return next === null || (!FORM_FIELD.has(next.tagName) && next.querySelector('input, select, textarea') === null);
}

const NUMBER_WORD = /number|nummer|numéro|numero|número|numer\b|\bnr\b|\bno\b/;
const ID_WORD = /\bid\b/;

/** How often each wording occurs on the page's static labels (lower-cased, spaces collapsed). */
function countStaticLabels(doc: Document): Map<string, number> {
  const counts = new Map<string, number>();
  const labels = doc.getElementsByTagName('label');
  for (let index = 0; index < labels.length && index < 500; index += 1) {
    const label = labels[index] as Element;
    if (!isStaticLabel(label)) continue;
    const text = (label.textContent ?? '').replace(/[\s\u00a0\u202f\u2009\u2007\u200b]+/g, ' ').trim().toLowerCase();
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

/**
 * The value that goes with a label found in `piece`: tried on the text after
 * the label in the piece, then, climbing at most three levels, in each
 * element's own text after the label and in its next element sibling.
 */
function valueAfterLabel<T>(piece: TextPiece, labelEnd: number, read: (text: string) => T | null, levels = 4): T | null {
  const rest = piece.text.slice(labelEnd);
  const direct = read(rest);
  if (direct !== null) return direct;
  // In a sentence only what follows the label on the same line counts: "… the order number is <strong>102317</strong>".
  if (levels === 0 && rest.trim() !== '') return null;
  // "- Importo <span>214,00 €</span><br>": what follows the label's own text node, up to the next line.
  const following: string[] = [];
  const budget = { left: MAX_VALUE_TEXT };
  for (let node = piece.node.nextSibling; node !== null && budget.left > 0; node = node.nextSibling) {
    if (node.nodeType === 1 && ((node as Element).tagName === 'BR' || BOUNDARY.has((node as Element).tagName))) break;
    appendText(node, following, budget);
  }
  const after = `${rest} ${following.join('')}`.replace(/\s+/g, ' ').trim();
  if (after.length > 0 && after !== rest.trim()) {
    const found = read(after);
    if (found !== null) return found;
  }
  const labelText = piece.lower.slice(0, labelEnd);
  let node: Element | null = piece.element;
  for (let level = 0; node !== null && level < levels; level += 1, node = node.parentElement) {
    const own = shortText(node, MAX_VALUE_TEXT);
    if (own !== null) {
      const at = wordIndex(own.toLowerCase(), labelText);
      if (at !== -1) {
        const found = read(own.slice(at + labelText.length));
        if (found !== null) return found;
      }
    }
    if (level > 0 && BOUNDARY.has(node.tagName) && !wrapsAlone(node)) return null;
    // Right-aligned layouts write the amount before its label (`<div>$264.84</div><div>Total:</div>`).
    if (level === 0 && nextText(node) === null) {
      const before = shortText(node.previousElementSibling, MAX_VALUE_TEXT);
      const found = before === null ? null : read(before);
      if (found !== null) return found;
    }
    // The value may be spread over the next few siblings (`<strong>$</strong><span>222.61</span>`).
    let sibling = node.nextElementSibling;
    let joined = '';
    for (let taken = 0; sibling !== null && taken < 3; sibling = sibling.nextElementSibling) {
      const text = shortText(sibling, MAX_VALUE_TEXT);
      if (text === null) break;
      if (text.length === 0) continue;
      joined = `${joined}${taken === 0 ? '' : ' '}${text}`.trim();
      taken += 1;
      const found = read(joined);
      if (found !== null) return found;
      if (joined.length > MAX_VALUE_TEXT) break;
    }
    if (BOUNDARY.has(node.tagName) && !wrapsAlone(node)) return null;
  }
  return null;
}

/** A heading or paragraph that is all its cell holds (`<td><h3>Order total</h3></td>`): the cell, not the heading, bounds the label. */
function wrapsAlone(node: Element): boolean {
  const parent = node.parentElement;
  if (parent === null || !/^(?:TD|TH|DT|DD|DIV|SPAN)$/.test(parent.tagName) || parent.children.length !== 1) return false;
  return (parent.textContent ?? '').trim() === (node.textContent ?? '').trim();
}

/** Where `label` starts at a word boundary in `text`, or -1. */
function wordIndex(text: string, label: string): number {
  let at = text.indexOf(label);
  while (at > 0 && /[\p{L}\p{N}]/u.test(text.charAt(at - 1))) at = text.indexOf(label, at + 1);
  return at;
}

/** The first non-empty text among the next element siblings, or null. */
function nextText(node: Element): string | null {
  for (let sibling = node.nextElementSibling, seen = 0; sibling !== null && seen < 3; sibling = sibling.nextElementSibling, seen += 1) {
    const text = shortText(sibling, MAX_VALUE_TEXT);
    if (text) return text;
  }
  return null;
}

/** A total's value without the notes shops put beside it: "(Inclusive of tax €17.09)", "inkl. 19 % MwSt. 19,71 €". */
function totalIn(text: string, hint: Parameters<typeof findMoney>[1]): ReturnType<typeof findMoney> {
  const cleaned = text.replace(/\([^)]{0,80}\)/g, ' ').replace(INCLUDED_PHRASE, ' ');
  return findMoney(cleaned, hint) ?? (cleaned === text ? null : null);
}

/** An amount of nothing, with or without its currency: `£0.00`, `0,00 €`, `CHF 0.–`. */
const ZERO_AMOUNT = /^\s*[:\-–]?\s*(?:[£$€¥]|[a-z]{3}\s)?\s*0(?:[.,](?:0{1,3}|–|-))?\s*(?:€|zł|kr\.?|kč|[a-z]{3})?\s*$/i;

type TotalKind = 'payable' | 'grand' | 'plain';

/** Whether a label names what is paid, the grand total, a plain total, or something else (a subtotal, the tax, the shipping). */
function totalKind(label: string): TotalKind | null {
  const withoutIncluded = label.replace(INCLUDED_PHRASE, ' ');
  if (PARTIAL_TOTAL_LABEL.test(withoutIncluded) || TAX_OR_SHIPPING_LABEL.test(withoutIncluded)) return null;
  if (PAYABLE_LABEL.test(label)) return 'payable';
  if (GRAND_TOTAL_LABEL.test(label)) return 'grand';
  if (BARE_PAID_LABEL.test(label.trim())) return 'plain';
  return TOTAL_LABEL.test(withoutIncluded) ? 'plain' : null;
}

/** The label part of a piece: its text up to the first digit or currency sign. */
function labelPart(lower: string): string {
  const at = lower.search(/[\d€$£¥]/);
  return at === -1 ? lower : lower.slice(0, at);
}

export function readLabels(page: Page): Reading | null {
  const thanked = page.bodyMatches(ORDER_THANKS) || page.bodyMatches(ORDER_STATUS);

  const reading = new ReadingBuilder('labels');
  const hint = page.hint;
  let thanks: { weight: number; text: string; signal: 'order-thanks' | 'order-status' } | null = null;
  let thankYouHeading: string | null = null;
  let orderHeading: string | null = null;
  let invoice: string | null = null;
  const paymentReferences = new Set<string>();
  const invoiceNumbers = new Set<string>();
  let failed: { weight: number; text: string } | null = null;
  const idValues = new Map<string, string>();
  const totals: Array<{ money: Money; kind: TotalKind; label: string }> = [];

  let staticLabelCounts: Map<string, number> | undefined;
  for (const piece of page.texts()) {
    const { lower, element } = piece;
    if (thankYouHeading === null && lower.length <= 60 && THANK_YOU_HEADING.test(lower) && isHeading(element)) thankYouHeading = piece.text;
    const thanksMatch = thanked ? ORDER_THANKS.exec(lower) : null;
    const statusMatch = thanksMatch === null && lower.length <= 60 ? ORDER_STATUS.exec(lower) : null;
    if (statusMatch !== null) {
      const weight = isHeading(element) ? 6 : 2;
      if (thanks === null || weight > thanks.weight) thanks = { weight, text: piece.text, signal: 'order-status' };
    }
    if (thanksMatch !== null) {
      // A thank-you buried in a long paragraph (a footer, terms) says less than one standing alone, or opening the paragraph.
      const weight = isHeading(element) ? 7 : lower.length > 200 && thanksMatch.index > 20 ? 3 : 6;
      if (thanks === null || weight >= thanks.weight) thanks = { weight, text: piece.text, signal: 'order-thanks' };
      // "Thank you for your order #1001", "Your order has been received! <span>PKX7W2M9</span>": the number right after the thanks.
      const end = thanksMatch.index + thanksMatch[0].length;
      // Only a number right there: a thanks followed by another sentence names no order.
      const rest = lower.slice(end).replace(/^\s*[!.,:]?\s*/, '');
      const id = rest !== '' && !/^(?:#|no\.|nr\.|n[°º]|\d)/.test(rest) ? null : valueAfterLabel(piece, end, (text) => (/^\s*[!.,:]?\s*(?:#|no\.|nr\.)?\s*[A-Za-z0-9]/.test(text) ? orderIdAfterLabel(text.replace(/^\s*[!.,:]/, ''), 'reference') : null), 2);
      // A single digit after it is a count or a countdown ("支付成功 3秒跳转订单": redirected in 3 seconds), not an order.
      if (id !== null && id.length >= 2 && /\d/.test(id) && !idValues.has(id)) idValues.set(id, piece.text);
    }
    // "Order RC-100482" standing alone, as a heading or as the line above one: the order it names.
    const heading = isHeading(element);
    if (lower.length <= MAX_LABEL_PIECE) {
      const named = ORDER_HEADING.exec(piece.text)?.[1];
      if (named !== undefined && /\d/.test(named)) {
        const id = orderIdAfterLabel(named, 'order');
        if (id !== null && !idValues.has(id)) idValues.set(id, piece.text);
        // The page's main heading names one order: the page is about it (a confirmation, or that order's own page).
        if (id !== null && heading && within(element, 1, (node) => node.tagName === 'H1')) orderHeading = piece.text;
      }
      if (heading && INVOICE_HEADING.test(lower)) invoice = piece.text;
      const invoiceNumber = heading ? INVOICE_NUMBER_HEADING.exec(lower) : null;
      if (invoiceNumber !== null) {
        const id = orderIdAfterLabel(piece.text.slice(piece.text.length - invoiceNumber[1]!.length), 'invoice');
        if (id !== null) invoiceNumbers.add(id);
      }
    }
    if (lower.length <= 40 && INVOICE_NUMBER_LABEL.test(lower)) {
      const number = valueAfterLabel(piece, piece.text.length, (text) => orderIdAfterLabel(text, 'invoice'), 2);
      if (number !== null) invoiceNumbers.add(number);
    }
    if (lower.length <= 40 && PAYMENT_REFERENCE_LABEL.test(lower)) {
      const reference = valueAfterLabel(piece, piece.text.length, (text) => orderIdAfterLabel(text, 'reference'), 2);
      if (reference !== null) paymentReferences.add(reference);
    }
    if (FAILED_PAYMENT.test(lower)) {
      const weight = isHeading(element) || isAlert(element) ? -30 : -12;
      if (failed === null || weight < failed.weight) failed = { weight, text: piece.text };
    }
    if (isControl(element, true) || isColumnHeader(element)) continue;
    const sentence = lower.length > MAX_LABEL_PIECE;
    const idLabel = ORDER_NUMBER_LABEL.exec(lower) ?? (sentence ? null : ORDER_WORD.exec(lower));
    if (idLabel !== null) {
      const labelEnd = idLabel.index + idLabel[0].length;
      // In a sentence ("… with the order reference KXHNWQPBM …") only the words right after the label count.
      const id = valueAfterLabel(piece, labelEnd, (text) => orderIdAfterLabel(text, idLabel[0]), sentence ? 0 : 4);
      if (id !== null && !idValues.has(id)) idValues.set(id, piece.text);
    }
    if (sentence || isControl(element, true)) continue;
    // A static <label> labels a total too ("Total:" in redSHOP's receipt), unless its wording repeats on other static labels:
    // then it heads a column for small screens, on every line ("Gesamt" over each item's total in Optimizely's receipt).
    if (isControl(element) && (staticLabelCounts ??= countStaticLabels(page.doc)).get(lower) !== 1) continue;
    const label = labelPart(lower);
    const kind = label.length <= 60 ? totalKind(label) : null;
    if (kind !== null) {
      const match = kind === 'payable' ? PAYABLE_LABEL.exec(label) : kind === 'grand' ? GRAND_TOTAL_LABEL.exec(label) : TOTAL_LABEL.exec(label);
      const labelEnd = (match?.index ?? 0) + (match?.[0].length ?? 0);
      // "Total (AUD)": a currency the label names settles a shared sign such as `$` in the value.
      const named = /\b([A-Z]{3})\b/.exec(piece.text.slice(0, labelEnd + 8))?.[1];
      const labelHint = named !== undefined && isKnownCurrency(named) ? { ...hint, currency: named } : hint;
      // "Total: £0.00" (an empty mini-cart): the label has its value, nothing to look for beyond it.
      const money = ZERO_AMOUNT.test(piece.text.slice(labelEnd)) ? null : valueAfterLabel(piece, labelEnd, (text) => totalIn(text, labelHint));
      if (money !== null) totals.push({ money, kind, label: piece.text });
    }
  }

  // "Order <span>#8f3c…</span> is confirmed.": a thank-you split over inline elements is read from the element that holds it.
  if (thanked && thanks === null) {
    const seen = new Set<Element>();
    for (const { element } of page.texts()) {
      const holder = element.parentElement !== null && (shortText(element, 200) ?? '').length < 40 ? element.parentElement : element;
      if (seen.has(holder)) continue;
      seen.add(holder);
      const text = shortText(holder, 200);
      if (text !== null && ORDER_THANKS.test(text.toLowerCase())) {
        thanks = { weight: isHeading(holder) ? 7 : 6, text, signal: 'order-thanks' };
        break;
      }
    }
  }
  if (thanks !== null) reading.for(thanks.signal, thanks.weight, thanks.text);
  // "Thank you, Anna!" says little alone (a newsletter says it too), more beside a thank-you for the order.
  if (thankYouHeading !== null && thankYouHeading !== thanks?.text) reading.for('thank-you-heading', 2, thankYouHeading);
  if (failed !== null) reading.for('failed-payment', failed.weight, failed.text);
  // "Order ID: 2047" beside "Order Number: WEB-02047" (redSHOP with a number template): the number is what the customer is told, the id is the database's.
  const numbered = [...idValues.values()].filter((label) => NUMBER_WORD.test(label.toLowerCase()));
  if (numbered.length > 0 && numbered.length < idValues.size) {
    for (const [value, label] of [...idValues]) if (ID_WORD.test(label.toLowerCase()) && !NUMBER_WORD.test(label.toLowerCase())) idValues.delete(value);
  }
  // The same label over different numbers, each with its own total ("Order #100284 … $186", "Order #100197 … $74"): a list of orders.
  const shapes = new Map<string, Set<string>>();
  for (const [value, label] of idValues) {
    const shape = label.replace(value, '#');
    shapes.set(shape, (shapes.get(shape) ?? new Set()).add(value));
  }
  const severalTotals = new Set(totals.map((total) => `${total.money.amountMinor} ${total.money.currency}`)).size >= 2;
  if (severalTotals && [...shapes.values()].some((values) => values.size >= 2)) {
    reading.for('several-orders', -4, 'one label over several order numbers, each with its total: a list of orders');
  }
  if (orderHeading !== null) reading.for('order-heading', 5, orderHeading);
  else if (idValues.size > 0) reading.for('order-number-label', 4, Array.from(idValues.values()).join(' | '));
  if (invoice !== null) reading.for('invoice', -8, `an invoice: "${invoice}"`);
  // A bank transfer's reference is the order number in many shops; it is taken only when nothing names the order.
  for (const reference of paymentReferences) reading.orderId(reference, RANK.affiliate + 1, 'payment reference');
  // An invoice's number on a page that thanks for the order is the order's own in the shops that show one (X-Cart),
  // and is taken only when nothing else names the order.
  for (const number of invoiceNumbers) reading.orderId(number, RANK.affiliate + 1, 'invoice number');
  for (const [value, label] of idValues) reading.orderId(value, RANK.shownWithLabel, `"${label}"`);
  // One label beside several different amounts ("Total" on each item's row) labels a column of line totals, not the order's.
  const amountsPerLabel = new Map<string, Set<number>>();
  for (const total of totals) {
    const amounts = amountsPerLabel.get(total.label) ?? new Set<number>();
    amounts.add(total.money.amountMinor);
    amountsPerLabel.set(total.label, amounts);
  }
  const single = totals.filter((total) => (amountsPerLabel.get(total.label)?.size ?? 0) < 2);
  if (single.length > 0 && single.length < totals.length) totals.splice(0, totals.length, ...single);
  const hasGrand = totals.some((total) => total.kind !== 'plain');
  const rankOf: Record<TotalKind, number> = { payable: RANK.shownWithLabel + 1, grand: RANK.shownWithLabel, plain: RANK.shownWithLabel - 1 };
  for (const total of totals) {
    // A plain "Total" beside an explicit "Gesamtsumme" is likely a column or an item total.
    if (hasGrand && total.kind === 'plain') continue;
    reading.total(total.money, rankOf[total.kind], `"${total.label}"`);
  }
  if (totals.length > 0) reading.for('total-label', 2, totals.map((total) => total.label).join(' | '));
  return reading.build();
}
