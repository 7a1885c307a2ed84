/**
 * Currencies as shops write them: ISO 4217 codes with their minor-unit
 * exponent, and the signs and words printed beside amounts. A sign that
 * several currencies share (`$`, `kr`, `¥`) is resolved from the shop's own
 * currency when known, else from the page's language.
 */

import { minorUnitExponent } from '../contract/currency.ts';

/**
 * The codes recognised when a page writes one beside an amount ("EUR 49,90",
 * "Total (AUD)"): the currencies of the catalogue's markets. A rarer ISO code
 * in a price text is more likely a word in capitals than a currency.
 */
const WRITTEN_CODES: ReadonlySet<string> = new Set(
  `EUR USD GBP CHF SEK NOK DKK ISK PLN CZK HUF RON BGN HRK RSD UAH TRY ILS CAD AUD NZD JPY CNY HKD SGD KRW
   INR ZAR MXN BRL CLP AED SAR KWD BHD OMR JOD TND RUB TWD ARS COP UYU PEN XAF XOF`.split(/\s+/),
);

/**
 * The currency's ISO 4217 minor-unit exponent, from the one table the server
 * and the extension share (lib/contract/currency.ts); undefined for a code
 * that has none.
 */
export function currencyExponent(code: string): number | undefined {
  return minorUnitExponent(code);
}

/** A currency code as a page may write it beside an amount. */
export function isKnownCurrency(code: string): boolean {
  return WRITTEN_CODES.has(code) && minorUnitExponent(code) !== undefined;
}

/** What resolves a shared sign: the shop's currency and the page's language (`de-CH`, `sv`). */
export interface CurrencyHint {
  currency?: string;
  lang?: string;
  /** The dollar the page names by its code ("Total (AUD)"), for a bare `$`. */
  readonly dollar?: string;
}

