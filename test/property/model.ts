/**
 * A reference implementation of the purchase lifecycle and the ledger
 * (DESIGN.md, "Purchase lifecycle" and "Partner reports"), small enough to
 * check by reading. The property tests run random command sequences through
 * the real app and through this model side by side and compare.
 */
import type { Balance, PurchaseStatus } from '../../lib/contract/index.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface PartnerSpec {
  earn: { points: number; per: number };
  holdDays: number;
  autoConfirm: boolean;
}

/** Two partners: one that auto-confirms after 14 days, one that never does and earns half. */
export const PARTNERS: readonly PartnerSpec[] = [
  { earn: { points: 1, per: 1 }, holdDays: 14, autoConfirm: true },
  { earn: { points: 1, per: 2 }, holdDays: 30, autoConfirm: false },
];
export const REWARD_COSTS: readonly number[] = [20, 70];

export interface SentBody {
  id: string;
  partner: number;
  order: number;
  amountMinor: number;
  detectedAt: string;
}

export interface ModelPurchase {
  id: string;
  member: number;
  partner: number;
  order: number;
  amountMinor: number;
  points: number;
  status: PurchaseStatus;
  holdUntilMs: number;
  /** The order's first purchase, for every later one (a contest, or a claim after the first ended). */
  duplicateOf: string | null;
  /** Held for review (a contest): never auto-confirmed, only the partner's report decides. */
  held: boolean;
  /** Order of booking, for the order reports visit an order's purchases in. */
  seq: number;
  /** The exact body first sent under this id, for duplicate/conflict decisions. */
  body: SentBody;
}

export type ReportStatus = 'placed' | 'confirmed' | 'returned' | 'cancelled';

/** The result statuses of the contract, as the model expects them. */
export type IngestOutcome = 'accepted' | 'duplicate' | 'conflict' | 'rejected';
export type ReportOutcome = 'applied' | 'unchanged' | 'invalid' | 'unknown';

export function pointsFor(partner: number, amountMinor: number): number {
  const { points, per } = PARTNERS[partner]!.earn;
  return amountMinor <= 0 ? 0 : Math.floor((amountMinor * points) / (per * 100));
}

const sameBody = (a: SentBody, b: SentBody) =>
  a.partner === b.partner && a.order === b.order && a.amountMinor === b.amountMinor && a.detectedAt === b.detectedAt;

export class LedgerModel {
  readonly balances: Balance[];
  readonly purchases = new Map<string, ModelPurchase>();
  readonly keys = new Map<string, { reward: number; status: number }>();
  /** The partner's `placed` reports by `partner:order`: the amount it vouches for. */
  readonly placed = new Map<string, number>();
  redemptions = 0;

  constructor(readonly members: number) {
    this.balances = Array.from({ length: members }, () => ({ available: 0, pending: 0, lifetime: 0 }));
  }

  private holder(partner: number, order: number): ModelPurchase | undefined {
    for (const p of this.purchases.values()) if (p.partner === partner && p.order === order && p.duplicateOf === null) return p;
    return undefined;
  }

  /** The member's own row for an order: the one that holds it, else their first refused claim. */
  private ownRow(member: number, partner: number, order: number): ModelPurchase | undefined {
    let first: ModelPurchase | undefined;
    for (const p of this.purchases.values()) {
      if (p.member !== member || p.partner !== partner || p.order !== order) continue;
      if (p.duplicateOf === null) return p;
      first ??= p;
    }
    return first;
  }

  /** Every purchase of an order: live ones first, the first booked before later ones, then in booking order. */
  private rowsOf(partner: number, order: number): ModelPurchase[] {
    const live = (p: ModelPurchase) => (isFinal(p.status) ? 1 : 0);
    return [...this.purchases.values()]
      .filter((p) => p.partner === partner && p.order === order)
      .sort((a, b) => live(a) - live(b) || Number(a.duplicateOf !== null) - Number(b.duplicateOf !== null) || a.seq - b.seq);
  }

  ingest(member: number, body: SentBody, nowMs: number): IngestOutcome {
    const stored = this.purchases.get(body.id);
    if (stored) {
      if (stored.member !== member) return 'rejected';
      return sameBody(stored.body, body) ? 'duplicate' : 'conflict';
    }
    if (this.ownRow(member, body.partner, body.order)) return 'duplicate';
    const first = this.holder(body.partner, body.order);
    const holdUntilMs = nowMs + PARTNERS[body.partner]!.holdDays * DAY_MS;
    // Another member's live purchase of the order: a contest, both held until the partner's word decides.
    const rivals = this.rowsOf(body.partner, body.order).filter((p) => p.member !== member && !isFinal(p.status));
    const points = pointsFor(body.partner, body.amountMinor);
    this.purchases.set(body.id, {
      id: body.id, member, partner: body.partner, order: body.order, amountMinor: body.amountMinor, holdUntilMs, body,
      points, status: 'pending', duplicateOf: first?.id ?? null, held: rivals.length > 0, seq: this.purchases.size,
    });
    this.balances[member]!.pending += points;
    for (const r of rivals) if (r.status === 'pending') r.held = true;
    return 'accepted';
  }

