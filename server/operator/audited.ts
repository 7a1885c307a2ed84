/**
 * The operator's changes, each written to the audit log with who made it and
 * the state before and after. The API's admin routes and `npm run admin` both
 * go through these, so no change reaches the programme unrecorded.
 *
 * Catalogue writes record in the transaction of the change. Claims, holds,
 * imports of confirmation files and erasures run transactions of their own
 * inside the domain functions; their entry is written right after the change
 * commits, with the state read before it.
 */
import type { Mission, Offer, PartnerInput, Reward } from '../../lib/contract/index.ts';
import type { Operator, OperatorRole } from '../../lib/contract/console.ts';
import { eraseMember } from '../accounts/erasure.ts';
import { type Actor, addOperator, updateOperator } from '../accounts/operators.ts';
import type { Db, Queryable } from '../db/index.ts';
import { decideHeld } from '../purchases/fraud.ts';
import { decideHeldReferral } from '../programme/referrals.ts';
import { upsertOffer, upsertPartner, upsertReward } from '../catalog/upserts.ts';
import { missionDoc, upsertMission } from '../programme/missions.ts';
import { recordAudit } from './audit.ts';
import { importCatalog, type CatalogKind, type ImportReport } from './catalog-import.ts';
import { approveClaim, rejectClaim, type ApproveOutcome, type ClaimView } from './claims.ts';
import { importConfirmations, type ConfirmationReport } from './confirmations.ts';
import { OperatorError } from './errors.ts';
import { createHash } from 'node:crypto';

/** Who acts, when, and the request it came with (for the log). */
export interface ActionContext {
  actor: Actor;
  now: Date;
  requestId?: string;
  log?: (line: Record<string, unknown>) => void;
}

const audit = (db: Queryable, ctx: ActionContext, action: Parameters<typeof recordAudit>[1]['action'], targetType: string, targetId: string, before: unknown, after: unknown) =>
  recordAudit(db, { actor: ctx.actor, action, targetType, targetId, before, after, at: ctx.now, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) });

// --- Catalogue -----------------------------------------------------------------

interface StoredPartner {
  [key: string]: unknown;
  doc: Record<string, unknown>;
  fraud: Record<string, unknown> | null;
  secret: string;
}

/** A partner as the log keeps it: the catalogue document and its limits, never the secret. */
async function partnerState(tx: Queryable, id: string): Promise<{ state: Record<string, unknown>; secret: string } | null> {
  const row = (await tx.query<StoredPartner>('SELECT doc, fraud, secret FROM partners WHERE id = $1', [id]))[0];
  return row ? { state: { ...row.doc, ...(row.fraud ? { fraud: row.fraud } : {}) }, secret: row.secret } : null;
}

async function docState(tx: Queryable, table: 'offers' | 'rewards', id: string): Promise<unknown> {
  return (await tx.query<{ doc: unknown }>(`SELECT doc FROM ${table} WHERE id = $1`, [id]))[0]?.doc ?? null;
}

/** The upsert of one catalogue item and its audit entry, in the caller's transaction; unchanged items are not logged. */
export async function upsertCatalogItem(tx: Queryable, ctx: ActionContext, kind: CatalogKind, item: PartnerInput | Offer | Reward) {
  if (kind === 'partners') {
    const input = item as PartnerInput;
    const before = await partnerState(tx, input.id);
    const result = await upsertPartner(tx, input, ctx.now);
    if (result.outcome !== 'unchanged') {
      const after = await partnerState(tx, input.id);
      await audit(tx, ctx, 'partner.changed', 'partner', input.id, before?.state ?? null, { ...after?.state, secretChanged: before?.secret !== after?.secret });
    }
    return result;
  }
  const table = kind === 'offers' ? 'offers' : 'rewards';
  const before = await docState(tx, table, item.id);
  const result = kind === 'offers' ? await upsertOffer(tx, item as Offer) : await upsertReward(tx, item as Reward);
  if (result.outcome !== 'unchanged') {
    await audit(tx, ctx, kind === 'offers' ? 'offer.changed' : 'reward.changed', kind === 'offers' ? 'offer' : 'reward', item.id, before, await docState(tx, table, item.id));
  }
  return result;
}

