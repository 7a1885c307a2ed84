/**
 * The purchase state machine of DESIGN.md ("Purchase lifecycle"):
 *
 *   pending ──confirm──▶ confirmed ──cancel / full return──▶ reversed
 *      └──cancel / full return──▶ rejected
 *
 * Partial returns lower the amount (never raise it) in `pending` or
 * `confirmed` and take back points(old amount) − points(new amount) from the
 * account the purchase's points are in. `rejected` and `reversed` are final.
 *
 * Every function here locks the member's balance row first and then re-reads
 * the purchase `FOR UPDATE`, so two reports racing for the same purchase
 * serialise and each change of state happens at most once: the second one
 * sees the new state and answers `unchanged`.
 */
import { type Earn, MAX_AMOUNT_MINOR, type Offer, type Purchase, type PurchaseStatus } from '../../lib/contract/index.ts';
import { type EarnBreakdown, type EarnTerms, limitedOfferIds, termsAt, valuate } from '../../lib/points/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { lockMember, post, type Account, type Entry } from '../ledger/ledger.ts';
import { reinstatementFor } from '../ledger/expiry.ts';
import { PURCHASE_COLUMNS, purchaseFromRow, type PurchaseRow } from './purchase-view.ts';
import { onPurchaseConfirmed, onQualifyingPurchaseLost, ReferralReason, stillQualifiesAt } from '../programme/referrals.ts';
import { recomputeMemberTier } from '../programme/tiers.ts';
import { reviewMissions } from '../programme/missions.ts';
import { farBelowMemberAmount, flagAmount } from '../operator/amount-flags.ts';

/** What a transition did: the contract's confirmation result statuses, minus `unknown`. */
export type TransitionStatus = 'applied' | 'unchanged' | 'invalid';

export interface TransitionResult {
  status: TransitionStatus;
  /** Why nothing changed, or a short note on what did. */
  reason?: string;
  purchase: Purchase;
}

/** A purchase row with what the lifecycle needs beyond the member's view. */
interface LifecycleRow extends PurchaseRow {
  member_id: string;
  multiplier_bp: number;
  bonus_points: number;
  offer_ids: string[];
  terms: EarnTerms | null;
  review: string | null;
  base_points: number;
}

const LIFECYCLE_COLUMNS = `${PURCHASE_COLUMNS}, member_id, multiplier_bp, bonus_points, offer_ids, terms, review, base_points`;

/** Reasons written on the purchase row (shown to the member) when a report changes it. */
export const PurchaseReason = {
  amountAdjusted: 'amount_adjusted',
  partiallyReturned: 'partially_returned',
  returned: 'returned',
  cancelled: 'cancelled',
  /** The partner's report names another buyer for this order (its email hash is not this member's). */
  notTheBuyer: 'not_the_buyer',
  /** The shop never reported the order, long after its hold period ended. */
  notConfirmedByShop: 'not_confirmed_by_shop',
} as const;

/** Why the operator should look at a purchase (the `flag` column). */
export const PurchaseFlag = {
  /** Past its hold period and never reported `placed` or `confirmed` by the partner. */
  unvouched: 'unvouched',
  /** The member's amount was far above the partner's; confirmed at the partner's. */
  amountAbovePartner: 'amount_above_partner',
} as const;

/**
 * A member's amount is "far above" the partner's when it is more than 10 %
 * and more than 5.00 (in the currency's major units) above it: small
 * differences are rounding, shipping or a voucher, large ones are worth a look.
 */
export function farAbovePartner(memberAmountMinor: number, partnerAmountMinor: number, currency: string): boolean {
  const excess = memberAmountMinor - partnerAmountMinor;
  return excess * 10 > partnerAmountMinor && excess > 5 * 10 ** minorDigits(currency);
}

function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Why a report was not applied (the `reason` of an `invalid` or `unchanged` result). */
export const RefusalReason = {
  amountAboveStanding: 'amount_above_standing',
  amountTooLarge: 'amount_too_large',
  orderedInFuture: 'ordered_in_future',
  zeroAmountConfirmation: 'zero_amount_confirmation',
  alreadyConfirmed: 'already_confirmed',
  sameAmount: 'amount_unchanged',
  final: (status: PurchaseStatus) => `already_${status}`,
} as const;

