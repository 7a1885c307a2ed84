/**
 * Where a member stands on a mission (docs/missions.md): one pure function
 * that the server books completions with and the popup's progress comes
 * from, so the two always agree.
 *
 * A purchase counts when it was placed within the mission's window and is
 * still live (`pending` or `confirmed`: a rejected or reversed purchase, a
 * cancelled or fully returned order, never counts; a partial return counts
 * at the amount that stands). On the server only confirmed purchases complete
 * a mission; the popup shows pending ones as progress still to be confirmed.
 */
import type { Mission, MissionRule, PurchaseStatus } from '../contract/index.ts';

/** What the evaluation needs of a purchase. */
export interface MissionPurchase {
  id: string;
  partnerId: string;
  /** The partner's catalogue category, if known. */
  category?: string;
  amountMinor: number;
  currency: string;
  /** When the order was placed (ISO 8601). */
  at: string;
  status: PurchaseStatus;
}

export interface MissionEvaluation {
  progress: number;
  target: number;
  complete: boolean;
  /** The purchases that make up the progress. */
  countingPurchaseIds: string[];
}

export interface MissionStandingView {
  /** Pending and confirmed purchases together. */
  progress: number;
  /** Confirmed purchases only: what completion is booked on. */
  confirmedProgress: number;
  target: number;
  /** Complete on confirmed purchases alone. */
  complete: boolean;
}

type Window = Pick<Mission, 'startsAt' | 'endsAt' | 'rule'>;

const isLive = (p: MissionPurchase) => p.status === 'pending' || p.status === 'confirmed';
const sameCategory = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

function inWindow(mission: Window, p: MissionPurchase): boolean {
  const at = Date.parse(p.at);
  return at >= Date.parse(mission.startsAt) && at < Date.parse(mission.endsAt);
}

function matchesRule(rule: MissionRule, p: MissionPurchase): boolean {
  switch (rule.kind) {
    case 'distinct-partners':
      return rule.category === undefined || sameCategory(p.category, rule.category);
    case 'category-purchase':
      return sameCategory(p.category, rule.category);
    case 'purchase-count':
      return rule.partnerId === undefined || p.partnerId === rule.partnerId;
    case 'spend':
      return p.currency === rule.currency && (rule.partnerId === undefined || p.partnerId === rule.partnerId);
  }
}

const byTime = (a: MissionPurchase, b: MissionPurchase) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * `confirmedOnly`: count confirmed purchases only (the server's booking);
 * otherwise pending ones too (the member's progress).
 */
export function evaluate(mission: Window, purchases: readonly MissionPurchase[], options: { confirmedOnly?: boolean } = {}): MissionEvaluation {
  const { rule } = mission;
  const live = purchases.filter(isLive);
  const counted = live
    .filter((p) => (options.confirmedOnly ? p.status === 'confirmed' : true))
    .filter((p) => inWindow(mission, p) && matchesRule(rule, p))
    .sort(byTime);
  switch (rule.kind) {
    case 'distinct-partners': {
      const firstAtPartner = new Map<string, string>();
      for (const p of counted) if (!firstAtPartner.has(p.partnerId)) firstAtPartner.set(p.partnerId, p.id);
      return result(firstAtPartner.size, rule.count, [...firstAtPartner.values()]);
    }
    case 'category-purchase': {
      // A first purchase in the category: a live purchase in it before the window rules the member out.
      const before = rule.first === true && live.some((p) => sameCategory(p.category, rule.category) && Date.parse(p.at) < Date.parse(mission.startsAt));
      const first = before ? undefined : counted[0];
      return result(first ? 1 : 0, 1, first ? [first.id] : []);
    }
    case 'purchase-count':
      return result(Math.min(counted.length, rule.count), rule.count, counted.slice(0, rule.count).map((p) => p.id));
    case 'spend': {
      const spent = counted.reduce((sum, p) => sum + p.amountMinor, 0);
      return result(Math.min(spent, rule.amountMinor), rule.amountMinor, counted.map((p) => p.id));
    }
  }
}

function result(progress: number, target: number, countingPurchaseIds: string[]): MissionEvaluation {
  return { progress: Math.min(progress, target), target, complete: progress >= target, countingPurchaseIds };
}

/** Whether a `category-purchase` mission with `first` is out of reach: the member bought in the category before. */
export function ruledOut(mission: Window, purchases: readonly MissionPurchase[]): boolean {
  const { rule } = mission;
  if (rule.kind !== 'category-purchase' || rule.first !== true) return false;
  return purchases.some((p) => isLive(p) && sameCategory(p.category, rule.category) && Date.parse(p.at) < Date.parse(mission.startsAt));
}

/** Both views at once: the member's progress with pending purchases, and the confirmed part that completion rests on. */
export function standing(mission: Window, purchases: readonly MissionPurchase[]): MissionStandingView {
  const all = evaluate(mission, purchases);
  const confirmed = evaluate(mission, purchases, { confirmedOnly: true });
  return { progress: all.progress, confirmedProgress: confirmed.progress, target: all.target, complete: confirmed.complete };
}
