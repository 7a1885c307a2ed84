/** The ISO 4217 minor-unit table that points and displayed amounts are computed with. */
import { describe, expect, it } from 'vitest';
import { KNOWN_CURRENCIES, minorUnitExponent } from '../../../lib/contract/currency.ts';
import { currencyExponent } from '../../../lib/detect/currency.ts';
import { decimalToMoney, parseMoney } from '../../../lib/detect/money.ts';
import { basePoints } from '../../../lib/points/index.ts';
import { formatMoney } from '../../../lib/ui/i18n.ts';

/** The standard's values (ISO 4217, "Minor unit" column), written out by hand. */
const ISO_4217 = {
  EUR: 2, CHF: 2, GBP: 2, USD: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2, HUF: 2, JPY: 0, KWD: 3,
  ISK: 0, KRW: 0, CLP: 0, VND: 0, XOF: 0, BHD: 3, JOD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3, CLF: 4, UYW: 4,
} as const;

describe('.happy: ISO 4217 minor-unit exponents', () => {
  it('gives the standard\'s exponent for each currency a shop in the catalogue may use', () => {
    for (const [code, exponent] of Object.entries(ISO_4217)) expect([code, minorUnitExponent(code)]).toEqual([code, exponent]);
  });

  it('is the table the detectors read page amounts with: analytics values and printed prices in JPY, KWD and EUR', () => {
    for (const [code, exponent] of Object.entries(ISO_4217)) expect([code, currencyExponent(code)]).toEqual([code, exponent]);
    expect(decimalToMoney('12800', 'JPY')).toEqual({ amountMinor: 12_800, currency: 'JPY' });
    expect(decimalToMoney('12.345', 'KWD')).toEqual({ amountMinor: 12_345, currency: 'KWD' });
    expect(parseMoney('¥12,800', 'JPY')).toEqual({ amountMinor: 12_800, currency: 'JPY' });
    expect(parseMoney('KWD 12.345')).toEqual({ amountMinor: 12_345, currency: 'KWD' });
    expect(parseMoney('1.234,56 €')).toEqual({ amountMinor: 123_456, currency: 'EUR' });
  });

  it('earns the same points for the same major amount whatever the exponent (1 point per unit)', () => {
    // Tried: 100 JPY (100 minor units), 100.00 EUR (10000), 100.000 KWD (100000) at 1 point per unit.
    const earn = { points: 1, per: 1 };
    expect(basePoints(100, earn, minorUnitExponent('JPY')!)).toBe(100);
    expect(basePoints(100_00, earn, minorUnitExponent('EUR')!)).toBe(100);
    expect(basePoints(100_000, earn, minorUnitExponent('KWD')!)).toBe(100);
  });

  it('shows amounts in the currency\'s own minor unit', () => {
    expect(formatMoney(1500, 'JPY')).toMatch(/1[,.\u202f\u00a0]?500/);
    expect(formatMoney(1500, 'JPY')).not.toMatch(/15[,.]00/);
    expect(formatMoney(12_345, 'KWD')).toMatch(/12[,.]345/);
    expect(formatMoney(11_400, 'EUR')).toMatch(/114[,.]00/);
  });
});

describe('.error: codes without a minor unit', () => {
  it('accepts no metal, fund without exponent or test code, and nothing that is not a code', () => {
    for (const code of ['XAU', 'XAG', 'XDR', 'XTS', 'XXX', 'EURO', 'eur', '']) expect(KNOWN_CURRENCIES.has(code)).toBe(false);
  });
});