function isFinal(status: PurchaseStatus): boolean {
  return status === 'rejected' || status === 'reversed';
}

/** The account a purchase's points sit in while it is live. */
function accountOf(status: PurchaseStatus): Account {
  return status === 'confirmed' ? 'available' : 'pending';
}

/**
 * Locks the purchase's member, then the purchase row, and returns the row as
 * it stands under those locks. The member id never changes, so reading it
 * before the lock is safe.
 */
async function lockPurchase(tx: Queryable, purchaseId: string): Promise<LifecycleRow> {
  const owner = await tx.query<{ member_id: string }>('SELECT member_id FROM purchases WHERE id = $1', [purchaseId]);
  if (!owner[0]) throw new Error(`no purchase ${purchaseId}`);
  await lockMember(tx, owner[0].member_id);
  const rows = await tx.query<LifecycleRow>(`SELECT ${LIFECYCLE_COLUMNS} FROM purchases WHERE id = $1 FOR UPDATE`, [purchaseId]);
  return rows[0]!;
}

async function partnerEarn(tx: Queryable, partnerId: string): Promise<Earn> {
  const rows = await tx.query<{ earn: Earn }>(`SELECT doc->'earn' AS earn FROM partners WHERE id = $1`, [partnerId]);
  if (!rows[0]) throw new Error(`no partner ${partnerId}`);
  return rows[0].earn;
}

/**
 * The terms the purchase was booked under. Every row the server books
 * carries them (ingest.ts; older rows got them from migration 015); a row
 * written around ingest without them (a benchmark's raw insert) is valued as
 * booked, at its stored multiplier and bonus, in cents.
 */
async function termsOf(tx: Queryable, row: LifecycleRow): Promise<EarnTerms> {
  if (row.terms) return row.terms;
  return {
    earn: await partnerEarn(tx, row.partner_id),
    exponent: 2,
    tierMultiplierPercent: 100,
    offers: [
      { id: 'as-booked', kind: 'multiplier', multiplierBp: row.multiplier_bp },
      ...(row.bonus_points > 0 ? [{ id: 'as-booked-bonus', kind: 'bonus' as const, bonusPoints: row.bonus_points }] : []),
    ],
  };
}

/** What the purchase is worth at an amount: the one valuation, from the terms frozen with it. */
async function valueOf(tx: Queryable, row: LifecycleRow, amountMinor: number): Promise<{ valuation: EarnBreakdown; terms: EarnTerms }> {
  const terms = await termsOf(tx, row);
  return { valuation: valuate(amountMinor, terms), terms };
}

/**
 * Moves the member's uses of per-member-limited offers from what the row
 * applied to what the new valuation applies: an offer the new amount no
 * longer reaches frees its use again (and one it reaches again takes it).
 */
async function moveOfferUses(tx: Queryable, row: LifecycleRow, terms: EarnTerms, after: readonly string[]): Promise<void> {
  // The uses the row holds are those of the terms it was valued under.
  const limited = new Set(terms.offers.filter((o) => o.limited).map((o) => o.id));
  const before = new Set(row.offer_ids.filter((id) => limited.has(id)));
  const now = new Set(after);
  const delta = new Map<string, number>();
  for (const id of before) if (!now.has(id)) delta.set(id, -1);
  for (const id of now) if (!before.has(id)) delta.set(id, 1);
  for (const [offerId, change] of delta) {
    await tx.query(
      `INSERT INTO offer_uses (member_id, offer_id, uses) VALUES ($1, $2, GREATEST($3::int, 0))
       ON CONFLICT (member_id, offer_id) DO UPDATE SET uses = GREATEST(offer_uses.uses + $3::int, 0)`,
      [row.member_id, offerId, change],
    );
  }
}

/**
 * The terms of the moment a partner says the order was placed: the
 * partner's rate then (partner_rates), the offers in force then for the
 * member's tier as booked; the exponent and tier multiplier stay as frozen.
 * A per-member-limited offer stays only if it was frozen with the purchase
 * (it took the member's use then) and ran at that moment too.
 */
