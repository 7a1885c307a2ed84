/** The shared mission rules (lib/missions/evaluate.ts): what counts, what the popup shows, what the server books on. */
import { describe, expect, it } from 'vitest';
import { Mission, type MissionRule } from '../../../lib/contract/index.ts';
import { evaluate, ruledOut, standing, type MissionPurchase } from '../../../lib/missions/evaluate.ts';

const window = { startsAt: '2026-12-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };
const mission = (rule: MissionRule) => ({ ...window, rule });
let n = 0;
const purchase = (over: Partial<MissionPurchase>): MissionPurchase => ({
  id: `p${++n}`,
  partnerId: 'schuhhaus',
  category: 'Fashion',
  amountMinor: 5_000,
  currency: 'EUR',
  at: '2026-12-10T10:00:00Z',
  status: 'confirmed',
  ...over,
});

describe('evaluate', () => {
  it('counts different partners within the window, live purchases only', () => {
    const purchases = [
      purchase({ partnerId: 'a' }),
      purchase({ partnerId: 'a' }),
      purchase({ partnerId: 'b', status: 'pending' }),
      purchase({ partnerId: 'c', status: 'rejected' }),
      purchase({ partnerId: 'd', status: 'reversed' }),
      purchase({ partnerId: 'e', at: '2026-11-30T23:59:59Z' }),
      purchase({ partnerId: 'f', at: '2027-01-01T00:00:00Z' }),
    ];
    const m = mission({ kind: 'distinct-partners', count: 3 });
    expect(evaluate(m, purchases)).toMatchObject({ progress: 2, target: 3, complete: false });
    expect(evaluate(m, purchases, { confirmedOnly: true })).toMatchObject({ progress: 1, complete: false, countingPurchaseIds: [purchases[0]!.id] });
    expect(standing(m, [...purchases, purchase({ partnerId: 'g' }), purchase({ partnerId: 'h' })])).toEqual({ progress: 3, confirmedProgress: 3, target: 3, complete: true });
  });

  it('sums what was spent in the mission\'s currency at the amounts in force, capped at the target', () => {
    const m = mission({ kind: 'spend', amountMinor: 10_000, currency: 'EUR' });
    expect(evaluate(m, [purchase({ amountMinor: 4_000 }), purchase({ amountMinor: 9_000, currency: 'CHF' })])).toMatchObject({ progress: 4_000, target: 10_000, complete: false });
    expect(evaluate(m, [purchase({ amountMinor: 4_000 }), purchase({ amountMinor: 7_000 })])).toMatchObject({ progress: 10_000, complete: true });
  });

  it('counts purchases at one partner when the rule names it', () => {
    const m = mission({ kind: 'purchase-count', count: 2, partnerId: 'gartenglueck' });
    expect(evaluate(m, [purchase({ partnerId: 'gartenglueck' }), purchase({})]).progress).toBe(1);
    expect(evaluate(m, [purchase({ partnerId: 'gartenglueck' }), purchase({ partnerId: 'gartenglueck' })]).complete).toBe(true);
  });

  it('gives a first purchase in a category only to a member who never bought in it before the window', () => {
    const m = mission({ kind: 'category-purchase', category: 'garden', first: true });
    const inWindow = purchase({ category: 'Garden' });
    expect(evaluate(m, [inWindow])).toMatchObject({ progress: 1, target: 1, complete: true, countingPurchaseIds: [inWindow.id] });
    const before = purchase({ category: 'garden', at: '2026-06-01T00:00:00Z' });
    expect(evaluate(m, [before, inWindow]).complete).toBe(false);
    expect(ruledOut(m, [before, inWindow])).toBe(true);
    // A cancelled purchase from before does not count against the member.
    expect(evaluate(m, [{ ...before, status: 'rejected' }, inWindow]).complete).toBe(true);
    // Without `first`, any purchase in the category will do.
    expect(evaluate(mission({ kind: 'category-purchase', category: 'garden' }), [before, inWindow]).complete).toBe(true);
  });
});

describe('the mission schema', () => {
  const base = { id: 'december-3', title: { de: 'Drei Shops', en: 'Three shops' }, bonusPoints: 300, ...window };
  it('takes the four rule kinds and defaults to active', () => {
    expect(Mission.parse({ ...base, rule: { kind: 'distinct-partners', count: 3 } }).active).toBe(true);
    expect(Mission.safeParse({ ...base, rule: { kind: 'spend', amountMinor: 10_000, currency: 'EUR' } }).success).toBe(true);
  });
  it('refuses an unknown kind, a window that ends before it starts, and a title in one language only', () => {
    expect(Mission.safeParse({ ...base, rule: { kind: 'streak', days: 3 } }).success).toBe(false);
    expect(Mission.safeParse({ ...base, rule: { kind: 'purchase-count', count: 1 }, startsAt: window.endsAt, endsAt: window.startsAt }).success).toBe(false);
    expect(Mission.safeParse({ ...base, title: { en: 'Three shops' }, rule: { kind: 'purchase-count', count: 1 } }).success).toBe(false);
  });
});
