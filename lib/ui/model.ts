/**
 * What the member's screens show, derived from local state by pure functions
 * so the components stay props-driven and the rules (expected confirmation,
 * overdue, tier progress) are tested once.
 */
import type { Balance, Member, MissionStanding, Offer, Partner, PointsExpiry, PurchaseStatus, Reward, TierProgress as ServerTierProgress } from '../contract/index.ts';
import type { Receipt } from '../db/schema.ts';
import { TIERS } from '../points/tiers.ts';

// The contract's DEFAULT_HOLD_DAYS, repeated: a value import from the contract
// would pull its zod schemas into the popup bundle.
const DEFAULT_HOLD_DAYS = 30;

const DAY_MS = 86_400_000;
/** A receipt that has not reached the server after this long is worth a claim. */
export const LOCAL_OVERDUE_MS = 2 * DAY_MS;

/** `local`: recorded on this device, waiting to sync. `conflict`: the server holds a different body under this id. */
export type RowState = PurchaseStatus | 'local' | 'conflict';

export interface PurchaseRow {
  id: string;
  partnerId: string;
  /** The partner's name, or its id when the catalogue does not know it (any more). */
  shopName: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  detectedAt: string;
  state: RowState;
  points: number;
  /** True while the figure is the extension's own estimate, not the server's. */
  pointsEstimated: boolean;
  expectedConfirmationAt?: string;
  /** Pending past its expected confirmation, or still local after two days: offer a claim. */
  overdue: boolean;
  /** What the member reads beside the state, from the server's reason. */
  note?: PurchaseNote;
}

/**
 * `underReview`: held pending for the operator (a tripped limit, a contested
 * order); `notConfirmedByShop` and `notTheBuyer`: why a purchase was rejected.
 */
export type PurchaseNote = 'underReview' | 'notConfirmedByShop' | 'notTheBuyer';

/** Server reasons of a pending purchase held for review (DESIGN.md: "shown to the member as under review"). */
const UNDER_REVIEW_REASONS: ReadonlySet<string> = new Set([
  'held_for_review',
  'contested',
  'velocity_per_day',
  'velocity_per_week',
  'amount_per_day',
  'basket_far_above_usual',
  'repeated_amount',
  'order_id_pattern',
  'high_rejected_share',
]);

function noteOf(state: RowState, reason: string | undefined): PurchaseNote | undefined {
  if (state === 'pending' && reason !== undefined && UNDER_REVIEW_REASONS.has(reason)) return 'underReview';
  if (state === 'rejected' && reason === 'not_confirmed_by_shop') return 'notConfirmedByShop';
  if (state === 'rejected' && reason === 'not_the_buyer') return 'notTheBuyer';
  return undefined;
}

/**
 * How many purchases the popup reads and shows at first, and how many more
 * each press of "show older" adds. The popup opens on this list: reading and
 * drawing a long history whole would hold back the first paint, balance
 * included.
 */
export const PURCHASES_PAGE = 30;

export interface SyncView {
  lastSyncAt?: string;
  lastError?: string;
  /** Receipts waiting in the outbox. */
  waiting: number;
  online: boolean;
}

/** Everything the popup paints, from IndexedDB alone. */
export interface PopupState {
  member?: Member;
  balance?: Balance;
  tier?: string;
  tierProgress?: ServerTierProgress;
  /** Points about to expire, as of the last sync. */
  expiry?: PointsExpiry;
  /** The member's missions and progress, as of the last sync. */
  missions?: MissionStanding[];
  partners: Partner[];
  offers: Offer[];
  /** The newest purchases, newest first: as many as the popup asked for, or all if fewer. */
  purchases: PurchaseRow[];
  /** All purchases on this device, shown or not; null until counted (after the first paint) when older ones exist. */
  purchaseCount: number | null;
  /** Whether purchases older than those shown exist. */
  morePurchases: boolean;
  sync: SyncView;
  mutedShops: string[];
  consentGiven: boolean;
}

export type RewardsView = { status: 'unknown' } | { status: 'loaded'; rewards: Reward[] } | { status: 'failed' };

