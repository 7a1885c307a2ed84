/**
 * The member's requests that are not sync: a missing-points claim backed by
 * the local receipt, the rewards list and a redemption. Each needs the
 * stored token and answers with the API's outcome, for the popup to explain.
 */
import { ClaimResponse, RedemptionResponse, Rewards, type Redemption, type Reward } from '../contract/index.ts';
import { getAccount, getSettings, type SammelpunktDb } from '../db/index.ts';
import { apiRequest, type ApiOutcome, type FetchLike } from './http.ts';

export interface MemberApiDeps {
  db: SammelpunktDb;
  fetch: FetchLike;
  now?: () => Date;
  timeoutMs?: number;
}

export type MemberResult<T> = ({ ok: true } & T) | { ok: false; code: string; message: string };

async function call(deps: MemberApiDeps, options: Parameters<typeof apiRequest>[1]): Promise<ApiOutcome | 'signed-out'> {
  const account = await getAccount(deps.db);
  if (account === undefined) return 'signed-out';
  const { apiBaseUrl } = await getSettings(deps.db);
  return apiRequest(
    { fetch: deps.fetch, baseUrl: apiBaseUrl, now: deps.now ?? (() => new Date()), timeoutMs: deps.timeoutMs },
    { ...options, token: account.token },
  );
}

function failure(outcome: ApiOutcome | 'signed-out'): { ok: false; code: string; message: string } {
  if (outcome === 'signed-out') return { ok: false, code: 'unauthorized', message: 'Not signed in' };
  if (outcome.kind === 'ok' || outcome.kind === 'not-modified') return { ok: false, code: 'bad_response', message: 'The answer did not match the contract' };
  return { ok: false, code: outcome.error.code, message: outcome.error.message };
}

/** Files a missing-points claim with the local receipt (origin and path only, never a query string). */
export async function claimMissingPoints(deps: MemberApiDeps, purchaseId: string): Promise<MemberResult<object>> {
  const receipt = await deps.db.get('purchases', purchaseId);
  if (receipt === undefined) return { ok: false, code: 'not_found', message: 'No such receipt' };
  const page = receipt.pageOrigin !== undefined && receipt.pagePath !== undefined ? receipt.pageOrigin + receipt.pagePath : undefined;
  const outcome = await call(deps, {
    method: 'POST',
    path: `/v1/purchases/${encodeURIComponent(receipt.server?.id ?? receipt.id)}/claim`,
    body: {
      partnerId: receipt.partnerId,
      orderId: receipt.orderId,
      amountMinor: receipt.amountMinor,
      currency: receipt.currency,
      detectedAt: receipt.detectedAt,
      method: receipt.method,
      ...(page !== undefined && page.length <= 500 ? { pageUrl: page } : {}),
    },
  });
  if (outcome !== 'signed-out' && outcome.kind === 'ok' && ClaimResponse.safeParse(outcome.body).success) return { ok: true };
  return failure(outcome);
}

export async function fetchRewards(deps: MemberApiDeps): Promise<MemberResult<{ rewards: Reward[] }>> {
  const outcome = await call(deps, { method: 'GET', path: '/v1/rewards' });
  if (outcome !== 'signed-out' && outcome.kind === 'ok') {
    const parsed = Rewards.safeParse(outcome.body);
    if (parsed.success) return { ok: true, rewards: parsed.data.rewards };
  }
  return failure(outcome);
}

/** Redeems a reward; the same `idempotencyKey` again replays the first answer. */
export async function redeemReward(
  deps: MemberApiDeps,
  rewardId: string,
  idempotencyKey: string,
): Promise<MemberResult<{ redemption: Redemption }>> {
  const send = () =>
    call(deps, { method: 'POST', path: '/v1/redemptions', body: { rewardId }, headers: { 'idempotency-key': idempotencyKey } });
  let outcome = await send();
  // A connection that failed before any answer is tried once more: the same
  // Idempotency-Key makes a second send safe (the server books it once at most).
  if (outcome !== 'signed-out' && outcome.kind !== 'ok' && outcome.kind !== 'not-modified' && outcome.error.code === 'network') {
    outcome = await send();
  }
  if (outcome !== 'signed-out' && outcome.kind === 'ok') {
    const parsed = RedemptionResponse.safeParse(outcome.body);
    if (parsed.success) return { ok: true, redemption: parsed.data.redemption };
  }
  return failure(outcome);
}
