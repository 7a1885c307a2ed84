/**
 * Prices as each platform prints them. Formatted by hand from integers, not
 * through Intl, so the pages read the same on every Node build and ICU version.
 */

/** `de-EUR`: 1.234,56 € · `de-EUR-prefix`: €1.234,56 (Shopify de) · `en-EUR`: €1,234.56 · `de-CH`: CHF 1’234.50 */
export type MoneyStyle = 'de-EUR' | 'de-EUR-prefix' | 'en-EUR' | 'de-CH';

const NBSP = '\u00a0';

function group(major: number, separator: string): string {
  return String(major).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

function parts(minor: number): { major: number; cents: string } {
  return { major: Math.floor(minor / 100), cents: String(minor % 100).padStart(2, '0') };
}

export function formatMoney(minor: number, style: MoneyStyle): string {
  const { major, cents } = parts(minor);
  switch (style) {
    case 'de-EUR':
      return `${group(major, '.')},${cents}${NBSP}€`;
    case 'de-EUR-prefix':
      return `€${group(major, '.')},${cents}`;
    case 'en-EUR':
      return `€${group(major, ',')}.${cents}`;
    case 'de-CH':
      return `CHF ${group(major, '’')}.${cents}`;
  }
}

/** The amount as a plain decimal (`89.90`), for JSON-LD, GA4 events and `Shopify.checkout`. */
export function decimal(minor: number): string {
  const { major, cents } = parts(minor);
  return `${major}.${cents}`;
}

/** The VAT contained in a gross amount, rounded to the cent, for the "incl. VAT" line. */
export function includedVatMinor(grossMinor: number, vatBasisPoints: number): number {
  return Math.round((grossMinor * vatBasisPoints) / (10_000 + vatBasisPoints));
}
