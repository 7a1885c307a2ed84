/**
 * One-time codes sent by mail, stored as a hash, valid for a while.
 *
 * - Email verification: six digits, typed by the signed-in member; used up
 *   by a right answer or by `MAX_ATTEMPTS` wrong ones. Only the member's own
 *   token can try them, so nobody else can use them up.
 * - Password reset: asked for and tried without signing in, by anyone who
 *   knows the email. A try limit there would let a stranger burn the
 *   member's live code with a few wrong guesses, again and again, and lock
 *   the member out of their account. So a reset code is long instead
 *   (12 characters of 32: 60 bits; even a million guesses per hour of its
 *   life would find it once in a billion codes) and has no try limit; the
 *   per-address limit on tries still applies.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.ts';

export type CodePurpose = 'verify' | 'reset';

export const CODE_TTL_MS: Record<CodePurpose, number> = { verify: 24 * 60 * 60 * 1000, reset: 60 * 60 * 1000 };
export const MAX_ATTEMPTS = 5;

const hashCode = (memberId: string, code: string) => createHash('sha256').update(`${memberId}:${code}`).digest('hex');

/** No 0/O, 1/I: a code read from a mail and typed by hand. */
const RESET_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const RESET_LENGTH = 12;

function newCode(purpose: CodePurpose): string {
  if (purpose === 'verify') return String(randomInt(0, 1_000_000)).padStart(6, '0');
  const chars = Array.from({ length: RESET_LENGTH }, () => RESET_ALPHABET[randomInt(0, RESET_ALPHABET.length)]!);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** A code as typed: case, spaces and dashes do not matter. */
const canonical = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

/** A new code for the member; earlier codes of the same purpose stop working. */
export async function issueCode(tx: Queryable, memberId: string, purpose: CodePurpose, now: Date): Promise<string> {
  const code = newCode(purpose);
  await tx.query('UPDATE email_codes SET used_at = $3 WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL', [memberId, purpose, now.toISOString()]);
  await tx.query(
    'INSERT INTO email_codes (id, member_id, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [randomUUID(), memberId, purpose, hashCode(memberId, canonical(code)), now.toISOString(), new Date(now.getTime() + CODE_TTL_MS[purpose]).toISOString()],
  );
  return code;
}

/** True when `code` is the member's live code for `purpose` (it is then used up); a wrong one counts a try (see above for resets). */
export async function useCode(tx: Queryable, memberId: string, purpose: CodePurpose, code: string, now: Date): Promise<boolean> {
  const rows = await tx.query<{ id: string; code_hash: string; attempts: number }>(
    `SELECT id, code_hash, attempts FROM email_codes
      WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
      ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [memberId, purpose, now.toISOString()],
  );
  const live = rows[0];
  if (!live || (purpose === 'verify' && live.attempts >= MAX_ATTEMPTS)) return false;
  if (live.code_hash !== hashCode(memberId, canonical(code))) {
    await tx.query('UPDATE email_codes SET attempts = attempts + 1 WHERE id = $1', [live.id]);
    return false;
  }
  await tx.query('UPDATE email_codes SET used_at = $2 WHERE id = $1', [live.id, now.toISOString()]);
  return true;
}