async function termsAtOrder(tx: Queryable, row: LifecycleRow, booked: EarnTerms, orderedAt: Date): Promise<EarnTerms> {
  const at = orderedAt.toISOString();
  const [rates, offers] = await Promise.all([
    tx.query<{ earn: Earn }>('SELECT earn FROM partner_rates WHERE partner_id = $1 AND valid_from <= $2 ORDER BY valid_from DESC LIMIT 1', [row.partner_id, at]),
    tx.query<{ doc: Offer }>(
      'SELECT doc FROM offers WHERE starts_at <= $1 AND ends_at > $1 AND (partner_id IS NULL OR partner_id = $2)',
      [at, row.partner_id],
    ),
  ]);
  const running = offers.map((o) => o.doc);
  const fresh = termsAt(
    {
      amountMinor: row.amount_minor,
      partnerId: row.partner_id,
      earn: rates[0]?.earn ?? booked.earn,
      exponent: booked.exponent,
      at: orderedAt,
      ...(booked.tier !== undefined ? { tier: booked.tier } : {}),
      tierMultiplierPercent: booked.tierMultiplierPercent,
    },
    running.filter((o) => o.perMemberLimit === undefined),
  );
  const runningIds = new Set(running.map((o) => o.id));
  const keptLimited = booked.offers.filter((o) => o.limited && runningIds.has(o.id));
  return { ...fresh, offers: [...fresh.offers, ...keptLimited] };
}

/** The row change and offer uses of valuing the purchase at a new amount (under new terms, when given). */
async function revalue(tx: Queryable, row: LifecycleRow, amountMinor: number, newTerms?: EarnTerms): Promise<RowChange & { points: number }> {
  const booked = await termsOf(tx, row);
  const terms = newTerms ?? booked;
  const valuation = valuate(amountMinor, terms);
  await moveOfferUses(tx, row, booked, limitedOfferIds(valuation, terms));
  return {
    ...(newTerms ? { terms: newTerms } : {}),
    amountMinor,
    points: valuation.total,
    basePoints: valuation.base,
    multiplierBp: valuation.multiplierBp,
    bonusPoints: valuation.bonus,
    offerIds: valuation.appliedOfferIds,
  };
}

interface RowChange {
  status?: PurchaseStatus;
  amountMinor?: number;
  points?: number;
  basePoints?: number;
  multiplierBp?: number;
  bonusPoints?: number;
  offerIds?: string[];
  terms?: EarnTerms;
  reason?: string;
  confirmedAt?: Date;
  flag?: string;
}

/**
 * Writes a change to the purchase row. It takes a new change number, so the
 * member's next sync picks it up.
 */
async function updateRow(tx: Queryable, row: LifecycleRow, change: RowChange, now: Date): Promise<LifecycleRow> {
  const rows = await tx.query<LifecycleRow>(
    `UPDATE purchases SET
       status = COALESCE($2, status),
       amount_minor = COALESCE($3, amount_minor),
       points = COALESCE($4, points),
       -- A change of status settles a review hold: its reason gives way to the new one (or none).
       reason = CASE WHEN $2::text IS NOT NULL AND review = 'held' THEN $5 ELSE COALESCE($5, reason) END,
       confirmed_at = COALESCE($6, confirmed_at),
       base_points = COALESCE($8, base_points),
       multiplier_bp = COALESCE($9, multiplier_bp),
       bonus_points = COALESCE($10, bonus_points),
       offer_ids = COALESCE($11::jsonb, offer_ids),
       terms = COALESCE($12::jsonb, terms),
       flag = COALESCE($13, flag),
       change_seq = nextval('purchase_changes'),
       updated_at = $7
     WHERE id = $1
     RETURNING ${LIFECYCLE_COLUMNS}`,
    [
      row.id,
      change.status ?? null,
      change.amountMinor ?? null,
      change.points ?? null,
      change.reason ?? null,
      change.confirmedAt?.toISOString() ?? null,
      now.toISOString(),
      change.basePoints ?? null,
      change.multiplierBp ?? null,
      change.bonusPoints ?? null,
      change.offerIds ? JSON.stringify(change.offerIds) : null,
      change.terms ? JSON.stringify(change.terms) : null,
      change.flag ?? null,
    ],
  );
  return rows[0]!;
}

