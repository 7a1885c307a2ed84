/** Money and numbers as the operator's language writes them. */
const EXPONENT_FALLBACK = 2;

/** An amount in minor units of `currency`, with the currency's own number of decimals. */
export function money(locale: string, minor: number | undefined, currency: string | undefined): string {
  if (minor === undefined || !currency) return '—';
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const exponent = format.resolvedOptions().maximumFractionDigits ?? EXPONENT_FALLBACK;
  return format.format(minor / 10 ** exponent);
}
