/**
 * Small helpers every reader shares: cleaning an order number, reading the
 * value that follows a label, and building a reading.
 */
import { MAX_AMOUNT_MINOR } from '../contract/index.ts';
import { ORDER_NUMBER_LABEL, REFERENCE_LABEL } from './labels.ts';
import type { Money } from './money.ts';
import { shortText } from './page.ts';
import type { Evidence, OrderIdFind, Reading, TotalFind } from './types.ts';

/** An order number as it may be stored and sent: printable, no markup, no spaces. */
const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
/** "#", "Nr.", "No.", "N°", "č." before a number; a mark of letters counts only before a dot, a space or "#", so "NORD-12" keeps its "NO". */
const LEADING_MARKS = /^(?:[#:№]|č\.|(?:n[o°º]|nr|num(?:ber|éro|ero)?)(?:\.|(?=[\s:#])))\s*/i;
/** Dates, times and amounts that stand where an order number is expected. */
const NOT_AN_ID = /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\d+[.,]\d{2})$/;

/**
 * The order number as the customer sees it, without a leading `#` or `Nr.`;
 * null for anything that is not a plain token (markup, control characters,
 * spaces inside, more than 64 characters).
 */
export function cleanOrderId(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return String(raw);
  if (typeof raw !== 'string' || raw.length > 200) return null;
  let text = raw.replace(/[\u00a0\u202f\u2009]/g, ' ').trim();
  for (let round = 0; round < 2; round += 1) text = text.replace(LEADING_MARKS, '');
  text = text.replace(/[.,;:!)]+$/, '');
  // No shop numbers its orders with more than 24 digits in a row (Broadleaf's, a timestamp and a counter, have 21); a longer run is noise.
  return ORDER_ID.test(text) && !NOT_AN_ID.test(text) && !/\d{25}/.test(text) ? text : null;
}

/**
 * The order-number token at the start of the text after a label ("10023",
 * "#SW-10023", "Nr. 4711-2024 vom 3. Mai"). A token must hold a digit, except
 * after a reference label, where shops such as PrestaShop use letters only.
 */
/** Words that make the number before them a count: "3 items", "2 Artikel", "4 articles". */
const ITEM_COUNT = /^\s*(?:items?|artikel|articles?|art[íi]culos?|articoli|artikelen|produkte?|products?|produits?|productos?|prodotti|produkten|produkty|positionen|positions?|pozycj[ei]|položk[ya]|varor|varer|st(?:ü|ue)ck|pieces?|pcs|stk)\b/i;

export function orderIdAfterLabel(rest: string, label: string): string | null {
  let text = rest.replace(/^[\s:#.\-–—：＃№]*(?:(?:is|ist|lautet|est|è|es|je|er|är|to)(?=[\s:])\s*:?\s*)?/i, '');
  // "the order number ( G5R7QX1 ) in the comments": a number in brackets right after its label.
  text = text.replace(/^\(\s*([A-Za-z0-9][A-Za-z0-9._/-]{0,63})\s*\)/, '$1');
  text = text.replace(LEADING_MARKS, '').trim();
  // The token ends at a space, a punctuation mark or the end; a quote, a control character or a
  // second group of digits right after it means the text is something else ("12\"3", "12 34").
  const match = /^[#]?([A-Za-z0-9][A-Za-z0-9._/-]{0,63})(?=$|[\s.,;:!?)\]|·–—]|[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef])(?!\s*\d)/.exec(text);
  const token = match?.[1];
  if (token === undefined) return null;
  // "Your Order · 3 items in your order": a count of things, not an order's number.
  if (/^\d+$/.test(token) && ITEM_COUNT.test(text.slice(match![0].length))) return null;
  const id = cleanOrderId(token);
  if (id === null) return null;
  if (/\d/.test(id)) return id;
  // PrestaShop's references are nine capitals ("XKBKNABJK"), shown as the "Bestellnummer" too.
  return (REFERENCE_LABEL.test(label) && /^[A-Z]{5,}$/.test(id)) || /^[A-Z]{8,12}$/.test(id) ? id : null;
}

/** The order number in a short text that may carry its own label ("Ihre Bestellnummer: 10023", "Order #1001", "10023"). */
export function orderIdInText(text: string | null): string | null {
  if (!text) return null;
  const lower = text.toLowerCase();
  const match = ORDER_NUMBER_LABEL.exec(lower);
  if (match !== null) {
    const found = orderIdAfterLabel(text.slice(match.index + match[0].length), match[0]);
    if (found !== null) return found;
  }
  const plain = cleanOrderId(text);
  return plain !== null && /\d/.test(plain) ? plain : null;
}

/** Every amount must be within the contract's limits. */
export function validMoney(money: Money | null): money is Money {
  return (
    money !== null &&
    Number.isSafeInteger(money.amountMinor) &&
    money.amountMinor > 0 &&
    money.amountMinor <= MAX_AMOUNT_MINOR &&
    /^[A-Z]{3}$/.test(money.currency)
  );
}

/** Collects one reader's findings. */
export class ReadingBuilder {
  readonly evidence: Evidence[] = [];
  readonly orderIds: OrderIdFind[] = [];
  readonly totals: TotalFind[] = [];

  constructor(readonly reader: string) {}

  for(signal: string, weight: number, detail: string): this {
    this.evidence.push({ signal, weight, detail });
    return this;
  }

  orderId(raw: unknown, rank: number, source: string, method?: string): this {
    const value = cleanOrderId(raw);
    if (value !== null) this.orderIds.push(method === undefined ? { value, rank, source } : { value, rank, source, method });
    return this;
  }

  total(money: Money | null, rank: number, source: string): this {
    if (validMoney(money)) this.totals.push({ money, rank, source });
    return this;
  }

  get empty(): boolean {
    return this.evidence.length === 0 && this.orderIds.length === 0 && this.totals.length === 0;
  }

  build(): Reading | null {
    if (this.empty) return null;
    return { reader: this.reader, evidence: this.evidence, orderIds: this.orderIds, totals: this.totals };
  }
}

export { shortText };