/** When a purchase should turn confirmed: the server's date, or detection plus the partner's hold period. */
export function expectedConfirmation(receipt: Receipt, partner: Partner | undefined): string {
  if (receipt.server?.expectedConfirmationAt) return receipt.server.expectedConfirmationAt;
  const holdDays = partner?.holdDays ?? DEFAULT_HOLD_DAYS;
  return new Date(Date.parse(receipt.detectedAt) + holdDays * DAY_MS).toISOString();
}

export function toPurchaseRow(receipt: Receipt, partners: ReadonlyMap<string, Partner>, now: Date): PurchaseRow {
  const partner = partners.get(receipt.partnerId);
  const state: RowState = receipt.conflict ? 'conflict' : (receipt.server?.status ?? 'local');
  const expected = state === 'pending' || state === 'local' ? expectedConfirmation(receipt, partner) : undefined;
  const note = noteOf(state, receipt.server?.reason);
  const overdue =
    (state === 'pending' && note === undefined && expected !== undefined && Date.parse(expected) < now.getTime()) ||
    (state === 'local' && now.getTime() - Date.parse(receipt.detectedAt) > LOCAL_OVERDUE_MS);
  return {
    id: receipt.id,
    partnerId: receipt.partnerId,
    shopName: partner?.name ?? receipt.partnerId,
    orderId: receipt.orderId,
    // The amount that stands once the server has it (the partner's word, a return), else the page's.
    amountMinor: receipt.server?.amountMinor ?? receipt.amountMinor,
    currency: receipt.currency,
    detectedAt: receipt.detectedAt,
    state,
    points: receipt.server?.points ?? receipt.estimatedPoints,
    pointsEstimated: receipt.server === undefined,
    ...(expected !== undefined ? { expectedConfirmationAt: expected } : {}),
    overdue,
    ...(note !== undefined ? { note } : {}),
  };
}

/** Rows newest first, whatever order the receipts came in. */
export function toPurchaseRows(receipts: readonly Receipt[], partners: readonly Partner[], now: Date): PurchaseRow[] {
  const byId = new Map(partners.map((p) => [p.id, p]));
  // Each date parsed once, not in every comparison: the popup sorts a member's whole history.
  return receipts
    .map((r) => ({ row: toPurchaseRow(r, byId, now), atMs: Date.parse(r.detectedAt) }))
    .sort((a, b) => b.atMs - a.atMs)
    .map(({ row }) => row);
}

/** Offers running at `now`, soonest ending first. */
export function currentOffers(offers: readonly Offer[], now: Date): Offer[] {
  const at = now.getTime();
  return offers
    .filter((o) => Date.parse(o.startsAt) <= at && at < Date.parse(o.endsAt))
    .sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt));
}

/** Offers that apply at a partner: its own and the programme-wide ones. */
export function offersForPartner(offers: readonly Offer[], partnerId: string, now: Date): Offer[] {
  return currentOffers(offers, now).filter((o) => o.partnerId === undefined || o.partnerId === partnerId);
}

/** Partners whose name or category contains every word of the query (case- and accent-insensitive). */
export function searchPartners(partners: readonly Partner[], query: string, limit = 8): Partner[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return partners
    .filter((p) => {
      const haystack = fold(`${p.name} ${p.category}`);
      return words.every((w) => haystack.includes(w));
    })
    .slice(0, limit);
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export interface TierProgress {
  tier: string;
  next?: string;
  /** Points confirmed in the window still needed for the next tier. */
  missing: number;
  /** 0–100, whole numbers. */
  percent: number;
}

/**
 * The way from this tier to the next on the programme's one ladder
 * (lib/points/tiers.ts, which the server books with), measured in points
 * confirmed in the last 12 months: the server's figure when it sent one,
 * else the best local stand-in the caller has.
 */
export function tierProgress(tier: string, pointsInWindow: number): TierProgress {
  const index = TIERS.findIndex((t) => t.id === tier);
  const current = TIERS[index];
  const next = index === -1 ? undefined : TIERS[index + 1];
  if (!current || !next) return { tier, missing: 0, percent: 100 };
  const span = next.minPoints - current.minPoints;
  const done = Math.min(Math.max(pointsInWindow - current.minPoints, 0), span);
  return { tier, next: next.id, missing: span - done, percent: Math.floor((done * 100) / span) };
}

/** Whole days from recording to confirmation at this partner, when the catalogue knows them. */
export function usualDaysToConfirm(partner: Partner): number | undefined {
  return partner.reliability?.medianDaysToConfirm;
}
