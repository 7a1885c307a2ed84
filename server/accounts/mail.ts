/**
 * Mail to members. No mail transport is wired yet (no SMTP_URL): every mail
 * goes to the outbox table, which the operator reads with
 * `GET /v1/admin/outbox` (development, tests, and the demo). A transport
 * slots in here: `sendMail` is the one place that sends.
 */
import type { Queryable } from '../db/index.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The one-time code the mail carries, so a test harness or the operator can read it without parsing text. */
  code?: string;
}

export interface OutboxMail extends Mail {
  sentAt: string;
}

export async function sendMail(db: Queryable, mail: Mail, now: Date): Promise<void> {
  await db.query('INSERT INTO mail_outbox (to_email, subject, body, code, sent_at) VALUES ($1, $2, $3, $4, $5)', [
    mail.to,
    mail.subject,
    mail.text,
    mail.code ?? null,
    now.toISOString(),
  ]);
}

/** The newest mails first, to one address when `to` is given. */
export async function readOutbox(db: Queryable, to: string | undefined, limit: number): Promise<OutboxMail[]> {
  const rows = await db.query<{ to_email: string; subject: string; body: string; code: string | null; sent_at: Date }>(
    `SELECT to_email, subject, body, code, sent_at FROM mail_outbox
      WHERE ($1::text IS NULL OR lower(to_email) = lower($1)) ORDER BY id DESC LIMIT $2`,
    [to ?? null, limit],
  );
  return rows.map((r) => ({ to: r.to_email, subject: r.subject, text: r.body, ...(r.code ? { code: r.code } : {}), sentAt: r.sent_at.toISOString() }));
}

/** Erasure takes the member's mails out of the outbox too. */
export async function forgetMailsTo(db: Queryable, email: string): Promise<void> {
  await db.query('DELETE FROM mail_outbox WHERE lower(to_email) = lower($1)', [email]);
}