const DOLLAR_BY_REGION: Readonly<Record<string, string>> = {
  CA: 'CAD', AU: 'AUD', NZ: 'NZD', SG: 'SGD', HK: 'HKD', MX: 'MXN', AR: 'ARS', CL: 'CLP', CO: 'COP', UY: 'UYU',
};
/** Currencies written with a bare `$`: the dollars, and the pesos of Latin America. */
const DOLLAR_SIGN_CURRENCIES: ReadonlySet<string> = new Set(['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'TWD', 'MXN', 'ARS', 'CLP', 'COP', 'UYU']);
const KRONE_BY_LANGUAGE: Readonly<Record<string, string>> = { sv: 'SEK', da: 'DKK', nb: 'NOK', nn: 'NOK', no: 'NOK', is: 'ISK' };

function languageOf(hint: CurrencyHint | undefined): { language: string; region: string } {
  const [language = '', region = ''] = (hint?.lang ?? '').toLowerCase().split(/[-_]/);
  return { language, region: region.toUpperCase() };
}

function dollar(hint: CurrencyHint | undefined): string {
  const own = hint?.currency;
  if (own !== undefined && DOLLAR_SIGN_CURRENCIES.has(own)) return own;
  return hint?.dollar ?? DOLLAR_BY_REGION[languageOf(hint).region] ?? 'USD';
}

function krone(hint: CurrencyHint | undefined): string | null {
  const own = hint?.currency;
  if (own === 'SEK' || own === 'NOK' || own === 'DKK' || own === 'ISK') return own;
  return KRONE_BY_LANGUAGE[languageOf(hint).language] ?? null;
}

function yen(hint: CurrencyHint | undefined): string {
  return hint?.currency === 'CNY' || languageOf(hint).language === 'zh' ? 'CNY' : 'JPY';
}

/** The CFA franc written "FCFA": Central Africa's (XAF) or West Africa's (XOF), by the shop's currency or the page's region. */
const XOF_REGIONS: ReadonlySet<string> = new Set(['BJ', 'BF', 'CI', 'GW', 'ML', 'NE', 'SN', 'TG']);
const XAF_REGIONS: ReadonlySet<string> = new Set(['CM', 'GA', 'CG', 'TD', 'CF', 'GQ']);
function cfaFranc(hint: CurrencyHint | undefined): string | null {
  const own = hint?.currency;
  if (own === 'XAF' || own === 'XOF') return own;
  const { region } = languageOf(hint);
  return XOF_REGIONS.has(region) ? 'XOF' : XAF_REGIONS.has(region) ? 'XAF' : null;
}

type Resolver = string | ((hint: CurrencyHint | undefined) => string | null);

/**
 * Signs and words, longest first so `US$` is taken before `$` and `SFr.`
 * before `Fr.`. Letters-only words must stand alone (see `SIGN_PATTERN`).
 */
export const SIGNS: ReadonlyArray<readonly [string, Resolver]> = [
  ['US$', 'USD'], ['CA$', 'CAD'], ['AU$', 'AUD'], ['NZ$', 'NZD'], ['HK$', 'HKD'], ['Mex$', 'MXN'],
  ['C$', 'CAD'], ['A$', 'AUD'], ['S$', 'SGD'], ['R$', 'BRL'],
  ['SFr.', 'CHF'], ['Fr.', 'CHF'], ['kr.', krone], ['Kč', 'CZK'], ['zł', 'PLN'], ['Ft', 'HUF'], ['lei', 'RON'], ['лв', 'BGN'],
  ['FCFA', cfaFranc], ['Euro', 'EUR'], ['EURO', 'EUR'], ['kr', krone], ['Kr', krone], ['руб.', 'RUB'], ['руб', 'RUB'], ['грн', 'UAH'], ['TL', 'TRY'],
  ['€', 'EUR'], ['£', 'GBP'], ['$', dollar], ['¥', yen], ['￥', yen], ['₹', 'INR'], ['₩', 'KRW'], ['₺', 'TRY'], ['₪', 'ILS'], ['₴', 'UAH'], ['₽', 'RUB'],
  ['円', 'JPY'], ['元', 'CNY'], ['원', 'KRW'],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One sign or ISO code; letters-only signs only as whole words. */
export const SIGN_SOURCE = SIGNS.map(([sign]) =>
  /^[\p{L}.]+$/u.test(sign) ? `(?<![\\p{L}])${escapeRegExp(sign)}(?![\\p{L}])` : escapeRegExp(sign),
)
  .concat('(?<![\\p{L}])[A-Z]{3}(?![\\p{L}])')
  .join('|');

/** The currency a sign or code stands for here, or null (an unknown code, a `kr` with no hint). */
export function resolveSign(token: string, hint: CurrencyHint | undefined): string | null {
  if (/^[A-Z]{3}$/.test(token)) return isKnownCurrency(token) ? token : null;
  const entry = SIGNS.find(([sign]) => sign === token);
  if (entry === undefined) return null;
  const [, resolver] = entry;
  return typeof resolver === 'string' ? resolver : resolver(hint);
}

const CURRENCY_BY_REGION: Readonly<Record<string, string>> = {
  DE: 'EUR', AT: 'EUR', FR: 'EUR', NL: 'EUR', BE: 'EUR', LU: 'EUR', IT: 'EUR', ES: 'EUR', PT: 'EUR', IE: 'EUR', FI: 'EUR', GR: 'EUR',
  SK: 'EUR', SI: 'EUR', EE: 'EUR', LV: 'EUR', LT: 'EUR', HR: 'EUR', MT: 'EUR', CY: 'EUR', CH: 'CHF', LI: 'CHF', GB: 'GBP', US: 'USD',
  CA: 'CAD', AU: 'AUD', NZ: 'NZD', PL: 'PLN', CZ: 'CZK', SE: 'SEK', DK: 'DKK', NO: 'NOK', HU: 'HUF', RO: 'RON', BG: 'BGN', JP: 'JPY',
  CN: 'CNY', TW: 'TWD', KR: 'KRW', RU: 'RUB', UA: 'UAH', TR: 'TRY', BR: 'BRL', MX: 'MXN', AR: 'ARS', CL: 'CLP', CO: 'COP', PE: 'PEN',
};
const CURRENCY_BY_LANGUAGE: Readonly<Record<string, string>> = {
  de: 'EUR', fr: 'EUR', nl: 'EUR', it: 'EUR', es: 'EUR', pt: 'EUR', fi: 'EUR', el: 'EUR', sk: 'EUR', sl: 'EUR', et: 'EUR', lv: 'EUR', lt: 'EUR',
  pl: 'PLN', cs: 'CZK', sv: 'SEK', da: 'DKK', nb: 'NOK', nn: 'NOK', hu: 'HUF', ro: 'RON', bg: 'BGN', ja: 'JPY',
  zh: 'CNY', ko: 'KRW', ru: 'RUB', uk: 'UAH', tr: 'TRY',
};

/**
 * The currency a page's language and region imply (`de-CH` → CHF, `pl` →
 * PLN; plain `en` implies none): the last resort for an amount in a
 * tracking tag that names no currency on a page that prints no price.
 */
export function currencyOfLocale(lang: string | undefined): string | undefined {
  const { language, region } = languageOf({ lang });
  return CURRENCY_BY_REGION[region] ?? CURRENCY_BY_LANGUAGE[language];
}