function result(status: TransitionStatus, row: LifecycleRow, reason?: string): TransitionResult {
  return { status, purchase: purchaseFromRow(row), ...(reason ? { reason } : {}) };
}

/**
 * pending → confirmed: the pending points become available. With
 * `amountMinor` (the amount that stands), the points are first recomputed
 * from the terms frozen with the purchase and the difference booked to
 * pending as `purchase_adjusted`.
 *
 * The partner's amount stands in both directions (DESIGN.md, "Partner
 * reports"): the partner's record of what was paid is the authority, and a
 * member's extension may have read a net amount or one before a discount. So
 * a higher amount confirms at that amount (and the member sees it), a lower
 * one likewise; offers are judged again at the new amount. One far below
 * the member's (more than 10 % and 5.00) is also flagged for the operator
 * (operator/amount-flags.ts). A zero amount is
 * `invalid`: an order with nothing left is a return or a cancellation, and so
 * is an amount above the contract's ceiling. An already confirmed purchase is
 * `unchanged` whatever the amount (a later reduction has to come as a
 * return), and a final one is `invalid`, since confirming it cannot happen
 * any more.
 */
export async function confirm(tx: Queryable, purchaseId: string, now: Date, amountMinor?: number, orderedAt?: Date): Promise<TransitionResult> {
  const row = await lockPurchase(tx, purchaseId);
  if (row.status === 'confirmed') return result('unchanged', row, RefusalReason.alreadyConfirmed);
  if (isFinal(row.status)) return result('invalid', row, RefusalReason.final(row.status));
  if (amountMinor !== undefined && amountMinor > MAX_AMOUNT_MINOR) return result('invalid', row, RefusalReason.amountTooLarge);
  if (amountMinor === 0) return result('invalid', row, RefusalReason.zeroAmountConfirmation);
  if (orderedAt !== undefined && orderedAt.getTime() > now.getTime()) return result('invalid', row, RefusalReason.orderedInFuture);

  const entries: Entry[] = [];
  let points = row.points;
  const change: RowChange = { status: 'confirmed', confirmedAt: now };
  // The partner's word on when the order was placed: its terms are those of that moment.
  const orderTerms = orderedAt !== undefined ? await termsAtOrder(tx, row, await termsOf(tx, row), orderedAt) : undefined;
  if ((amountMinor !== undefined && amountMinor !== row.amount_minor) || orderTerms) {
    if (amountMinor !== undefined && farBelowMemberAmount(row.amount_minor, amountMinor, (await termsOf(tx, row)).exponent)) {
      await flagAmount(tx, { purchaseId: row.id, memberId: row.member_id, memberAmountMinor: row.amount_minor, partnerAmountMinor: amountMinor, currency: row.currency }, now);
    }
    const revalued = await revalue(tx, row, amountMinor ?? row.amount_minor, orderTerms);
    points = revalued.points;
    entries.push({ account: 'pending', delta: points - row.points, reason: 'purchase_adjusted', purchaseId: row.id });
    Object.assign(change, revalued, revalued.amountMinor !== row.amount_minor ? { reason: PurchaseReason.amountAdjusted } : {});
    // The partner's amount stands; a member's far higher one is worth the operator's look, never silently adopted.
    if (amountMinor !== undefined && farAbovePartner(row.amount_minor, amountMinor, row.currency)) change.flag = PurchaseFlag.amountAbovePartner;
  }
  entries.push(
    { account: 'pending', delta: -points, reason: 'confirmation', purchaseId: row.id },
    { account: 'available', delta: points, reason: 'confirmation', purchaseId: row.id },
  );
  await post(tx, row.member_id, entries, now);
  const updated = await updateRow(tx, row, change, now);
  await afterConfirmedPointsChanged(tx, row.member_id, now);
  await onPurchaseConfirmed(tx, updated, now);
  // A mission this purchase counts towards may now hold on confirmed purchases.
  await reviewMissions(tx, row.member_id, row.detected_at, now);
  return result('applied', updated);
}

