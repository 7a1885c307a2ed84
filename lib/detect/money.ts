/**
 * Amounts as shops print them, turned into integer minor units of their ISO
 * 4217 currency (cents for EUR, yen for JPY, fils for KWD). Digits are handled
 * as strings throughout: money never passes through floating point.
 */
import { MAX_AMOUNT_MINOR } from '../contract/index.ts';
import { currencyExponent, resolveSign, SIGN_SOURCE, type CurrencyHint } from './currency.ts';

export interface Money {
  amountMinor: number;
  currency: string;
}

export type { CurrencyHint } from './currency.ts';

/** Longer texts are not a price tag but a paragraph; refusing them keeps the regexes cheap. */
const MAX_TEXT_LENGTH = 120;
/** 1,000,000.00 has seven integer digits; anything with more is not a shop total. */
const MAX_INTEGER_DIGITS = 7;

/**
 * Spaces shops use inside and around numbers: normal, no-break (U+00A0),
 * narrow no-break (U+202F), thin (U+2009) and figure (U+2007).
 */
const SPACE_LIKE = /[\u00a0\u202f\u2009\u2007\s]+/g;
const SIGN = new RegExp(SIGN_SOURCE, 'gu');

function asHint(hint: string | CurrencyHint | undefined): CurrencyHint | undefined {
  return typeof hint === 'string' ? { currency: hint } : hint;
}

/**
 * Parses a price tag such as `1.234,56 €`, `EUR 49,90`, `$1,234.56`,
 * `CHF 1’234.50`, `1 234,56 zł`, `1.234,56 kr.` or `¥12,800`. Returns null for
 * anything that is not exactly one positive amount in one currency. The hint
 * (the shop's currency, or `{currency, lang}`) applies when the text names no
 * currency, and resolves shared signs (`$`, `kr`, `¥`).
 */
export function parseMoney(text: string, hint?: string | CurrencyHint): Money | null {
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH * 4) return null;
  let rest = text.replace(SPACE_LIKE, ' ').trim();
  if (rest.length === 0 || rest.length > MAX_TEXT_LENGTH) return null;
  // Shopware marks prices with a footnote star ("49,90 €*"); German shops write whole amounts as "49,–"; Swedish ones "49:-".
  rest = rest.replace(/\*+$/, '').replace(/[,.:][-–—]+(?=\s|$|[^\d])/, ' ').trim();

  const context = asHint(hint);
  const currencies: string[] = [];
  const written: string[] = [];
  let guessed = true;
  let unknownSign = false;
  rest = rest.replace(SIGN, (token) => {
    const code = resolveSign(token, context);
    if (code === null) unknownSign = true;
    else {
      currencies.push(code);
      if (/^[A-Z]{3}$/.test(token)) written.push(code);
      else if (!SHARED_SIGNS.has(token)) guessed = false;
    }
    return ' ';
  });
  if (unknownSign) return null;
  rest = rest.trim();
  if (!/^\d[\d.,'’ ]*$/.test(rest)) return null;

  // "$116.55 GBP" (Commerce.js's template puts a `$` before every amount): a written code beats a shared sign's guess.
  const currency = written.length === 1 && guessed ? (written[0] ?? null) : pickCurrency(currencies, context?.currency);
  if (currency === null) return null;
  const exponent = currencyExponent(currency) ?? 2;
  const amountMinor = numberToMinor(rest, exponent);
  if (amountMinor === null) return null;
  return { amountMinor, currency };
}

/** Signs that several currencies share, resolved by a guess from the shop and the page (currency.ts). */
const SHARED_SIGNS: ReadonlySet<string> = new Set(['$', 'kr', 'kr.', 'Kr', '¥', '￥']);

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
 * (`1.234 €`, `$1,234`), except in a currency with three decimals; followed
 * by fewer digits it is the decimal mark.
 */
function numberToMinor(numberText: string, exponent: number): number | null {
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
    const otherBefore = separators.length > 1 && !sameBefore;
    const isDecimal = lastGroup.length === 3 ? exponent === 3 && !sameBefore : !sameBefore;
    if (isDecimal || (lastGroup.length === 3 && otherBefore)) {
      if (lastGroup.length > Math.max(exponent, 2) || sameBefore) return null;
      fraction = lastGroup;
      integerGroups = groups.slice(0, -1);
      separators.pop();
    }
  }
  if (!validThousands(integerGroups, separators)) return null;
  const integerDigits = integerGroups.join('').replace(/^0+(?=\d)/, '');
  if (integerDigits.length > MAX_INTEGER_DIGITS) return null;
  // A zero-decimal currency may still print ",00"; anything else after its decimal mark is not a price.
  if (fraction.length > exponent && !/^0*$/.test(fraction.slice(exponent))) return null;
  const amountMinor = Number(integerDigits + fraction.slice(0, exponent).padEnd(exponent, '0'));
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > maxMinor(exponent)) return null;
  return amountMinor;
}