export const putPartner = (db: Db, ctx: ActionContext, input: PartnerInput) => db.transaction((tx) => upsertCatalogItem(tx, ctx, 'partners', input)) as ReturnType<typeof upsertPartner>;
export const putOffer = (db: Db, ctx: ActionContext, input: Offer) => db.transaction((tx) => upsertCatalogItem(tx, ctx, 'offers', input)) as ReturnType<typeof upsertOffer>;
export const putReward = (db: Db, ctx: ActionContext, input: Reward) => db.transaction((tx) => upsertCatalogItem(tx, ctx, 'rewards', input)) as ReturnType<typeof upsertReward>;

/** Creates or replaces a mission, with its audit entry in the same transaction; an unchanged mission is not logged. */
export async function upsertMissionAudited(tx: Queryable, ctx: ActionContext, input: Mission) {
  const before = await missionDoc(tx, input.id);
  const result = await upsertMission(tx, input);
  if (result.outcome !== 'unchanged') await audit(tx, ctx, 'mission.changed', 'mission', input.id, before, await missionDoc(tx, input.id));
  return result;
}
export const putMission = (db: Db, ctx: ActionContext, input: Mission) => db.transaction((tx) => upsertMissionAudited(tx, ctx, input));

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A catalogue file (all or nothing). One entry for the import (the file's
 * hash and what it created or changed) and, in the same transaction, one per
 * item it changed, with that item's before and after.
 */
export async function importCatalogAudited(db: Db, ctx: ActionContext, kind: CatalogKind, text: string, format: 'json' | 'csv'): Promise<ImportReport> {
  return importCatalog(db, kind, text, format, {
    upsert: (tx, item) => upsertCatalogItem(tx, ctx, kind, item),
    finish: (tx, report) => audit(tx, ctx, 'catalog.imported', kind, sha256Hex(text), null, { format, sha256: sha256Hex(text), ...report }),
  });
}

export async function importConfirmationsAudited(db: Db, ctx: ActionContext, partnerId: string, text: string): Promise<ConfirmationReport> {
  const report = await importConfirmations(db, partnerId, text, ctx.now);
  await audit(db, ctx, 'confirmations.imported', 'partner', partnerId, null, {
    sha256: sha256Hex(text),
    counts: report.counts,
    ...(report.alreadyImportedAt ? { alreadyImportedAt: report.alreadyImportedAt.toISOString() } : {}),
    rows: report.rows.filter((r) => r.outcome !== 'unchanged').map((r) => ({ line: r.line, orderId: r.orderId, status: r.status, outcome: r.outcome, ...(r.purchase ? { purchaseId: r.purchase.id, purchaseStatus: r.purchase.status, points: r.purchase.points } : {}) })),
  });
  return report;
}

// --- Claims and holds ------------------------------------------------------------

const claimState = (c: ClaimView) => ({ status: c.status, reason: c.reason, purchaseId: c.purchaseId, memberId: c.memberId });

export async function approveClaimAudited(db: Db, ctx: ActionContext, id: string): Promise<ApproveOutcome> {
  const outcome = await approveClaim(db, id, ctx.now, ctx.log);
  const p = outcome.result.purchase;
  await audit(db, ctx, 'claim.approved', 'claim', id, { ...claimState(outcome.claim), status: 'open' }, {
    ...claimState(outcome.claim),
    booking: outcome.booking,
    ...(p ? { purchaseStatus: p.status, points: p.points } : {}),
  });
  return outcome;
}

export async function rejectClaimAudited(db: Db, ctx: ActionContext, id: string, reason?: string): Promise<ClaimView> {
  const claim = await rejectClaim(db, id, ctx.now, reason);
  await audit(db, ctx, 'claim.rejected', 'claim', id, { ...claimState(claim), status: 'open', reason: null }, claimState(claim));
  return claim;
}

