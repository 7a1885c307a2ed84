/**
 * An operational model of points expiry for the property test, written
 * independently of the server's closed form (server/ledger/expiry.ts): each
 * member holds a queue of earning lots with what is left of each; every
 * debit takes from the front of the queue (oldest lot first) and what it
 * cannot take becomes a debt that the next lots pay first; an expiry empties
 * the lots whose month has passed; a return of a purchase puts what expired
 * of its lot back into it before the return takes its points.
 */
import { lotExpiresAt, lastSpendableDay } from '../../server/ledger/expiry.ts';

export interface ModelLot {
  earnedAtMs: number;
  remaining: number;
  expired: number;
  reinstated: number;
  /** The expiry job has dealt with it (an expiry entry, or nothing left to expire). */
  done: boolean;
}

export interface ModelPurchase {
  id: string;
  member: number;
  orderId: string;
  amountMinor: number;
  points: number;
  status: 'pending' | 'confirmed' | 'rejected' | 'reversed';
  lot?: ModelLot;
}

interface ModelMember {
  lots: ModelLot[];
  debt: number;
}

/** 1 point per 1.00 EUR, as the test partner earns. */
export const pointsOf = (amountMinor: number) => Math.floor(amountMinor / 100);

export class ExpiryModel {
  readonly members: ModelMember[];
  readonly purchases: ModelPurchase[] = [];

  constructor(
    members: number,
    readonly months: number,
  ) {
    this.members = Array.from({ length: members }, () => ({ lots: [], debt: 0 }));
  }

  available(member: number): number {
    const m = this.members[member]!;
    return m.lots.reduce((sum, lot) => sum + lot.remaining, 0) - m.debt;
  }

  expired(member: number): number {
    return this.members[member]!.lots.reduce((sum, lot) => sum + lot.expired, 0);
  }

  reinstated(member: number): number {
    return this.members[member]!.lots.reduce((sum, lot) => sum + lot.reinstated, 0);
  }

  private credit(member: number, points: number, atMs: number): ModelLot {
    const m = this.members[member]!;
    const pay = Math.min(m.debt, points);
    m.debt -= pay;
    const lot = { earnedAtMs: atMs, remaining: points - pay, expired: 0, reinstated: 0, done: false };
    m.lots.push(lot);
    return lot;
  }

  private debit(member: number, points: number): void {
    const m = this.members[member]!;
    let left = points;
    for (const lot of m.lots) {
      if (left === 0) break;
      const take = Math.min(lot.remaining, left);
      lot.remaining -= take;
      left -= take;
    }
    m.debt += left;
  }

  book(id: string, member: number, orderId: string, amountMinor: number): ModelPurchase {
    const p: ModelPurchase = { id, member, orderId, amountMinor, points: pointsOf(amountMinor), status: 'pending' };
    this.purchases.push(p);
    return p;
  }

  confirm(p: ModelPurchase, atMs: number): 'applied' | 'unchanged' | 'invalid' {
    if (p.status === 'confirmed') return 'unchanged';
    if (p.status !== 'pending') return 'invalid';
    p.status = 'confirmed';
    if (p.points > 0) p.lot = this.credit(p.member, p.points, atMs);
    return 'applied';
  }

  /** Takes points of a confirmed purchase back, giving back first what expired of its lot. */
  private takeBack(p: ModelPurchase, points: number): void {
    if (points <= 0) return;
    const lot = p.lot;
    if (lot) {
      const back = Math.min(lot.expired - lot.reinstated, points);
      if (back > 0) {
        lot.remaining += back;
        lot.reinstated += back;
      }
    }
    this.debit(p.member, points);
  }

  returned(p: ModelPurchase, amountMinor: number | undefined): 'applied' | 'unchanged' | 'invalid' {
    if (p.status === 'rejected' || p.status === 'reversed') return 'unchanged';
    if (amountMinor === undefined || amountMinor === 0) return this.end(p);
    if (amountMinor > p.amountMinor) return 'invalid';
    if (amountMinor === p.amountMinor) return 'unchanged';
    const points = pointsOf(amountMinor);
    if (p.status === 'confirmed') this.takeBack(p, p.points - points);
    p.amountMinor = amountMinor;
    p.points = points;
    return 'applied';
  }

  end(p: ModelPurchase): 'applied' | 'unchanged' {
    if (p.status === 'rejected' || p.status === 'reversed') return 'unchanged';
    if (p.status === 'confirmed') this.takeBack(p, p.points);
    p.status = p.status === 'confirmed' ? 'reversed' : 'rejected';
    return 'applied';
  }

  redeem(member: number, cost: number): boolean {
    if (this.available(member) < cost) return false;
    this.debit(member, cost);
    return true;
  }

  private isDue(lot: ModelLot, now: Date): boolean {
    return lotExpiresAt(new Date(lot.earnedAtMs), this.months).getTime() <= now.getTime();
  }

  expire(now: Date): void {
    for (const m of this.members) {
      for (const lot of m.lots) {
        if (lot.done || !this.isDue(lot, now)) continue;
        lot.expired += lot.remaining;
        lot.remaining = 0;
        lot.done = true;
      }
    }
  }

  /** What the member is told will expire: lots not yet due with points left, by last spendable day. */
  upcoming(member: number, now: Date): { points: number; expiresOn: string }[] {
    const byDay = new Map<string, number>();
    const horizon = now.getTime() + 365 * 24 * 60 * 60 * 1000;
    for (const lot of this.members[member]!.lots) {
      const at = lotExpiresAt(new Date(lot.earnedAtMs), this.months);
      if (lot.done || lot.remaining === 0 || at.getTime() <= now.getTime() || at.getTime() > horizon) continue;
      const day = lastSpendableDay(at);
      byDay.set(day, (byDay.get(day) ?? 0) + lot.remaining);
    }
    return [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([expiresOn, points]) => ({ points, expiresOn }));
  }
}