/** The contract's ceiling on `amountMinor`, whatever the currency's exponent. */
function maxMinor(_exponent: number): number {
  return MAX_AMOUNT_MINOR;
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
 * minor units of a currency with the given exponent. Rounds half up on the
 * digits, never through a float. Magento's analytics write thousands with a
 * comma (`"1,136.05"`), which is read too.
 */
export function decimalToMinor(value: unknown, exponent = 2): number | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
    if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  } else {
    return null;
  }
  const match = /^(\d{1,9})(?:\.(\d{0,20}))?$/.exec(text);
  if (match === null) return null;
  const integerDigits = match[1] ?? '';
  const decimals = match[2] ?? '';
  let amountMinor = Number(integerDigits) * 10 ** exponent + Number(decimals.slice(0, exponent).padEnd(exponent, '0') || '0');
  if (Number(decimals.charAt(exponent) || '0') >= 5) amountMinor += 1;
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > maxMinor(exponent)) return null;
  return amountMinor;
}

/** `decimalToMinor` in the currency's own exponent. */
export function decimalToMoney(value: unknown, currency: string | null | undefined): Money | null {
  if (currency === null || currency === undefined) return null;
  const amountMinor = decimalToMinor(value, currencyExponent(currency) ?? 2);
  return amountMinor === null ? null : { amountMinor, currency };
}

/** An ISO 4217 code as a tracking snippet or JSON-LD gives it, upper-cased; null when it is not one. */
export function normalizeCurrency(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}

const NUMBER_RUN = "\\d(?:[\\d.,'’ ]*\\d)?(?:[,.:][-–])?";
/** Amount-looking runs inside a longer label: a number with an optional currency sign or code on either side. */
const MONEY_IN_TEXT = new RegExp(`(?:(?:${SIGN_SOURCE}) ?)?${NUMBER_RUN}(?: ?(?:${SIGN_SOURCE}))?`, 'gu');
const HAS_SIGN = new RegExp(SIGN_SOURCE, 'u');

/**
 * The first amount in a short label such as `Total (tax incl.) €49.90` or
 * `Gesamtsumme: 123,45 € (enthält 19,71 € MwSt.)`; the whole text is tried
 * first, so a plain price tag behaves exactly like `parseMoney`.
 */
export function findMoney(text: string, hint?: string | CurrencyHint): Money | null {
  return findAllMoney(text, hint, 1)[0] ?? null;
}

/** Every amount in a short text, in order (at most `limit`). */
export function findAllMoney(text: string, hint?: string | CurrencyHint, limit = 8): Money[] {
  const whole = parseMoney(text, hint);
  if (whole !== null) return [whole];
  if (text.length > MAX_TEXT_LENGTH * 4) return [];
  const found: Money[] = [];
  const normalized = text.replace(SPACE_LIKE, ' ');
  for (const match of normalized.matchAll(MONEY_IN_TEXT)) {
    // A bare number in a label is a tax rate, a date or a quantity unless it looks like a price ("49.90").
    const after = normalized.charAt(match.index + match[0].length);
    const hasCurrency = HAS_SIGN.test(match[0]);
    const looksLikePrice = /\d[.,]\d{2}$/.test(match[0]) && after !== '%' && !/^[.,]\d/.test(normalized.slice(match.index + match[0].length));
    if ((!hasCurrency && !looksLikePrice) || after === '%') continue;
    const money = parseMoney(match[0].trim(), hint);
    if (money !== null) found.push(money);
    if (found.length >= limit) break;
  }
  return found;
}