/** Confirmed points moved: the member's tier follows them at once (one indexed sum). */
function afterConfirmedPointsChanged(tx: Queryable, memberId: string, now: Date): Promise<string> {
  return recomputeMemberTier(tx, memberId, now);
}

/**
 * A partner's return report. With an amount above zero it is a partial
 * return: the amount that stands afterwards must be below the standing one
 * (equal is `unchanged`, above is `invalid`), and points(old) − points(new)
 * come back out of whichever account holds the purchase's points. Without an
 * amount, or with zero, everything was returned: a pending purchase is
 * rejected, a confirmed one reversed.
 */
export async function applyReturn(tx: Queryable, purchaseId: string, now: Date, amountMinor?: number): Promise<TransitionResult> {
  if (amountMinor === undefined || amountMinor === 0) return endPurchase(tx, purchaseId, now, PurchaseReason.returned);
  const row = await lockPurchase(tx, purchaseId);
  if (isFinal(row.status)) return result('unchanged', row, RefusalReason.final(row.status));
  if (amountMinor > row.amount_minor) return result('invalid', row, RefusalReason.amountAboveStanding);
  if (amountMinor === row.amount_minor) return result('unchanged', row, RefusalReason.sameAmount);

  const revalued = await revalue(tx, row, amountMinor);
  const takenBack = row.points - revalued.points;
  await post(
    tx,
    row.member_id,
    [
      // Points of this purchase that already expired come back first: the member never loses them twice.
      ...(row.status === 'confirmed' ? await reinstatementFor(tx, row.id, takenBack) : []),
      { account: accountOf(row.status), delta: -takenBack, reason: 'return', purchaseId: row.id },
    ],
    now,
  );
  const updated = await updateRow(tx, row, { ...revalued, reason: PurchaseReason.partiallyReturned }, now);
  if (row.status === 'confirmed') await afterConfirmedPointsChanged(tx, row.member_id, now);
  // A referral bonus this purchase earned goes when what is left of it would not have earned it.
  if (row.status === 'confirmed' && !(await stillQualifiesAt(tx, row.id, updated))) {
    await onQualifyingPurchaseLost(tx, row.id, ReferralReason.returnedBelowMinimum, now);
  }
  // A spend mission may no longer hold at the lower amount.
  if (row.status === 'confirmed') await reviewMissions(tx, row.member_id, row.detected_at, now);
  return result('applied', updated);
}

/** The partner cancelled the order: pending → rejected, confirmed → reversed; final states stay as they are. */
export function cancel(tx: Queryable, purchaseId: string, now: Date): Promise<TransitionResult> {
  return endPurchase(tx, purchaseId, now, PurchaseReason.cancelled);
}

/** The shop never vouched for the order, long past its hold: the purchase ends with the reason the member reads. */
export function rejectNotConfirmedByShop(tx: Queryable, purchaseId: string, now: Date): Promise<TransitionResult> {
  return endPurchase(tx, purchaseId, now, PurchaseReason.notConfirmedByShop);
}

/** The partner's report names another buyer: the purchase ends like a cancellation, with the reason the member reads. */
export function rejectNotTheBuyer(tx: Queryable, purchaseId: string, now: Date): Promise<TransitionResult> {
  return endPurchase(tx, purchaseId, now, PurchaseReason.notTheBuyer);
}

/**
 * Ends a live purchase and takes all its points back: from pending
 * (`cancellation`) while pending, from available (`reversal`) once
 * confirmed. A reversal may take available below zero: the points were
 * possibly spent already, and the debt is settled by later earnings.
 */
