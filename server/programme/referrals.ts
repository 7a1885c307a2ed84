/**
 * Referrals. Every member has a code to pass on. A new member who registers
 * with one is linked to its owner; when the new member's first purchase is
 * confirmed, both get REFERRAL_BONUS_POINTS as available points (reason
 * `referral_bonus`, which counts towards lifetime), once.
 *
 * Refused: a member naming themselves, and a loop (naming a member who was,
 * directly or further up, referred by oneself). With referrals taken only at
 * registration neither can happen through the API, since a brand-new member
 * has no code in anyone's hands yet; `linkReferral` still checks both, so the
 * rule holds for any future way of entering a code after sign-up.
 */
import { randomInt } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { badRequest } from '../platform/http.ts';
import { lockMember, post } from '../ledger/ledger.ts';

export const REFERRAL_BONUS_POINTS = 500;

/** Codes avoid characters that read alike (0/O, 1/I/L), so they can be passed on by voice or from a screen. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
/** How far up the referral chain a loop is looked for; chains are short in practice. */
const MAX_CHAIN = 1000;

export function newReferralCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/** Codes are read case-insensitively and without surrounding spaces or dashes a member may type. */
export function normalizeReferralCode(code: string): string {
  return code.trim().toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Links `referredId` to the owner of `code`. Throws a 400 for an unknown
 * code, the member's own code, a loop, or a member who already has a referrer.
 */
export async function linkReferral(tx: Queryable, referredId: string, code: string, now: Date): Promise<string> {
  const owners = await tx.query<{ id: string }>('SELECT id FROM members WHERE referral_code = $1 AND erased_at IS NULL', [
    normalizeReferralCode(code),
  ]);
  const referrerId = owners[0]?.id;
  if (!referrerId) throw badRequest('This referral code is unknown; check it, or sign up without one');
  if (referrerId === referredId) throw badRequest('You cannot use your own referral code');
  // Walk up from the referrer: meeting the new member on the way would close a loop.
  const chain = await tx.query<{ id: string }>(
    `WITH RECURSIVE up(id, depth) AS (
       SELECT $1::uuid, 0
       UNION ALL
       SELECT r.referrer_id, up.depth + 1 FROM referrals r JOIN up ON r.referred_id = up.id WHERE up.depth < $3
     )
     SELECT id FROM up WHERE id = $2::uuid LIMIT 1`,
    [referrerId, referredId, MAX_CHAIN],
  );
  if (chain.length > 0) throw badRequest('This referral code belongs to a member you referred yourself');
  const inserted = await tx.query(
    'INSERT INTO referrals (referred_id, referrer_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (referred_id) DO NOTHING RETURNING referred_id',
    [referredId, referrerId, now.toISOString()],
  );
  if (inserted.length === 0) throw badRequest('A referral code was already used for this account');
  return referrerId;
}

/**
 * Books both bonuses if this is the referred member's first confirmed
 * purchase and they have not been paid yet. Call inside the confirmation's
 * transaction, holding the referred member's lock: that serialises two
 * confirmations of the same member, so the bonus is paid once. The
 * referrer's lock is taken second; referrals form a tree with no loops, so
 * locks are always taken from a referred member towards their referrer and
 * two such transactions cannot wait on each other in a circle.
 */
export async function payReferralBonus(tx: Queryable, referredId: string, now: Date): Promise<boolean> {
  const due = await tx.query<{ referrer_id: string; referrer_erased: boolean }>(
    `SELECT r.referrer_id, m.erased_at IS NOT NULL AS referrer_erased
       FROM referrals r JOIN members m ON m.id = r.referrer_id
      WHERE r.referred_id = $1 AND r.bonus_paid_at IS NULL`,
    [referredId],
  );
  const referral = due[0];
  if (!referral) return false;
  await tx.query('UPDATE referrals SET bonus_paid_at = $2 WHERE referred_id = $1', [referredId, now.toISOString()]);
  await post(tx, referredId, [{ account: 'available', delta: REFERRAL_BONUS_POINTS, reason: 'referral_bonus' }]);
  // An erased referrer has no one left to receive points.
  if (!referral.referrer_erased) {
    await lockMember(tx, referral.referrer_id);
    await post(tx, referral.referrer_id, [{ account: 'available', delta: REFERRAL_BONUS_POINTS, reason: 'referral_bonus' }]);
  }
  return true;
}
