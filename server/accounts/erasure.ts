/**
 * Erasure (GDPR art. 17), whether the member asks (`DELETE /v1/me`) or an
 * operator erases on the member's request (`POST /v1/admin/members/:id/erase`).
 * Personal data goes: the email, the password hash, device labels, the
 * receipts of claims, known addresses, mails. Purchases and ledger entries
 * stay, because bookkeeping law requires keeping them; without the email they
 * only name a random member id and card number, so they are pseudonymous. An
 * unpaid debt (available points below zero, say after a return of an order
 * whose points were already spent) is kept under the SHA-256 of the email
 * alone, and a new account with that email inherits it.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { lockMember } from '../ledger/ledger.ts';
// The debt's key is the registration's (routes/auth.ts), where a new account looks it up.
import { emailSha256 } from '../routes/auth.ts';
import { forgetMailsTo } from './mail.ts';

/** Erases the member; false when there is no such member or it was erased already. */
export async function eraseMember(db: Db, memberId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    const exists = await tx.query('SELECT 1 FROM members WHERE id::text = $1 AND erased_at IS NULL', [memberId]);
    if (exists.length === 0) return false;
    const balance = await lockMember(tx, memberId);
    const rows = await tx.query<{ email: string | null }>('SELECT email FROM members WHERE id = $1', [memberId]);
    const email = rows[0]?.email;
    if (email && balance.available < 0) {
      await tx.query('INSERT INTO erased_debts (id, email_sha256, member_id, points, created_at) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        emailSha256(email),
        memberId,
        -balance.available,
        at,
      ]);
    }
    if (email) await forgetMailsTo(tx, email);
    await tx.query('UPDATE members SET email = NULL, unclaimed_email = NULL, password_hash = NULL, erased_at = $2 WHERE id = $1', [memberId, at]);
    await tx.query('UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2), device = NULL WHERE member_id = $1', [memberId, at]);
    await tx.query(`UPDATE claims SET receipt = '{}'::jsonb WHERE member_id = $1`, [memberId]);
    await tx.query('DELETE FROM login_addresses WHERE member_id = $1', [memberId]);
    await tx.query('DELETE FROM member_networks WHERE member_id = $1', [memberId]);
    await tx.query('DELETE FROM email_codes WHERE member_id = $1', [memberId]);
    return true;
  });
}
