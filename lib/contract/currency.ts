/**
 * ISO 4217 minor-unit exponents: how many decimal places a currency's minor
 * unit has (EUR 2, JPY 0, KWD 3). `amountMinor` counts in these units, so the
 * points of an amount are floor(amountMinor × points / (per × 10^exponent)).
 *
 * One table for the server (which accepts only these codes and books points
 * with them) and the extension (which shows amounts and estimates with them).
 * Plain data: the popup imports it, so it must not pull in zod.
 *
 * Source: the ISO 4217 list of current currencies and funds (amendments up to
 * 2025, with XCG replacing ANG). Codes without a minor unit ("N.A.": gold,
 * silver, the SDR, test codes) are left out on purpose: no shop sells in them.
 */

const BY_EXPONENT: Readonly<Record<0 | 2 | 3 | 4, string>> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2: `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW
      CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF
      IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV
      MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD
      SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL`,
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  Object.entries(BY_EXPONENT).flatMap(([exponent, codes]) => codes.split(/\s+/).filter(Boolean).map((code) => [code, Number(exponent)] as const)),
);

/** Every currency the catalogue accepts: the ISO 4217 codes that have a minor unit. */
export const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(EXPONENTS.keys());

/** The currency's ISO 4217 minor-unit exponent, or undefined for a code the catalogue does not accept. */
export function minorUnitExponent(currency: string): number | undefined {
  return EXPONENTS.get(currency);
}

/** 10^exponent as a bigint, for integer point arithmetic. */
export function minorUnitsPerMajor(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}