interface PurchaseState {
  [key: string]: unknown;
  status: string;
  review: string | null;
  reason: string | null;
  flag: string | null;
  points: number;
  member_id: string;
}

async function purchaseState(db: Queryable, id: string): Promise<PurchaseState | undefined> {
  return (await db.query<PurchaseState>('SELECT status, review, reason, flag, points, member_id FROM purchases WHERE id::text = $1', [id]))[0];
}

async function referralState(db: Queryable, referredId: string): Promise<Record<string, unknown> | undefined> {
  return (await db.query('SELECT status, review, reason, referrer_id FROM referrals WHERE referred_id::text = $1', [referredId]))[0];
}

/**
 * Releases or rejects what the review queue holds under `id`: a held or
 * flagged purchase, else a held referral (by the referred member's id).
 */
export async function decideReviewAudited(db: Db, ctx: ActionContext, id: string, decision: 'release' | 'reject', reason?: string): Promise<'purchase' | 'referral'> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new OperatorError(`${id} is not an id from the review queue`);
  // The operator's reason goes to the audit log only: the purchase keeps the reason it was held for.
  const given = reason ? { decisionReason: reason } : {};
  const purchaseBefore = await purchaseState(db, id);
  if (purchaseBefore && (await decideHeld(db, id, decision, ctx.now))) {
    await audit(db, ctx, decision === 'release' ? 'hold.released' : 'hold.rejected', 'purchase', id, purchaseBefore, { ...(await purchaseState(db, id)), ...given });
    return 'purchase';
  }
  const referralBefore = await referralState(db, id);
  if (referralBefore && (await decideHeldReferral(db, id, decision, ctx.now))) {
    await audit(db, ctx, decision === 'release' ? 'referral.released' : 'referral.refused', 'referral', id, referralBefore, { ...(await referralState(db, id)), ...given });
    return 'referral';
  }
  throw new OperatorError(`${id} is not waiting for review (no held purchase or referral has this id)`);
}

// --- Members and operators ---------------------------------------------------------

/** Erases a member on their request; the log keeps the member's id and card number and the reason, no email. */
export async function eraseMemberAudited(db: Db, ctx: ActionContext, memberId: string, reason: string): Promise<void> {
  const before = (await db.query<{ member_number: string }>('SELECT member_number FROM members WHERE id::text = $1 AND erased_at IS NULL', [memberId]))[0];
  if (!before || !(await eraseMember(db, memberId, ctx.now))) throw new OperatorError(`No member ${memberId} to erase (unknown or erased already)`);
  await audit(db, ctx, 'member.erased', 'member', memberId, { memberNumber: before.member_number, erased: false }, { memberNumber: before.member_number, erased: true, reason });
}

export async function addOperatorAudited(db: Db, ctx: ActionContext, input: { email: string; role: OperatorRole; password: string }, logN: number): Promise<Operator> {
  const operator = await addOperator(db, input, { logN, now: ctx.now });
  await audit(db, ctx, 'operator.added', 'operator', operator.id, null, { email: operator.email, role: operator.role, active: true });
  return operator;
}

export async function updateOperatorAudited(db: Db, ctx: ActionContext, id: string, change: { role: OperatorRole; active: boolean }): Promise<Operator> {
  const { before, after } = await updateOperator(db, id, change, ctx.now);
  if (before.role !== after.role || before.active !== after.active) {
    await audit(db, ctx, 'operator.changed', 'operator', id, { email: before.email, role: before.role, active: before.active }, { email: after.email, role: after.role, active: after.active });
  }
  return after;
}

export async function recordAccountEvent(db: Queryable, ctx: ActionContext, operator: Operator, action: 'operator.signed_in' | 'operator.signed_out' | 'operator.password_changed'): Promise<void> {
  await audit(db, ctx, action, 'operator', operator.id, null, null);
}
