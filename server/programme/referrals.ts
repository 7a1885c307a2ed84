/**
 * Referrals (docs/referrals.md). Every member has a code to pass on. A new
 * member who registers with one is linked to its owner, and the referral is
 * judged at once: it earns nothing when the new member's email is the
 * referrer's own, had an account before (by its canonical form, see
 * referral-identity.ts), or is at a throw-away mail service; one made from a
 * network the referrer used within the day is held for the operator.
 *
 * The bonus (for both members, REFERRAL_BONUS_POINTS each, frozen with the
 * referral) is earned by the referred member's first confirmed purchase of
 * at least the minimum amount (REFERRAL_MIN_AMOUNT, frozen too) that is worth
 * at least one point: booked to pending at that confirmation, made available
 * once the purchase's hold period has ended (and the operator released a held
 * referral), and taken back when the purchase is reversed or returned below
 * the minimum, from wherever it sits, so available may go below zero like
 * any reversal's debt. A referral whose bonus was taken back is done.
 *
 * Refused at linking: a member naming themselves, and a loop (naming a
 * member who was, directly or further up, referred by oneself). With
 * referrals taken only at registration neither can happen through the API,
 * since a brand-new member has no code in anyone's hands yet; `linkReferral`
 * still checks both, so the rule holds for any future way of entering a code
 * after sign-up.
 *
 * Locks: every function here holds the referred member's balance lock before
 * it takes the referrer's. Referrals form a tree with no loops, so locks are
 * always taken from a referred member towards their referrer and two such
 * transactions cannot wait on each other in a circle.
 */
import { createHash, randomInt } from 'node:crypto';
import type { ReferralStatus } from '../../lib/contract/index.ts';
import { minorUnitExponent } from '../../lib/contract/currency.ts';
import type { Db, Queryable } from '../db/index.ts';
import { lockMember, post, type Account } from '../ledger/ledger.ts';
import type { Env } from '../platform/env.ts';
import { badRequest } from '../platform/http.ts';
import { clientNetwork } from '../platform/client-address.ts';
import { isDisposableEmail, referralEmailKey } from './referral-identity.ts';

/** The default bonus each member gets (REFERRAL_BONUS_POINTS). */
export const REFERRAL_BONUS_POINTS = 500;

/** A referral made from a network the referrer used this recently waits for the operator. */
export const SAME_NETWORK_WINDOW_MS = 24 * 60 * 60 * 1000;

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


// --- The terms and who the referred member is --------------------------------

/** The operator's referral settings, frozen on each referral when it is made. */
export interface ReferralTerms {
  bonusPoints: number;
  /** Hundredths of the purchase currency's major unit (1000 = 10.00). */
  minAmountHundredths: number;
  /** Mail domains beside the built-in throw-away list whose addresses earn nothing. */
  blockedDomains: readonly string[];
}

export function referralTerms(env: Pick<Env, 'REFERRAL_BONUS_POINTS' | 'REFERRAL_MIN_AMOUNT' | 'REFERRAL_BLOCKED_DOMAINS'>): ReferralTerms {
  return { bonusPoints: env.REFERRAL_BONUS_POINTS, minAmountHundredths: env.REFERRAL_MIN_AMOUNT, blockedDomains: env.REFERRAL_BLOCKED_DOMAINS };
}

/** Why a referral earns nothing, or waits for the operator (`referrals.reason`). */
export const ReferralReason = {
  ownEmail: 'own_email',
  emailAlreadyUsed: 'email_already_used',
  disposableEmail: 'disposable_email',
  sameNetwork: 'same_address_as_referrer',
  purchaseReversed: 'purchase_reversed',
  returnedBelowMinimum: 'purchase_returned_below_minimum',
  refusedAfterReview: 'refused_after_review',
} as const;

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Remembers that an email has had an account. True when it is the first
 * time (its canonical form was never seen, erased accounts included): only
 * then can a referral earn a bonus. Call before linking, in the
 * registration's transaction; a concurrent registration of the same
 * canonical email waits for this one and then finds it taken.
 */
export async function recordEmailKey(tx: Queryable, email: string, now: Date): Promise<boolean> {
  const rows = await tx.query(
    'INSERT INTO referral_email_keys (email_sha256, created_at) VALUES ($1, $2) ON CONFLICT (email_sha256) DO NOTHING RETURNING email_sha256',
    [referralEmailKey(email), now.toISOString()],
  );
  return rows.length > 0;
}

