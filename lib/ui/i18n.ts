/**
 * The member-visible strings and the number and date formats of the UI.
 *
 * In the extension, strings come from `_locales/<lang>/messages.json` through
 * `extensionApi().i18n.getMessage`, so the browser's language picks. Tests (and any
 * page that wants a fixed language) call `useLocaleMessages` with a parsed
 * messages file instead; the lookup then follows the same placeholder rules
 * as the browser's.
 */
import { extensionApi } from './extension-api.ts';
import { minorUnitExponent } from '../contract/currency.ts';

export interface LocaleMessage {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type LocaleMessages = Record<string, LocaleMessage>;

type Lookup = (key: string, substitutions: string[]) => string;

// WXT types `getMessage` with the known keys only; the UI passes keys that a
// test checks against both locale files, so a plain string signature is enough.
type GetMessage = (key: string, substitutions?: string[]) => string;

let lookup: Lookup = (key, substitutions) => (extensionApi().i18n.getMessage as GetMessage)(key, substitutions);
let localeOverride: string | undefined;

/** Resolves `key` the way the browser does: `$NAME$` placeholders, then `$1`…`$9`. */
export function resolveMessage(messages: LocaleMessages, key: string, substitutions: string[]): string {
  const entry = messages[key];
  if (!entry) return '';
  const withPlaceholders = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (match, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? placeholder.content : match;
  });
  // One pass, so "$$" stays a literal dollar sign even before a digit.
  return withPlaceholders.replace(/\$\$|\$(\d)/g, (match, digit: string | undefined) =>
    digit === undefined ? '$' : (substitutions[Number(digit) - 1] ?? ''),
  );
}

/** Serves strings from a parsed messages file instead of `browser.i18n` (tests, fixed-language pages). */
export function useLocaleMessages(messages: LocaleMessages, locale: string): void {
  lookup = (key, substitutions) => resolveMessage(messages, key, substitutions);
  localeOverride = locale;
}

/** The UI language: the browser's, or the one set by `useLocaleMessages`. */
export function uiLocale(): string {
  if (localeOverride) return localeOverride;
  try {
    return extensionApi().i18n.getUILanguage();
  } catch {
    return 'en';
  }
}

/** A member-visible string. Substitutions fill `$1`, `$2`… in order. */
export function t(key: string, substitutions: Array<string | number> = []): string {
  const text = lookup(key, substitutions.map(String));
  // An empty answer means a missing key; showing the key beats showing nothing.
  return text === '' ? key : text;
}

/**
 * `Intl` formatters, built once per locale and options. Building one costs
 * far more than using it (the popup formats a few values for each of a
 * thousand purchases), so they are kept; a formatter whose options the
 * engine refuses (an unknown currency) is remembered as such.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules | RangeError>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(kind: string, options: object, make: (locale: string) => T): T {
  const locale = uiLocale();
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = make(locale);
    } catch (error) {
      formatter = error instanceof RangeError ? error : new RangeError(String(error));
    }
    formatters.set(key, formatter);
  }
  if (formatter instanceof RangeError) throw formatter;
  return formatter as T;
}

const numberFormat = (options: Intl.NumberFormatOptions = {}) => cached('number', options, (locale) => new Intl.NumberFormat(locale, options));
const dateTimeFormat = (options: Intl.DateTimeFormatOptions) => cached('date', options, (locale) => new Intl.DateTimeFormat(locale, options));

/**
 * A string about a count: `<key>_one` or `<key>_other` by the locale's plural
 * rules, with the formatted count as `$1` and any further substitutions after it.
 */
export function tn(key: string, count: number, more: Array<string | number> = []): string {
  const rules = cached('plural', {}, (locale) => new Intl.PluralRules(locale));
  const form = rules.select(count) === 'one' ? 'one' : 'other';
  return t(`${key}_${form}`, [formatNumber(count), ...more]);
}

export function formatNumber(value: number): string {
  return numberFormat().format(value);
}

/** An amount in minor units, e.g. 11400 EUR → "114,00 €" (de) or "€114.00" (en). */
export function formatMoney(amountMinor: number, currency: string): string {
  // The minor unit is ISO 4217's (JPY 0, KWD 3), not the display locale's
  // idea of the currency's digits: CLDR shows some with fewer decimals.
  const exponent = minorUnitExponent(currency) ?? 2;
  const major = amountMinor / 10 ** exponent;
  try {
    return numberFormat({ style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(major);
  } catch {
    return `${formatNumber(major)} ${currency}`;
  }
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateTimeFormat({ dateStyle: 'medium' }).format(date);
}

/** A calendar day (`YYYY-MM-DD`) as day and month: "31 March" / "31. März". */
export function formatDayMonth(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return dateTimeFormat({ day: 'numeric', month: 'long', timeZone: 'UTC' }).format(date);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateTimeFormat({ dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** An earn rate as the member reads it: "2 Punkte pro 1 €" / "2 points per €1". */
export function formatEarnRate(earn: { points: number; per: number }, currency: string): string {
  let per: string;
  try {
    per = numberFormat({ style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(earn.per);
  } catch {
    per = `${formatNumber(earn.per)} ${currency}`;
  }
  return tn('earnRate', earn.points, [per]);
}
