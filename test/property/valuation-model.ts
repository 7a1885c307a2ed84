/**
 * A plain model of the valuation rules (DESIGN.md, "Money, points, time"),
 * written apart from lib/points so the property test compares two readings of
 * the rules, not one function with itself:
 *
 *   points = floor(amount × rate.points × best multiplier % × tier % / (rate.per × 10^e × 100 × 100)) + bonuses,
 *
 * over the offers in force when the order was placed whose minimum the
 * amount in force meets (the highest multiplier wins), the rate and tier of
 * that moment; zero for nothing left. A per-member-limited offer counts only
 * if the member had a use left when the order was placed and the booked
 * amount reached it; it gives the use back when the amount drops below its
 * minimum or the order ends.
 */
import type { PurchaseStatus } from '../../lib/contract/index.ts';

export const TIER_LADDER = [
  { id: 'basis', minPoints: 0, percent: 100 },
  { id: 'silber', minPoints: 2_000, percent: 110 },
  { id: 'gold', minPoints: 5_000, percent: 125 },
] as const;

export interface ModelOffer {
  id: string;
  partner: number;
  kind: 'multiplier' | 'bonus';
  /** Percent for a multiplier (150 = ×1.5). */
  percent?: number;
  bonus?: number;
  minAmountMinor?: number;
  limited: boolean;
  ended: boolean;
}

export interface ModelTerms {
  points: number;
  per: number;
  exponent: number;
  tierPercent: number;
  offers: ModelOffer[];
}

export interface ValuedPurchase {
  id: string;
  member: number;
  partner: number;
  orderId: string;
  amountMinor: number;
  status: PurchaseStatus;
  terms: ModelTerms;
  points: number;
  base: number;
  /** Limited offers whose use this purchase holds. */
  uses: Set<string>;
}

const meets = (o: ModelOffer, amount: number) => o.minAmountMinor === undefined || amount >= o.minAmountMinor;

export function modelValue(amount: number, t: ModelTerms): { total: number; base: number; applied: string[] } {
  if (amount <= 0) return { total: 0, base: 0, applied: [] };
  const reached = t.offers.filter((o) => meets(o, amount));
  const multipliers = reached.filter((o) => o.kind === 'multiplier').sort((a, b) => b.percent! - a.percent!);
  const best = multipliers[0];
  const bonuses = reached.filter((o) => o.kind === 'bonus');
  const scale = BigInt(t.per) * 10n ** BigInt(t.exponent);
  const multiplied = (BigInt(amount) * BigInt(t.points) * BigInt(best?.percent ?? 100) * BigInt(t.tierPercent)) / (scale * 10_000n);
  const total = Number(multiplied) + bonuses.reduce((s, o) => s + o.bonus!, 0);
  return { total, base: Number((BigInt(amount) * BigInt(t.points)) / scale), applied: [...(best ? [best.id] : []), ...bonuses.map((o) => o.id)] };
}

export interface ModelPartner {
  points: number;
  per: number;
  exponent: number;
}

export class ValuationModel {
  purchases: ValuedPurchase[] = [];
  offers: ModelOffer[] = [];
  /** Per member, the uses of each limited offer held by live purchases. */
  uses: Map<string, number>[];
  constructor(
    public partners: ModelPartner[],
    members: number,
  ) {
    this.uses = Array.from({ length: members }, () => new Map());
  }

  /** The tier a member holds: base points of confirmed purchases (the whole run sits inside the 12-month window). */
  tierPercent(member: number): number {
    const points = this.purchases.filter((p) => p.member === member && p.status === 'confirmed').reduce((s, p) => s + p.base, 0);
    let percent = 100;
    for (const t of TIER_LADDER) if (points >= t.minPoints) percent = t.percent;
    return percent;
  }

  book(id: string, member: number, partner: number, orderId: string, amount: number): ValuedPurchase {
    const rate = this.partners[partner]!;
    const uses = this.uses[member]!;
    const offers = this.offers
      .filter((o) => !o.ended && o.partner === partner)
      .filter((o) => !o.limited || ((uses.get(o.id) ?? 0) < 1 && meets(o, amount)))
      .map((o) => ({ ...o }));
    const terms: ModelTerms = { ...rate, tierPercent: this.tierPercent(member), offers };
    const p: ValuedPurchase = { id, member, partner, orderId, amountMinor: amount, status: 'pending', terms, points: 0, base: 0, uses: new Set() };
    this.revalue(p, amount);
    this.purchases.push(p);
    return p;
  }

  private revalue(p: ValuedPurchase, amount: number): void {
    const v = modelValue(amount, p.terms);
    const now = new Set(v.applied.filter((id) => p.terms.offers.find((o) => o.id === id)!.limited));
    const uses = this.uses[p.member]!;
    for (const id of p.uses) if (!now.has(id)) uses.set(id, uses.get(id)! - 1);
    for (const id of now) if (!p.uses.has(id)) uses.set(id, (uses.get(id) ?? 0) + 1);
    Object.assign(p, { amountMinor: amount, points: v.total, base: v.base, uses: now });
  }

  holder(partner: number, orderId: string): ValuedPurchase | undefined {
    return this.purchases.find((p) => p.partner === partner && p.orderId === orderId);
  }

  confirm(p: ValuedPurchase, amount?: number): 'applied' | 'unchanged' | 'invalid' {
    if (p.status === 'confirmed') return 'unchanged';
    if (p.status !== 'pending' || amount === 0) return 'invalid';
    if (amount !== undefined && amount !== p.amountMinor) this.revalue(p, amount);
    p.status = 'confirmed';
    return 'applied';
  }

  returned(p: ValuedPurchase, amount: number | undefined): 'applied' | 'unchanged' | 'invalid' {
    if (amount === undefined || amount === 0) return this.end(p);
    if (p.status !== 'pending' && p.status !== 'confirmed') return 'unchanged';
    if (amount > p.amountMinor) return 'invalid';
    if (amount === p.amountMinor) return 'unchanged';
    this.revalue(p, amount);
    return 'applied';
  }

  end(p: ValuedPurchase): 'applied' | 'unchanged' {
    if (p.status !== 'pending' && p.status !== 'confirmed') return 'unchanged';
    const uses = this.uses[p.member]!;
    for (const id of p.uses) uses.set(id, uses.get(id)! - 1);
    p.uses = new Set();
    p.status = p.status === 'confirmed' ? 'reversed' : 'rejected';
    return 'applied';
  }

  /** A `placed` report vouches for a pending purchase and changes no points (these partners do not auto-confirm). */
  placed(p: ValuedPurchase): 'applied' | 'unchanged' {
    return p.status === 'pending' ? 'applied' : 'unchanged';
  }

  /** Points spent on rewards, per member. */
  spent: number[] = [];

  /** Spends `cost` if the member's available points cover it; says whether it did. */
  redeem(member: number, cost: number): boolean {
    if (this.balance(member).available < cost) return false;
    this.spent[member] = (this.spent[member] ?? 0) + cost;
    return true;
  }

  balance(member: number): { pending: number; available: number } {
    const mine = this.purchases.filter((p) => p.member === member);
    const sum = (s: PurchaseStatus) => mine.filter((p) => p.status === s).reduce((t, p) => t + p.points, 0);
    return { pending: sum('pending'), available: sum('confirmed') - (this.spent[member] ?? 0) };
  }
}