/** Remembers the network (IPv4 address, IPv6 /64) a member registered or signed in from, as a hash. */
export async function rememberNetwork(db: Queryable, memberId: string, address: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO member_networks (member_id, network_hash, last_at) VALUES ($1, $2, $3)
     ON CONFLICT (member_id, network_hash) DO UPDATE SET last_at = GREATEST(member_networks.last_at, EXCLUDED.last_at)`,
    [memberId, sha256Hex(clientNetwork(address)), now.toISOString()],
  );
}

export interface NewReferral {
  referredId: string;
  referrerId: string;
  /** The email the new account registered with. */
  email: string;
  /** Whether that email's canonical form was never seen before (`recordEmailKey`). */
  emailFresh: boolean;
  /** The trusted client address the account was created from. */
  address: string;
}

/**
 * Judges a referral just linked, and freezes the terms it is paid under:
 * ineligible for the referrer's own email, an email seen before and a
 * throw-away address (in that order, the first that applies is the reason);
 * held for review when the referrer registered or signed in from the same
 * network within the last day.
 */
export async function assessReferral(tx: Queryable, r: NewReferral, terms: ReferralTerms, now: Date): Promise<void> {
  const referrer = await tx.query<{ email: string | null }>('SELECT email FROM members WHERE id = $1', [r.referrerId]);
  const referrerEmail = referrer[0]?.email;
  const ineligible =
    referrerEmail != null && referralEmailKey(referrerEmail) === referralEmailKey(r.email)
      ? ReferralReason.ownEmail
      : !r.emailFresh
        ? ReferralReason.emailAlreadyUsed
        : isDisposableEmail(r.email, terms.blockedDomains)
          ? ReferralReason.disposableEmail
          : undefined;
  const sameNetwork =
    ineligible === undefined &&
    (
      await tx.query('SELECT 1 FROM member_networks WHERE member_id = $1 AND network_hash = $2 AND last_at > $3', [
        r.referrerId,
        sha256Hex(clientNetwork(r.address)),
        new Date(now.getTime() - SAME_NETWORK_WINDOW_MS).toISOString(),
      ])
    ).length > 0;
  await tx.query(
    `UPDATE referrals SET status = $2, reason = $3, review = $4, bonus_points = $5, min_amount_hundredths = $6 WHERE referred_id = $1`,
    [
      r.referredId,
      ineligible ? 'ineligible' : 'waiting',
      ineligible ?? (sameNetwork ? ReferralReason.sameNetwork : null),
      sameNetwork ? 'held' : null,
      terms.bonusPoints,
      terms.minAmountHundredths,
    ],
  );
}

// --- Earning, releasing and taking back ------------------------------------

interface ReferralRow {
  [key: string]: unknown;
  referred_id: string;
  referrer_id: string;
  status: string;
  review: string | null;
  bonus_points: number;
  min_amount_hundredths: number;
  purchase_id: string | null;
  release_at: Date | null;
  referred_points: number;
  referrer_points: number;
}

const REFERRAL_COLUMNS =
  'referred_id, referrer_id, status, review, bonus_points, min_amount_hundredths, purchase_id, release_at, referred_points, referrer_points';

/** What the referral rules need of a purchase. */
export interface QualifyingPurchase {
  id: string;
  member_id: string;
  amount_minor: number;
  currency: string;
  base_points: number;
  hold_until: Date;
}

/**
 * Whether a purchase at this amount earns the bonus: at least the minimum in
 * its currency's minor units, more than one minor unit, and worth at least
 * one point at the partner's rate alone (an offer's bonus does not count).
 */
export function qualifies(p: Pick<QualifyingPurchase, 'amount_minor' | 'currency' | 'base_points'>, minAmountHundredths: number): boolean {
  const exponent = minorUnitExponent(p.currency);
  if (exponent === undefined) return false;
  // Hundredths of a major unit in minor units, rounded up: a minimum is never lowered by rounding.
  const minMinor = Math.ceil((minAmountHundredths * 10 ** exponent) / 100);
  return Number(p.amount_minor) > 1 && Number(p.amount_minor) >= minMinor && Number(p.base_points) >= 1;
}

/** Posts the same entry to both members (the referrer's share only if it was booked one); the referred member is locked already. */
async function postBoth(tx: Queryable, ref: ReferralRow, entries: (points: number) => { account: Account; delta: number }[], reason: 'referral_bonus' | 'referral_bonus_reversal', at: Date): Promise<void> {
  await post(tx, ref.referred_id, entries(Number(ref.referred_points)).map((e) => ({ ...e, reason })), at);
  if (Number(ref.referrer_points) > 0) {
    await lockMember(tx, ref.referrer_id);
    await post(tx, ref.referrer_id, entries(Number(ref.referrer_points)).map((e) => ({ ...e, reason })), at);
  }
}

async function release(tx: Queryable, ref: ReferralRow, now: Date): Promise<void> {
  await postBoth(tx, ref, (points) => [{ account: 'pending', delta: -points }, { account: 'available', delta: points }], 'referral_bonus', now);
  await tx.query(`UPDATE referrals SET status = 'paid', bonus_paid_at = $2 WHERE referred_id = $1`, [ref.referred_id, now.toISOString()]);
}

const isDue = (ref: Pick<ReferralRow, 'review' | 'release_at'>, now: Date) =>
  ref.review !== 'held' && ref.release_at !== null && new Date(ref.release_at).getTime() <= now.getTime();

/**
 * A purchase of the referred member was just confirmed (inside the
 * confirmation's transaction, holding that member's lock). If the referral
 * is still waiting and the purchase qualifies, both bonuses are booked to
 * pending, to become available at the end of the purchase's hold: at once
 * when that has passed (an auto-confirmation) and the referral is not held.
 */
export async function onPurchaseConfirmed(tx: Queryable, purchase: QualifyingPurchase, now: Date): Promise<boolean> {
  const rows = await tx.query<ReferralRow & { referrer_erased: boolean }>(
    `SELECT ${REFERRAL_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}, m.erased_at IS NOT NULL AS referrer_erased
       FROM referrals r JOIN members m ON m.id = r.referrer_id
      WHERE r.referred_id = $1 AND r.status = 'waiting' FOR UPDATE OF r`,
    [purchase.member_id],
  );
  const ref = rows[0];
  if (!ref || !qualifies(purchase, ref.min_amount_hundredths)) return false;
  const bonus = Number(ref.bonus_points);
  // An erased referrer has no one left to receive points.
  const booked: ReferralRow = {
    ...ref,
    status: 'pending',
    purchase_id: purchase.id,
    release_at: new Date(Math.max(new Date(purchase.hold_until).getTime(), now.getTime())),
    referred_points: bonus,
    referrer_points: ref.referrer_erased ? 0 : bonus,
  };
  await postBoth(tx, booked, (points) => [{ account: 'pending', delta: points }], 'referral_bonus', now);
  await tx.query(
    `UPDATE referrals SET status = 'pending', purchase_id = $2, release_at = $3, referred_points = $4, referrer_points = $5 WHERE referred_id = $1`,
    [ref.referred_id, purchase.id, booked.release_at!.toISOString(), booked.referred_points, booked.referrer_points],
  );
  if (isDue(booked, now)) await release(tx, booked, now);
  return true;
}

/**
 * The purchase that earned a referral bonus was reversed, or returned below
 * what qualifies (`stillQualifies` false): both bonuses are taken back from
 * the account they sit in (available may go below zero, as after any
 * reversal of points already spent), and the referral is done. Call inside
 * the purchase's transaction, holding its member's lock.
 */
export async function onQualifyingPurchaseLost(tx: Queryable, purchaseId: string, reason: string, now: Date): Promise<boolean> {
  const rows = await tx.query<ReferralRow>(
    `SELECT ${REFERRAL_COLUMNS} FROM referrals WHERE purchase_id = $1 AND status IN ('pending', 'paid') FOR UPDATE`,
    [purchaseId],
  );
  const ref = rows[0];
  if (!ref) return false;
  const account: Account = ref.status === 'paid' ? 'available' : 'pending';
  await postBoth(tx, ref, (points) => [{ account, delta: -points }], 'referral_bonus_reversal', now);
  await tx.query(`UPDATE referrals SET status = 'reversed', reason = $2, decided_at = $3 WHERE referred_id = $1`, [
    ref.referred_id,
    reason,
    now.toISOString(),
  ]);
  return true;
}

/** Whether a purchase that earned a referral bonus would still earn it at a lower amount. */
export async function stillQualifiesAt(tx: Queryable, purchaseId: string, p: Pick<QualifyingPurchase, 'amount_minor' | 'currency' | 'base_points'>): Promise<boolean> {
  const rows = await tx.query<{ min_amount_hundredths: number }>(
    `SELECT min_amount_hundredths FROM referrals WHERE purchase_id = $1 AND status IN ('pending', 'paid')`,
    [purchaseId],
  );
  return rows[0] === undefined || qualifies(p, rows[0].min_amount_hundredths);
}

/**
 * Makes due bonuses available: referrals whose purchase's hold has ended and
 * that are not held for review. One short transaction each. Returns how many
 * were paid.
 */
export async function releaseDueReferralBonuses(db: Db, now: Date, limit = 500): Promise<number> {
  const due = await db.query<{ referred_id: string }>(
    `SELECT referred_id FROM referrals WHERE status = 'pending' AND release_at <= $1 AND review IS DISTINCT FROM 'held'
      ORDER BY release_at, referred_id LIMIT $2`,
    [now.toISOString(), limit],
  );
  let paid = 0;
  for (const { referred_id } of due) {
    const done = await db.transaction(async (tx) => {
      await lockMember(tx, referred_id);
      const rows = await tx.query<ReferralRow>(`SELECT ${REFERRAL_COLUMNS} FROM referrals WHERE referred_id = $1 AND status = 'pending' FOR UPDATE`, [referred_id]);
      const ref = rows[0];
      // Re-checked under the lock: the purchase may have been reversed, or the operator decided, since the scan.
      if (!ref || !isDue(ref, now)) return false;
      await release(tx, ref, now);
      return true;
    });
    if (done) paid++;
  }
  return paid;
}

// --- The operator's review ---------------------------------------------------

export interface HeldReferral {
  referredId: string;
  referrerId: string;
  status: string;
  reason: string;
  createdAt: Date;
  purchaseId: string | null;
}

/** Referrals waiting for the operator's decision, oldest first. */
export async function listHeldReferrals(db: Queryable, opts: { limit?: number } = {}): Promise<HeldReferral[]> {
  const rows = await db.query<{ referred_id: string; referrer_id: string; status: string; reason: string | null; created_at: Date; purchase_id: string | null }>(
    `SELECT referred_id, referrer_id, status, reason, created_at, purchase_id FROM referrals
      WHERE review = 'held' ORDER BY created_at, referred_id LIMIT $1`,
    [opts.limit ?? 100],
  );
  return rows.map((r) => ({
    referredId: r.referred_id,
    referrerId: r.referrer_id,
    status: r.status,
    reason: r.reason ?? 'held_for_review',
    createdAt: new Date(r.created_at),
    purchaseId: r.purchase_id,
  }));
}

/**
 * The operator's decision on a held referral (named by the referred
 * member's id). `release` lets it earn like any other (a bonus already
 * pending becomes available once its purchase's hold has ended); `reject`
 * refuses it for good and takes back a bonus already pending. Returns false
 * when the referral is not (or no longer) held, so a decision applies once.
 */
export async function decideHeldReferral(db: Db, referredId: string, decision: 'release' | 'reject', now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const exists = await tx.query('SELECT 1 FROM referrals WHERE referred_id = $1', [referredId]);
    if (exists.length === 0) return false;
    await lockMember(tx, referredId);
    const rows = await tx.query<ReferralRow>(`SELECT ${REFERRAL_COLUMNS} FROM referrals WHERE referred_id = $1 AND review = 'held' FOR UPDATE`, [referredId]);
    const ref = rows[0];
    if (!ref) return false;
    if (decision === 'release') {
      await tx.query(`UPDATE referrals SET review = 'released', reason = NULL, decided_at = $2 WHERE referred_id = $1`, [referredId, now.toISOString()]);
      const released = { ...ref, review: 'released' };
      if (ref.status === 'pending' && isDue(released, now)) await release(tx, released, now);
      return true;
    }
    if (ref.status === 'pending') await postBoth(tx, ref, (points) => [{ account: 'pending', delta: -points }], 'referral_bonus_reversal', now);
    await tx.query(`UPDATE referrals SET review = 'refused', status = 'refused', reason = $2, decided_at = $3 WHERE referred_id = $1`, [
      referredId,
      ReferralReason.refusedAfterReview,
      now.toISOString(),
    ]);
    return true;
  });
}

// --- What the member sees ----------------------------------------------------

/**
 * The referred member's view of their own referral bonus, or undefined for
 * a member who registered without a code. Until the member has confirmed
 * their email an ineligible referral reads as waiting: the reason would tell
 * a stranger whether an address has had an account.
 */
export async function referralStatusOf(db: Queryable, memberId: string, emailVerified: boolean): Promise<ReferralStatus | undefined> {
  const rows = await db.query<{ status: string; review: string | null; reason: string | null; bonus_points: number; min_amount_hundredths: number; release_at: Date | null }>(
    'SELECT status, review, reason, bonus_points, min_amount_hundredths, release_at FROM referrals WHERE referred_id = $1',
    [memberId],
  );
  const r = rows[0];
  if (!r) return undefined;
  const hundredths = Number(r.min_amount_hundredths);
  const base = { bonusPoints: Number(r.bonus_points), minAmount: `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}` };
  const ended = r.status === 'ineligible' || r.status === 'refused';
  if (ended && !emailVerified) return { ...base, status: 'waiting_for_purchase' };
  if (ended) return { ...base, status: 'not_eligible', reason: r.reason ?? ReferralReason.refusedAfterReview };
  if (r.review === 'held') return { ...base, status: 'under_review', reason: r.reason ?? ReferralReason.sameNetwork };
  switch (r.status) {
    case 'pending':
      return { ...base, status: 'pending', ...(r.release_at ? { availableAt: new Date(r.release_at).toISOString() } : {}) };
    case 'paid':
      return { ...base, status: 'earned' };
    case 'reversed':
      return { ...base, status: 'taken_back', reason: r.reason ?? ReferralReason.purchaseReversed };
    default:
      return { ...base, status: 'waiting_for_purchase' };
  }
}
