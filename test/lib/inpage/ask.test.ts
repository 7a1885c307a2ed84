/**
 * "Did you just order?": what the moment offers from an unclear
 * confirmation, and what it records from the member's answer.
 */
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../lib/detect/types.ts';
import { answerFrom, askMomentFor, readTotal, MEMBER_CONFIRMED } from '../../../lib/inpage/ask.ts';

const partner = { name: 'Schuhhaus Beispiel', currency: 'EUR' };

function ambiguous(orderIds: string[], totals: Array<[number, string]>, reason: 'ambiguous_total' | 'no_total' = 'ambiguous_total'): Verdict {
  return {
    kind: 'ambiguous',
    reason,
    choices: { orderIds, totals: totals.map(([amountMinor, currency]) => ({ amountMinor, currency })) },
    method: 'labels',
    score: 14,
    readings: [],
  };
}

describe('what the moment offers', () => {
  it('offers the order numbers and the totals the page showed, likeliest first, without repeats', () => {
    const moment = askMomentFor(ambiguous(['10023', '10023', 'R-77'], [[11_400, 'EUR'], [9_580, 'EUR'], [11_400, 'EUR']]), partner);
    expect(moment).toEqual({ partnerName: 'Schuhhaus Beispiel', currency: 'EUR', orderIds: ['10023', 'R-77'], totals: [11_400, 9_580] });
  });

  it('asks for the total in the partner’s currency when the page showed none', () => {
    expect(askMomentFor(ambiguous(['10023'], [], 'no_total'), partner)).toMatchObject({ currency: 'EUR', totals: [] });
  });

  it('never asks on a page that is no confirmation, however much it scored', () => {
    expect(askMomentFor({ kind: 'none', reason: 'a cart', score: 9, readings: [] }, partner)).toBeNull();
  });
});

describe('what the member’s answer records', () => {
  const moment = { partnerName: 'Schuhhaus', currency: 'EUR', orderIds: ['10023'], totals: [11_400] };

  it.each([
    ['114,00', 11_400],
    ['114.00', 11_400],
    ['114,00 €', 11_400],
    ['€ 1.234,56', 123_456],
    ['114', 11_400],
  ])('reads the total %s as %i cents', (typed, minor) => {
    expect(answerFrom(moment, '10023', typed)).toEqual({
      ok: true,
      candidate: { orderId: '10023', amountMinor: minor, currency: 'EUR', method: MEMBER_CONFIRMED },
    });
  });

  it('drops a leading # and the spaces around the order number', () => {
    expect(answerFrom(moment, '  #10023 ', '114,00')).toMatchObject({ ok: true, candidate: { orderId: '10023' } });
  });

  it.each([
    ['nothing', ''],
    ['a sentence', 'my order from today'],
    ['markup', '<img src=x onerror=alert(1)>'],
    ['an overlong number', 'A'.repeat(80)],
  ])('refuses %s as the order number', (_name, typed) => {
    expect(answerFrom(moment, typed, '114,00')).toEqual({ ok: false, problem: 'order_id' });
  });

  it.each([
    ['nothing', ''],
    ['zero', '0,00'],
    ['a negative amount', '-114,00'],
    ['another currency', '114,00 $'],
    ['words', 'about a hundred'],
  ])('refuses %s as the total', (_name, typed) => {
    expect(answerFrom(moment, '10023', typed)).toEqual({ ok: false, problem: 'total' });
  });

  it('reads totals with the currency’s own minor units (ISO 4217)', () => {
    expect(readTotal('12800', 'JPY')).toBe(12_800);
    expect(readTotal('¥12,800', 'JPY')).toBe(12_800);
    expect(readTotal('12', 'KWD')).toBe(12_000);
  });
});
