/**
 * Amounts as shops print them, turned into integer minor units. Digits are
 * handled as strings throughout: money never passes through floating point.
 */
import { MAX_AMOUNT_MINOR } from '../contract/index.ts';

export interface Money {
  amountMinor: number;
  currency: string;
}

/** Longer texts are not a price tag but a paragraph; refusing them keeps the regexes cheap. */
const MAX_TEXT_LENGTH = 120;
/** 1,000,000.00 has seven integer digits; anything with more is not a shop total. */
const MAX_INTEGER_DIGITS = 7;

const ISO_CODES = new Set([
  'EUR', 'USD', 'GBP', 'CHF', 'PLN', 'CZK', 'HUF', 'SEK', 'NOK', 'DKK', 'RON', 'BGN', 'HRK', 'ISK',
  'CAD', 'AUD', 'NZD', 'JPY', 'CNY', 'HKD', 'SGD', 'TRY', 'ZAR', 'MXN', 'BRL', 'INR',
]);

/** Currency signs in the order they are tried; longer tokens first so `SFr.` wins over `Fr.`. */
const SIGNS: ReadonlyArray<readonly [string, string]> = [
  ['US$', 'USD'], ['SFr.', 'CHF'], ['Fr.', 'CHF'], ['€', 'EUR'], ['£', 'GBP'], ['$', 'USD'],
];

/**
 * Spaces shops use inside and around numbers: normal, no-break (U+00A0),
 * narrow no-break (U+202F) and thin (U+2009).
 */
const SPACE_LIKE = /[\u00a0\u202f\u2009\u2007\s]+/g;

/**
 * Parses a price tag such as `1.234,56 €`, `EUR 49,90`, `$1,234.56` or
 * `CHF 1'234.50`. Returns null for anything that is not exactly one positive
 * amount in one currency; `fallbackCurrency` applies when the text names none.
 */
