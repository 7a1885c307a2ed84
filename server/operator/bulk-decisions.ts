/**
 * One decision for several claims or holds, as a reviewer makes it in the
 * console: each item is decided on its own (its own transaction and audit
 * entry, as if decided alone), so one that was decided meanwhile or does not
 * exist is answered `refused` and never stops the others.
 */
import type { ClaimDecisions, DecisionResult, HoldDecisions } from '../../lib/contract/console.ts';
import { OperatorRefusal } from '../accounts/operators.ts';
import type { Db } from '../db/index.ts';
import { type ActionContext, approveClaimAudited, decideReviewAudited, rejectClaimAudited } from './audited.ts';
import { OperatorError } from './errors.ts';

async function decideEach(ids: readonly string[], decide: (id: string) => Promise<string>): Promise<DecisionResult[]> {
  const results: DecisionResult[] = [];
  for (const id of ids) {
    try {
      results.push({ id, outcome: 'decided', status: await decide(id) });
    } catch (err) {
      // Refusals are the item's; anything else (the database gone) ends the batch, the items before it stay decided and logged.
      if (!(err instanceof OperatorError || err instanceof OperatorRefusal)) throw err;
      results.push({ id, outcome: 'refused', message: err.message.slice(0, 300) });
    }
  }
  return results;
}

export function decideClaims(db: Db, ctx: ActionContext, { decision, ids, reason }: ClaimDecisions): Promise<DecisionResult[]> {
  return decideEach(ids, async (id) =>
    decision === 'approve' ? (await approveClaimAudited(db, ctx, id)).claim.status : (await rejectClaimAudited(db, ctx, id, reason)).status,
  );
}

export function decideHolds(db: Db, ctx: ActionContext, { decision, ids, reason }: HoldDecisions): Promise<DecisionResult[]> {
  return decideEach(ids, (id) => decideReviewAudited(db, ctx, id, decision, reason));
}