  report(partner: number, order: number, status: ReportStatus, amountMinor?: number): ReportOutcome {
    if (status === 'placed') {
      if (amountMinor === undefined) return 'invalid';
      this.placed.set(`${partner}:${order}`, amountMinor);
    }
    const rows = this.rowsOf(partner, order);
    if (rows.length === 0) return status === 'placed' ? 'applied' : 'unknown';
    const live = rows.filter((p) => !isFinal(p.status));
    if (live.length > 1) {
      // A contest the report names no buyer for: left to the operator, unless the order is gone.
      if (status === 'placed' || status === 'confirmed') return 'unchanged';
      let outcome: ReportOutcome = 'unchanged';
      for (const p of live) outcome = this.apply(p, status, amountMinor);
      return outcome;
    }
    return this.apply(live[0] ?? rows[0]!, status, amountMinor);
  }

  private apply(p: ModelPurchase, status: ReportStatus, amountMinor?: number): ReportOutcome {
    if (status === 'placed') return p.status === 'pending' ? 'applied' : 'unchanged';
    if (status === 'confirmed') return this.confirm(p, amountMinor);
    if (status === 'cancelled' || amountMinor === undefined || amountMinor === 0) return this.end(p);
    if (isFinal(p.status)) return 'unchanged';
    if (amountMinor > p.amountMinor) return 'invalid';
    if (amountMinor === p.amountMinor) return 'unchanged';
    const points = pointsFor(p.partner, amountMinor);
    this.move(p.member, p.status === 'confirmed' ? 'available' : 'pending', points - p.points);
    Object.assign(p, { amountMinor, points });
    return 'applied';
  }

  private confirm(p: ModelPurchase, amountMinor?: number): ReportOutcome {
    if (p.status === 'confirmed') return 'unchanged';
    if (isFinal(p.status)) return 'invalid';
    // The partner's amount stands, above the member's as well as below it.
    if (amountMinor === 0) return 'invalid';
    if (amountMinor !== undefined && amountMinor !== p.amountMinor) {
      const points = pointsFor(p.partner, amountMinor);
      this.move(p.member, 'pending', points - p.points);
      Object.assign(p, { amountMinor, points });
    }
    this.move(p.member, 'pending', -p.points);
    this.move(p.member, 'available', p.points);
    p.status = 'confirmed';
    return 'applied';
  }

  private end(p: ModelPurchase): ReportOutcome {
    if (isFinal(p.status)) return 'unchanged';
    const confirmed = p.status === 'confirmed';
    this.move(p.member, confirmed ? 'available' : 'pending', -p.points);
    p.status = confirmed ? 'reversed' : 'rejected';
    return 'applied';
  }

  /** Balance changes as `post` books them: available entries count towards lifetime unless spent. */
  private move(member: number, account: 'available' | 'pending', delta: number, spending = false): void {
    const b = this.balances[member]!;
    b[account] += delta;
    if (account === 'available' && !spending) b.lifetime += delta;
  }

  /**
   * Pending purchases past their hold at partners that allow it, and that the
   * partner reported `placed`, become confirmed at the lower of the two
   * amounts (optionally only one member's). Nothing on the member's word alone.
   */
  autoConfirm(nowMs: number, member?: number): void {
    for (const p of this.purchases.values()) {
      if (p.status !== 'pending' || p.holdUntilMs > nowMs || !PARTNERS[p.partner]!.autoConfirm || p.held) continue;
      if (member !== undefined && p.member !== member) continue;
      const vouched = this.placed.get(`${p.partner}:${p.order}`);
      if (vouched === undefined || vouched === 0) continue;
      this.confirm(p, vouched < p.amountMinor ? vouched : undefined);
    }
  }

  /** A redemption: the HTTP status the API should answer. */
  redeem(member: number, reward: number, key: number, nowMs: number): number {
    this.autoConfirm(nowMs, member);
    const stored = this.keys.get(`${member}:${key}`);
    if (stored) return stored.reward === reward ? stored.status : 409;
    const cost = REWARD_COSTS[reward]!;
    const ok = this.balances[member]!.available >= cost;
    if (ok) {
      this.move(member, 'available', -cost, true);
      this.redemptions++;
    }
    const status = ok ? 201 : 409;
    this.keys.set(`${member}:${key}`, { reward, status });
    return status;
  }
}

export function isFinal(status: PurchaseStatus): boolean {
  return status === 'rejected' || status === 'reversed';
}

/** Every path a purchase's status may take over its life. */
export const VALID_PATHS: ReadonlySet<string> = new Set([
  'pending',
  'pending>confirmed',
  'pending>rejected',
  'pending>confirmed>reversed',
]);