export function parseMoney(text: string, fallbackCurrency?: string): Money | null {
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH * 4) return null;
  let rest = text.replace(SPACE_LIKE, ' ').trim();
  if (rest.length === 0 || rest.length > MAX_TEXT_LENGTH) return null;
  // Shopware marks prices with a footnote star ("49,90 €*"); German shops write whole amounts as "49,–".
  rest = rest.replace(/\*+$/, '').replace(/[,.][-–—]\s*/, ' ').trim();

  const currencies: string[] = [];
  rest = rest.replace(/\b[A-Z]{3}\b/g, (code) => {
    if (!ISO_CODES.has(code)) return code;
    currencies.push(code);
    return ' ';
  });
  for (const [sign, code] of SIGNS) {
    while (rest.includes(sign)) {
      currencies.push(sign === '$' ? dollarCurrency(fallbackCurrency) : code);
      rest = rest.replace(sign, ' ');
    }
  }
  rest = rest.trim();
  if (!/^\d[\d.,'’ ]*$/.test(rest)) return null;

  const currency = pickCurrency(currencies, fallbackCurrency);
  if (currency === null) return null;
  const amountMinor = numberToMinor(rest);
  if (amountMinor === null) return null;
  return { amountMinor, currency };
}

/** A plain `$` means US dollars unless the shop's own currency is another dollar. */
function dollarCurrency(fallbackCurrency: string | undefined): string {
  return fallbackCurrency !== undefined && /^[A-Z]{2}D$/.test(fallbackCurrency) ? fallbackCurrency : 'USD';
}

function pickCurrency(found: string[], fallbackCurrency: string | undefined): string | null {
  const distinct = new Set(found);
  if (distinct.size > 1) return null;
  const [only] = distinct;
  if (only !== undefined) return only;
  return fallbackCurrency !== undefined && /^[A-Z]{3}$/.test(fallbackCurrency) ? fallbackCurrency : null;
}

/**
 * Reads digits with thousands separators and an optional decimal part. A
 * single `.` or `,` followed by exactly three digits is a thousands separator
 * (`1.234 €`, `$1,234`); followed by one or two digits it is the decimal mark.
 */
function numberToMinor(numberText: string): number | null {
  const parts = numberText.split(/([.,'’ ])/);
  const groups: string[] = [];
  const separators: string[] = [];
  parts.forEach((part, index) => (index % 2 === 0 ? groups : separators).push(part));
  if (groups.some((group) => group.length === 0)) return null;

  let integerGroups = groups;
  let fraction = '';
  const lastSeparator = separators[separators.length - 1];
  const lastGroup = groups[groups.length - 1] ?? '';
  if (lastSeparator === '.' || lastSeparator === ',') {
    const sameBefore = separators.slice(0, -1).includes(lastSeparator);
    if (lastGroup.length !== 3 || (!sameBefore && separators.length > 1)) {
      if (lastGroup.length > 2 || sameBefore) return null;
      fraction = lastGroup;
      integerGroups = groups.slice(0, -1);
      separators.pop();
    }
  }
  if (!validThousands(integerGroups, separators)) return null;
  const integerDigits = integerGroups.join('').replace(/^0+(?=\d)/, '');
  if (integerDigits.length > MAX_INTEGER_DIGITS) return null;
  const amountMinor = Number(integerDigits + fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > MAX_AMOUNT_MINOR) return null;
  return amountMinor;
}

function validThousands(groups: string[], separators: string[]): boolean {
  if (separators.length === 0) return groups.length === 1;
  if (new Set(separators).size !== 1) return false;
  const [first, ...others] = groups;
  return first !== undefined && first.length <= 3 && others.every((group) => group.length === 3);
}

/**
 * A decimal number as JavaScript or JSON writes it (`114`, `114.00`, `19.99`,
 * or `49.900000000000006` after a float sum in a shop's tracking code), in
 * minor units. Rounds half up on the digits, never through a float.
 */
export function decimalToMinor(value: unknown): number | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const match = /^(\d{1,9})(?:\.(\d{0,20}))?$/.exec(text);
  if (match === null) return null;
  const integerDigits = match[1] ?? '';
  const decimals = match[2] ?? '';
  let amountMinor = Number(integerDigits) * 100 + Number(decimals.slice(0, 2).padEnd(2, '0'));
  if (Number(decimals.charAt(2) || '0') >= 5) amountMinor += 1;
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > MAX_AMOUNT_MINOR) return null;
  return amountMinor;
}

/** An ISO 4217 code as a tracking snippet or JSON-LD gives it, upper-cased; null when it is not one. */
export function normalizeCurrency(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}

/** Amount-looking runs inside a longer label: a number with an optional currency sign or code on either side. */
const MONEY_IN_TEXT = /(?:(?:US\$|SFr\.|Fr\.|[€$£]|\b[A-Z]{3}\b)\s?)?\d(?:[\d.,'’ ]*\d)?(?:[,.][-–])?(?:\s?(?:[€$£]|\b[A-Z]{3}\b))?/g;

/**
 * The first amount in a short label such as `Total (tax incl.) €49.90` or
 * `Gesamtsumme: 123,45 € (enthält 19,71 € MwSt.)`; the whole text is tried
 * first, so a plain price tag behaves exactly like `parseMoney`.
 */
export function findMoney(text: string, fallbackCurrency?: string): Money | null {
  const whole = parseMoney(text, fallbackCurrency);
  if (whole !== null || text.length > MAX_TEXT_LENGTH * 4) return whole;
  const normalized = text.replace(SPACE_LIKE, ' ');
  for (const match of normalized.matchAll(MONEY_IN_TEXT)) {
    // A bare number in a label is a tax rate or a quantity unless it looks like a price ("49.90").
    const hasCurrency = /[€$£]|Fr\.|[A-Z]{3}/.test(match[0]);
    const looksLikePrice = /\d[.,]\d{2}$/.test(match[0]) && normalized.charAt(match.index + match[0].length) !== '%';
    if (!hasCurrency && !looksLikePrice) continue;
    const money = parseMoney(match[0], fallbackCurrency);
    if (money !== null) return money;
  }
  return null;
}
