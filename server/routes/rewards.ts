/**
 * Spending points: the rewards list and redemptions. A redemption is retried
 * safely with an `Idempotency-Key`: the first answer under a key is stored
 * and replayed, whatever it was (DESIGN.md, "Sync protocol").
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RedemptionRequest, type Redemption, type Reward } from '../../lib/contract/index.ts';
import { staleReads, type AppEnv, type Deps } from '../platform/app.ts';
import { requireMemberWithinLimit } from '../accounts/auth.ts';
import { listRewards } from '../catalog/catalog.ts';
import { charityOf, creditCharity } from '../programme/charity.ts';
import type { Queryable } from '../db/index.ts';
import { ApiError, badRequest, conflict, describeIssues, errorBody, requireJsonContentType } from '../platform/http.ts';
import { lockMember, post } from '../ledger/ledger.ts';
import { autoConfirmDueForMember } from '../purchases/lifecycle.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const MAX_KEY_LENGTH = 200;
/** Keys are kept at least this long; older ones are pruned now and then. */
const KEY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const PRUNE_ONE_IN = 100;

/** Voucher codes avoid characters that read alike (0/O, 1/I/L), so they can be typed from a screen. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function voucherCode(): string {
  const block = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `SP-${block()}-${block()}`;
}

interface Answer {
  status: ContentfulStatusCode;
  body: unknown;
}

export const rewards = new Hono<AppEnv>();

rewards.get('/rewards', requireMemberWithinLimit, async (c) => {
  return c.json({ rewards: await listRewards(staleReads(c.get('deps')), { activeOnly: true }) }, 200);
});

rewards.post('/redemptions', requireMemberWithinLimit, async (c) => {
  const deps = c.get('deps');
  const memberId = c.get('memberId');
  const requestId = c.get('requestId');
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined || key.length < 1 || key.length > MAX_KEY_LENGTH) {
    throw badRequest(`An ${IDEMPOTENCY_HEADER} header of 1 to ${MAX_KEY_LENGTH} characters is required`);
  }
  // The key is judged on the exact body sent, before it is even parsed: the
  // same key with another body is a conflict even when that body is invalid.
  requireJsonContentType(c);
  const rawBody = await c.req.text();
  const requestHash = createHash('sha256').update(rawBody).digest('hex');

  // Points whose hold period is over are the member's to spend, even if no job has confirmed them yet.
  await autoConfirmDueForMember(deps.db, memberId, deps.now());

  const answer = await deps.db.transaction(async (tx): Promise<Answer> => {
    // The member lock serialises requests under the same key, so only one of them books.
    const balance = await lockMember(tx, memberId);
    const stored = await tx.query<{ request_hash: string; status_code: number; response: unknown }>(
      'SELECT request_hash, status_code, response FROM idempotency_keys WHERE member_id = $1 AND key = $2',
      [memberId, key],
    );
    const first = stored[0];
    if (first && first.request_hash !== requestHash) {
      throw conflict('idempotency_conflict', `This ${IDEMPOTENCY_HEADER} was already used with another request body`);
    }
    if (first) return { status: first.status_code as ContentfulStatusCode, body: first.response };
    // Points are spendable only from an account whose email was proven, so a
    // throwaway address cannot cash them out. Thrown, not stored under the
    // key: the same request succeeds once the member has verified.
    const verified = await tx.query('SELECT 1 FROM members WHERE id = $1 AND email_verified_at IS NOT NULL', [memberId]);
    if (verified.length === 0) {
      throw new ApiError(403, 'email_not_verified', 'Confirm your email address first: type the code we mailed you (POST /v1/auth/verify-email)');
    }

    const fresh = await redeem(tx, deps, memberId, balance.available, rawBody, requestId);
    // The answer is returned as the database stored it, so a replay is byte for byte the same.
    const saved = await tx.query<{ response: unknown }>(
      `INSERT INTO idempotency_keys (member_id, key, request_hash, status_code, response, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING response`,
      [memberId, key, requestHash, fresh.status, JSON.stringify(fresh.body), deps.now().toISOString()],
    );
    return { status: fresh.status, body: saved[0]!.response };
  });

  if (Math.random() * PRUNE_ONE_IN < 1) await pruneKeys(deps);
  return c.json(answer.body, answer.status);
});

/**
 * Decides a first request under a key. Refusals are returned, not thrown, so
 * they are stored under the key like a success and a retry replays them.
 */
async function redeem(
  tx: Queryable,
  deps: Deps,
  memberId: string,
  available: number,
  rawBody: string,
  requestId: string,
): Promise<Answer> {
  const refuse = (status: ContentfulStatusCode, code: string, message: string): Answer => ({
    status,
    body: errorBody(requestId, code, message),
  });
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return refuse(400, 'bad_request', 'The request body is not valid JSON');
  }
  const parsed = RedemptionRequest.safeParse(json);
  if (!parsed.success) return refuse(400, 'bad_request', `Invalid request body: ${describeIssues(parsed.error)}`);

  const reward = await activeReward(tx, parsed.data.rewardId);
  if (!reward) return refuse(404, 'not_found', `No active reward ${parsed.data.rewardId}`);
  if (available < reward.pointsCost) {
    return refuse(409, 'insufficient_points', `This reward costs ${reward.pointsCost} points; ${available} are available`);
  }

  const redemption = await insertRedemption(tx, memberId, reward, deps.now());
  const donation = reward.kind === 'donation';
  await post(tx, memberId, [
    { account: 'available', delta: -reward.pointsCost, reason: donation ? 'donation' : 'redemption', redemptionId: redemption.id },
  ], deps.now());
  if (donation) {
    await creditCharity(tx, charityOf(reward), { memberId, redemptionId: redemption.id, points: reward.pointsCost, at: deps.now() });
  }
  return { status: 201, body: { redemption } };
}

async function activeReward(tx: Queryable, rewardId: string): Promise<Reward | undefined> {
  const rows = await tx.query<{ doc: Reward }>('SELECT doc FROM rewards WHERE id = $1 AND active', [rewardId]);
  return rows[0]?.doc;
}

/** Vouchers and donations are both fulfilled at once: a voucher with its code, a donation without one. */
async function insertRedemption(tx: Queryable, memberId: string, reward: Reward, now: Date): Promise<Redemption> {
  const redemption: Redemption = {
    id: randomUUID(),
    rewardId: reward.id,
    points: reward.pointsCost,
    status: 'completed',
    ...(reward.kind === 'voucher' ? { code: voucherCode() } : {}),
    createdAt: now.toISOString(),
  };
  await tx.query(
    'INSERT INTO redemptions (id, member_id, reward_id, points, status, code, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [redemption.id, memberId, reward.id, redemption.points, redemption.status, redemption.code ?? null, redemption.createdAt],
  );
  return redemption;
}

async function pruneKeys(deps: Deps): Promise<void> {
  const cutoff = new Date(deps.now().getTime() - KEY_RETENTION_MS).toISOString();
  await deps.db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [cutoff]);
}
