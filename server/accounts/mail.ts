/**
 * Mail to members: verification and reset codes, and the "you already have
 * an account" note. With `SMTP_URL` set, mails go out over SMTP
 * (nodemailer); without it (development, tests, the demo) they go to the
 * outbox table, which the operator reads with `GET /v1/admin/outbox`.
 *
 * Mails are written inside the transaction that makes what they are about
 * (the account, the code). The outbox takes them in that transaction. SMTP
 * gets them only after it committed: a slow mail server never holds a
 * transaction open, and a rolled-back attempt never mails a code that does
 * not exist. A mail the server refuses is logged and dropped; the account
 * and its code stay, and the member can ask for another
 * (`POST /v1/auth/verify-email/resend`, `POST /v1/auth/password-reset`).
 */
import { createTransport } from 'nodemailer';
import type { Db, Queryable } from '../db/index.ts';
import type { Env } from '../platform/env.ts';

/** What a mail is for: named in logs instead of its address or text, which hold personal data and codes. */
export type MailKind = 'verify-email' | 'password-reset' | 'account-exists';

export interface Mail {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  /** The one-time code the mail carries, so a test harness or the operator can read it without parsing text. */
  code?: string;
}

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  code?: string;
  sentAt: string;
}

/** Sends one mail; rejects when the mail server does not take it. */
export interface MailTransport {
  /** Where mails go, for the start-up line (never with a password). */
  readonly describe: string;
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * A mail server that does not answer is given up on in seconds, not in
 * nodemailer's default minutes: the member's request waits for the hand-over.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** The SMTP transport when `SMTP_URL` is set; undefined means the outbox. */
export function mailTransportFor(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): MailTransport | undefined {
  if (!env.SMTP_URL) return undefined;
  const transporter = createTransport({ url: env.SMTP_URL, ...SMTP_TIMEOUTS }, { from: env.MAIL_FROM });
  const url = new URL(env.SMTP_URL);
  return {
    describe: `${url.protocol}//${url.host} from ${env.MAIL_FROM}`,
    async send(mail) {
      await transporter.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transporter.close(),
  };
}

/** The mails one transaction writes; see the file's comment for when each goes out. */
export class MailQueue {
  readonly #held: Mail[] = [];

  constructor(private readonly transport: MailTransport | undefined) {}

  async add(tx: Queryable, mail: Mail, now: Date): Promise<void> {
    if (this.transport) {
      this.#held.push(mail);
      return;
    }
    await tx.query('INSERT INTO mail_outbox (to_email, subject, body, code, sent_at) VALUES ($1, $2, $3, $4, $5)', [
      mail.to,
      mail.subject,
      mail.text,
      mail.code ?? null,
      now.toISOString(),
    ]);
  }

  /** Hands the held mails to the transport; a refusal is logged, never thrown. */
  async deliver(log: (line: Record<string, unknown>) => void, requestId: string | undefined): Promise<void> {
    for (const mail of this.#held.splice(0)) {
      try {
        await this.transport!.send(mail);
      } catch (err) {
        log({ time: new Date().toISOString(), level: 'error', requestId, event: 'mail_not_sent', kind: mail.kind, error: (err as Error).message });
      }
    }
  }
}

export interface Mailing {
  db: Db;
  transport: MailTransport | undefined;
  log: (line: Record<string, unknown>) => void;
  requestId?: string;
}

/**
 * Runs `work` in a transaction with a fresh mail queue, then delivers what
 * it queued once the transaction committed (nothing, if it rolled back).
 */
export async function transactionWithMail<T>(mailing: Mailing, work: (tx: Queryable, mail: MailQueue) => Promise<T>): Promise<T> {
  let queue: MailQueue | undefined;
  const result = await mailing.db.transaction((tx) => {
    queue = new MailQueue(mailing.transport);
    return work(tx, queue);
  });
  await queue?.deliver(mailing.log, mailing.requestId);
  return result;
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
