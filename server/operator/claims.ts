/**
 * Missing-points claims as the operator reviews them: list, approve (book the
 * purchase from the member's receipt), reject, and the expiry of claims left
 * open too long.
 */
import { normaliseOrderId } from '../../lib/contract/order-id.ts';
import type * as z from 'zod/mini';
import { ClaimRequest, type IngestResult } from '../../lib/contract/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { ingestBatch } from '../purchases/ingest.ts';
import { OperatorError } from './errors.ts';

export type Receipt = z.infer<typeof ClaimRequest>;
export type ClaimStatus = 'open' | 'approved' | 'rejected';

export interface ClaimView {
  id: string;
  purchaseId: string;
  memberId: string;
  email: string | null;
  status: ClaimStatus;
  reason: string | null;
  receipt: Receipt;
  createdAt: Date;
  decidedAt: Date | null;
}

/** Claims nobody decided within this many days are rejected as `expired`. */
export const CLAIM_EXPIRY_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

interface ClaimRow {
  [key: string]: unknown;
  id: string;
  purchase_id: string;
  member_id: string;
  email: string | null;
  status: ClaimStatus;
  reason: string | null;
  receipt: Receipt;
  created_at: Date;
  decided_at: Date | null;
}

const CLAIM_SELECT = `SELECT c.id, c.purchase_id, c.member_id, m.email, c.status, c.reason, c.receipt, c.created_at, c.decided_at
  FROM claims c JOIN members m ON m.id = c.member_id`;

const viewOf = (r: ClaimRow): ClaimView => ({
  id: r.id,
  purchaseId: r.purchase_id,
  memberId: r.member_id,
  email: r.email,
  status: r.status,
  reason: r.reason,
  receipt: r.receipt,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

export async function listClaims(db: Queryable, opts: { status?: ClaimStatus } = {}): Promise<ClaimView[]> {
  const rows = await db.query<ClaimRow>(`${CLAIM_SELECT} WHERE ($1::text IS NULL OR c.status = $1) ORDER BY c.created_at, c.id`, [
    opts.status ?? null,
  ]);
  return rows.map(viewOf);
}

async function openClaim(db: Queryable, id: string): Promise<ClaimView> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new OperatorError(`"${id}" is not a claim id (a UUID)`);
  const rows = await db.query<ClaimRow>(`${CLAIM_SELECT} WHERE c.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new OperatorError(`No claim ${id}`);
  if (row.status !== 'open') throw new OperatorError(`Claim ${id} is already ${row.status}${row.reason ? ` (${row.reason})` : ''}`);
  return viewOf(row);
}

/** Marks an open claim decided; false when someone else decided it first. */
async function decide(db: Queryable, id: string, status: 'approved' | 'rejected', reason: string | null, now: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE claims SET status = $2, reason = $3, decided_at = $4 WHERE id = $1 AND status = 'open' RETURNING 1`,
    [id, status, reason, now.toISOString()],
  );
  return rows.length === 1;
}

export interface ApproveOutcome {
  claim: ClaimView;
  /** `booked`: the purchase was booked now; `already_booked`: the member already had it. */
  booking: 'booked' | 'already_booked';
  result: IngestResult;
}

/**
 * Approves a claim: books the purchase of the receipt for the member exactly
 * as if the extension had sent it (same id, same rules, pending points), then
 * marks the claim approved. An order that another member holds is refused
 * and the claim stays open for the operator to reject.
 */
export async function approveClaim(db: Db, id: string, now: Date, log: (line: Record<string, unknown>) => void = () => {}): Promise<ApproveOutcome> {
  const claim = await openClaim(db, id);
  const receipt = ClaimRequest.parse(claim.receipt);
  // Orders are stored normalised (lib/contract/order-id.ts); the receipt holds the id as the page showed it.
  const partner = await db.query<{ case_sensitive: boolean | null }>(`SELECT (doc->>'orderIdCaseSensitive')::boolean AS case_sensitive FROM partners WHERE id = $1`, [receipt.partnerId]);
  const normalised = normaliseOrderId(receipt.orderId, partner[0]?.case_sensitive === true);
  const holders = await db.query<{ member_id: string }>(
    `SELECT member_id FROM purchases WHERE partner_id = $1 AND order_id = $2 AND status IN ('pending', 'confirmed')`,
    [receipt.partnerId, normalised.ok ? normalised.orderId : receipt.orderId],
  );
  if (holders.some((h) => h.member_id !== claim.memberId)) {
    throw new OperatorError(`Order ${receipt.orderId} of ${receipt.partnerId} is already booked for another member; reject the claim instead`);
  }
  const item = {
    id: claim.purchaseId,
    partnerId: receipt.partnerId,
    orderId: receipt.orderId,
    amountMinor: receipt.amountMinor,
    currency: receipt.currency,
    detectedAt: receipt.detectedAt,
    method: receipt.method ?? 'claim',
  };
  const [result] = await ingestBatch([item], { db, memberId: claim.memberId, now, log });
  if (!result || (result.status !== 'accepted' && result.status !== 'duplicate')) {
    throw new OperatorError(`The purchase of claim ${id} could not be booked: ${result?.status ?? 'no result'}${result?.reason ? ` (${result.reason})` : ''}`);
  }
  if (!(await decide(db, id, 'approved', null, now))) throw new OperatorError(`Claim ${id} was decided by someone else meanwhile`);
  return { claim: { ...claim, status: 'approved', decidedAt: now }, booking: result.status === 'accepted' ? 'booked' : 'already_booked', result };
}

export async function rejectClaim(db: Queryable, id: string, now: Date, reason = 'rejected_by_operator'): Promise<ClaimView> {
  const claim = await openClaim(db, id);
  if (!(await decide(db, id, 'rejected', reason, now))) throw new OperatorError(`Claim ${id} was decided by someone else meanwhile`);
  return { ...claim, status: 'rejected', reason, decidedAt: now };
}

/** Rejects, with reason `expired`, every claim still open CLAIM_EXPIRY_DAYS after it was made; returns how many. */
export async function expireClaims(db: Queryable, now: Date, days = CLAIM_EXPIRY_DAYS): Promise<number> {
  const rows = await db.query(
    `UPDATE claims SET status = 'rejected', reason = 'expired', decided_at = $1
      WHERE status = 'open' AND created_at < $2 RETURNING 1`,
    [now.toISOString(), new Date(now.getTime() - days * DAY_MS).toISOString()],
  );
  return rows.length;
}
