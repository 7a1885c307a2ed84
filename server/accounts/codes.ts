/**
 * One-time codes sent by mail (email verification, password reset): six
 * digits, stored as a hash, valid for a while, used up by a right answer or
 * by a few wrong ones. With at most `MAX_ATTEMPTS` tries per code and new
 * codes limited per day, guessing one is hopeless (5 in a million a code).
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.ts';

export type CodePurpose = 'verify' | 'reset';

export const CODE_TTL_MS: Record<CodePurpose, number> = { verify: 24 * 60 * 60 * 1000, reset: 60 * 60 * 1000 };
export const MAX_ATTEMPTS = 5;

const hashCode = (memberId: string, code: string) => createHash('sha256').update(`${memberId}:${code}`).digest('hex');

/** A new code for the member; earlier codes of the same purpose stop working. */
export async function issueCode(tx: Queryable, memberId: string, purpose: CodePurpose, now: Date): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await tx.query('UPDATE email_codes SET used_at = $3 WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL', [memberId, purpose, now.toISOString()]);
  await tx.query(
    'INSERT INTO email_codes (id, member_id, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [randomUUID(), memberId, purpose, hashCode(memberId, code), now.toISOString(), new Date(now.getTime() + CODE_TTL_MS[purpose]).toISOString()],
  );
  return code;
}

/** True when `code` is the member's live code for `purpose` (it is then used up); a wrong one counts a try. */
export async function useCode(tx: Queryable, memberId: string, purpose: CodePurpose, code: string, now: Date): Promise<boolean> {
  const rows = await tx.query<{ id: string; code_hash: string; attempts: number }>(
    `SELECT id, code_hash, attempts FROM email_codes
      WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
      ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [memberId, purpose, now.toISOString()],
  );
  const live = rows[0];
  if (!live || live.attempts >= MAX_ATTEMPTS) return false;
  if (live.code_hash !== hashCode(memberId, code)) {
    await tx.query('UPDATE email_codes SET attempts = attempts + 1 WHERE id = $1', [live.id]);
    return false;
  }
  await tx.query('UPDATE email_codes SET used_at = $2 WHERE id = $1', [live.id, now.toISOString()]);
  return true;
}