async function endPurchase(tx: Queryable, purchaseId: string, now: Date, reason: string): Promise<TransitionResult> {
  const row = await lockPurchase(tx, purchaseId);
  if (isFinal(row.status)) return result('unchanged', row, RefusalReason.final(row.status));
  const confirmed = row.status === 'confirmed';
  // Nothing is left of the order, so no offer applies any more: a per-member use it took is freed.
  await moveOfferUses(tx, row, await termsOf(tx, row), []);
  await post(
    tx,
    row.member_id,
    [
      ...(confirmed ? await reinstatementFor(tx, row.id, row.points) : []),
      {
        account: accountOf(row.status),
        delta: -row.points,
        reason: confirmed ? 'reversal' : 'cancellation',
        purchaseId: row.id,
      },
    ],
    now,
  );
  const updated = await updateRow(tx, row, { status: confirmed ? 'reversed' : 'rejected', reason }, now);
  if (confirmed) {
    await afterConfirmedPointsChanged(tx, row.member_id, now);
    // The referral bonus this purchase earned, if any, goes with it.
    await onQualifyingPurchaseLost(tx, row.id, ReferralReason.purchaseReversed, now);
    // A mission completed with this purchase goes unless it still holds without it.
    await reviewMissions(tx, row.member_id, row.detected_at, now);
  }
  return result('applied', updated);
}

/**
 * Confirms pending purchases whose hold period has ended, at partners that
 * allow auto-confirmation, and only those the partner vouched for: the
 * partner reported that very order `placed` (table `partner_orders`).
 * Nothing is confirmed on the member's word alone. Where the partner's
 * amount is lower, it stands (and a far lower one flags the purchase, see
 * `confirm`). A report naming a buyer's email hash vouches only for that
 * member's purchase. Held purchases (review holds, contests) wait for the
 * operator or the partner.
 *
 * Each purchase gets its own short transaction; `confirm` re-reads the row
 * under the member's lock, so a purchase the partner confirmed or cancelled
 * in the meantime (or another replica already confirmed) is left alone.
 * Returns how many purchases were confirmed.
 */
export async function autoConfirmDue(db: Db, now: Date, limit = 500, memberId?: string): Promise<number> {
  const due = await db.query<{ id: string; vouched_amount_minor: number }>(
    `SELECT p.id, po.amount_minor AS vouched_amount_minor
       FROM purchases p
       JOIN partners pa ON pa.id = p.partner_id
       JOIN partner_orders po ON po.partner_id = p.partner_id AND po.order_id = p.order_id
       JOIN members m ON m.id = p.member_id
      WHERE p.status = 'pending' AND p.hold_until <= $1
        AND COALESCE((pa.doc->>'autoConfirm')::boolean, false)
        AND p.review IS DISTINCT FROM 'held'
        AND po.amount_minor > 0
        AND (po.customer_email_sha256 IS NULL OR po.customer_email_sha256 = ${EMAIL_SHA256_SQL('m.email')})
        -- A contested order waits for the partner's word or the operator, even should its hold have been lost.
        AND NOT EXISTS (SELECT 1 FROM purchases r WHERE r.partner_id = p.partner_id AND r.order_id = p.order_id
                          AND r.member_id <> p.member_id AND r.status IN ('pending', 'confirmed'))
        AND ($3::uuid IS NULL OR p.member_id = $3::uuid)
      ORDER BY p.hold_until, p.id
      LIMIT $2`,
    [now.toISOString(), limit, memberId ?? null],
  );
  let confirmed = 0;
  for (const { id, vouched_amount_minor } of due) {
    const outcome = await db.transaction(async (tx) => {
      const row = await lockPurchase(tx, id);
      // Re-checked under the lock: the row may have changed since the scan.
      if (row.status !== 'pending' || row.hold_until.getTime() > now.getTime() || row.review === 'held') return 'unchanged';
      const partnerAmount = Number(vouched_amount_minor);
      return (await confirm(tx, id, now, partnerAmount < row.amount_minor ? partnerAmount : undefined)).status;
    });
    if (outcome === 'applied') confirmed++;
  }
  return confirmed;
}

/** SQL for the hex SHA-256 of an email column, trimmed and lower-cased (the enhanced-conversions convention). */
export const EMAIL_SHA256_SQL = (column: string) => `encode(sha256(convert_to(lower(btrim(${column})), 'UTF8')), 'hex')`;

/** Auto-confirms one member's due purchases, e.g. before showing the member a balance. */
export function autoConfirmDueForMember(db: Db, memberId: string, now: Date, limit = 500): Promise<number> {
  return autoConfirmDue(db, now, limit, memberId);
}
