import { describe, expect, it } from 'vitest';
import { decimalToMinor, findMoney, parseMoney } from '../../../lib/detect/money.ts';

describe('parseMoney: the formats shops print', () => {
  it.each([
    ['1.234,56 €', 123456, 'EUR'],
    ['EUR 49,90', 4990, 'EUR'],
    ['49,90 EUR', 4990, 'EUR'],
    ['$1,234.56', 123456, 'USD'],
    ['€ 12.00', 1200, 'EUR'],
    ['€12', 1200, 'EUR'],
    ["CHF 1'234.50", 123450, 'CHF'],
    ['CHF 1’234.50', 123450, 'CHF'],
    ['1 234,56 €', 123456, 'EUR'],
    ['1\u00a0234,56\u00a0€', 123456, 'EUR'],
    ['1\u202f234,56\u202f€', 123456, 'EUR'],
    ['£1,049.99', 104999, 'GBP'],
    ['Fr. 89.50', 8950, 'CHF'],
    ['SFr. 12.50', 1250, 'CHF'],
    ['€ 49', 4900, 'EUR'],
    ['1.234 €', 123400, 'EUR'],
    ['$1,234', 123400, 'USD'],
    ['123,45 €*', 12345, 'EUR'],
    ['49,– €', 4900, 'EUR'],
    ['12,5 €', 1250, 'EUR'],
    ['USD 1,000,000.00', 100_000_000, 'USD'],
    ['  \n 19,99 €\t ', 1999, 'EUR'],
  ])('%s → %i %s', (text, amountMinor, currency) => {
    expect(parseMoney(text)).toEqual({ amountMinor, currency });
  });

  it('uses the fallback currency only when the text names none', () => {
    expect(parseMoney('49,90', 'EUR')).toEqual({ amountMinor: 4990, currency: 'EUR' });
    expect(parseMoney('$49.90', 'EUR')).toEqual({ amountMinor: 4990, currency: 'USD' });
    expect(parseMoney('49,90')).toBeNull();
  });

  it('reads a plain $ as the shop’s own dollar when that is its currency', () => {
    expect(parseMoney('$49.90', 'CAD')).toEqual({ amountMinor: 4990, currency: 'CAD' });
  });

  it('agrees when the sign and the code name the same currency', () => {
    expect(parseMoney('€114,00 EUR')).toEqual({ amountMinor: 11400, currency: 'EUR' });
  });
});

describe('parseMoney refuses what is not one positive amount', () => {
  it.each([
    ['-49,90 €'],
    ['−49,90 €'],
    ['0,00 €'],
    ['€'],
    [''],
    ['free'],
    ['49,90 € USD'],
    ['1.234.567,89 €'],
    ['1000000.01 EUR'],
    ['1'.repeat(40) + ' €'],
    ['1,234.567 €'],
    ['12.34.56 €'],
    ['1.23,45 €'],
    ['49,90 € (inkl. MwSt.)'],
    ['€ 12.00 € 13.00'],
    ['Infinity €'],
    ['1e5 €'],
    ['0x1F €'],
  ])('%s → null', (text) => {
    expect(parseMoney(text)).toBeNull();
  });
});

describe('findMoney: the first amount in a short label', () => {
  it('reads the amount after a label and ignores the tax note after it', () => {
    expect(findMoney('Total (tax incl.) €49.90')).toEqual({ amountMinor: 4990, currency: 'EUR' });
    expect(findMoney('Gesamtsumme: 123,45 € (enthält 19,71 € MwSt.)')).toEqual({ amountMinor: 12345, currency: 'EUR' });
  });

  it('does not take a tax rate or a quantity for the amount', () => {
    expect(findMoney('Gesamt (inkl. 19% MwSt.) 49,90 €')).toEqual({ amountMinor: 4990, currency: 'EUR' });
    expect(findMoney('2 items', 'EUR')).toBeNull();
  });
});

describe('decimalToMinor: numbers from tracking code without float errors', () => {
  it.each([
    [114, 11400],
    [114.0, 11400],
    ['114.00', 11400],
    [19.99, 1999],
    [0.1 + 0.2, 30],
    [49.900000000000006, 4990],
    [1.005, 101],
    ['89.5', 8950],
  ])('%s → %i', (value, amountMinor) => {
    expect(decimalToMinor(value)).toBe(amountMinor);
  });

  it.each([[-5], [0], [Number.NaN], [Number.POSITIVE_INFINITY], [1e21], ['1e3'], ['12,50'], [null], [{}], [10_000_000.01]])(
    'refuses %s',
    (value) => {
      expect(decimalToMinor(value)).toBeNull();
    },
  );
});
