/** The one valuation: a purchase's points from the amount in force and the terms frozen with it. */
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../../lib/contract/index.ts';
import { earnPoints, termsAt, valuate, type EarnContext } from '../../../lib/points/index.ts';

const at = new Date('2026-06-01T12:00:00Z');
const window = { startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-07-01T00:00:00Z' };
const bonusFrom100: Offer = { id: 'bonus-100', title: 'Bonus', kind: 'bonus', bonusPoints: 500, minAmountMinor: 100_00, ...window };
const doubleFrom100: Offer = { id: 'double-100', title: 'x2', kind: 'multiplier', multiplier: 2, minAmountMinor: 100_00, ...window };
const oneAndHalf: Offer = { id: 'x1-5', title: 'x1.5', kind: 'multiplier', multiplier: 1.5, ...window };

const ctx = (amountMinor: number, extra: Partial<EarnContext> = {}): EarnContext => ({
  amountMinor, partnerId: 'shop', earn: { points: 1, per: 1 }, exponent: 2, at, ...extra,
});

describe('.happy: valuation from frozen terms', () => {
  it('drops an offer when the amount in force falls below its minimum', () => {
    // Tried: booked at 120.00 with a bonus and a ×2 from 100.00, then valued at 80.00 (a partial return).
    const terms = termsAt(ctx(120_00), [bonusFrom100, doubleFrom100]);
    expect(valuate(120_00, terms)).toMatchObject({ total: 240 + 500, appliedOfferIds: ['double-100', 'bonus-100'] });
    expect(valuate(80_00, terms)).toMatchObject({ total: 80, bonus: 0, appliedOfferIds: [] });
  });

  it('lets a lower multiplier without minimum take over when the higher one drops', () => {
    const terms = termsAt(ctx(150_00), [doubleFrom100, oneAndHalf]);
    expect(valuate(150_00, terms).total).toBe(300);
    expect(valuate(90_00, terms).total).toBe(135);
  });

  it('keeps the rate, the tier and the offers of the day it was booked, whatever changes later', () => {
    const terms = termsAt(ctx(100_00, { tier: 'gold', tierMultiplierPercent: 125 }), [oneAndHalf]);
    // The partner's rate, the offers and the tier may all change afterwards: the terms are data, not a look-up.
    expect(valuate(100_00, terms).total).toBe(187);
    expect(valuate(40_00, terms).total).toBe(75);
  });

  it('reaches an offer\'s minimum when the partner confirms a higher amount', () => {
    const terms = termsAt(ctx(90_00), [bonusFrom100]);
    expect(valuate(90_00, terms).total).toBe(90);
    expect(valuate(110_00, terms).total).toBe(610);
  });

  it('values by the currency\'s exponent: JPY 0, KWD 3', () => {
    expect(earnPoints(ctx(1500, { exponent: 0 }), []).total).toBe(1500);
    expect(earnPoints(ctx(1500, { exponent: 3 }), []).total).toBe(1);
  });

  it('is the same function the estimate uses: earnPoints is valuate of the terms in force', () => {
    for (const amount of [1, 99_99, 100_00, 250_55]) {
      expect(earnPoints(ctx(amount), [bonusFrom100, doubleFrom100, oneAndHalf])).toEqual(
        valuate(amount, termsAt(ctx(amount), [bonusFrom100, doubleFrom100, oneAndHalf])),
      );
    }
  });
});

describe('.error: amounts worth nothing', () => {
  it('values zero, negative and unsafe amounts at nothing, bonus included', () => {
    const terms = termsAt(ctx(120_00), [{ ...bonusFrom100, minAmountMinor: undefined }]);
    for (const amount of [0, -5, Number.NaN, 2 ** 60]) expect(valuate(amount, terms).total).toBe(0);
  });

  it('freezes a per-member-limited offer only when it applies at the booked amount (that is when it takes a use)', () => {
    const limited: Offer = { ...bonusFrom100, id: 'once', perMemberLimit: 1 };
    expect(termsAt(ctx(50_00), [limited]).offers).toEqual([]);
    expect(termsAt(ctx(150_00), [limited]).offers).toEqual([{ id: 'once', kind: 'bonus', bonusPoints: 500, minAmountMinor: 100_00, limited: true }]);
    expect(termsAt(ctx(150_00, { offerUses: new Map([['once', 1]]) }), [limited]).offers).toEqual([]);
  });
});
