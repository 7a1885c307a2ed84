/**
 * `admin confirmations import <partner> <file.csv>`: a partner's order report
 * as a file instead of signed API calls. Columns `order_id,status,amount_minor`
 * (and optionally `customer_email_sha256`)
 * with the meanings of the partner API (DESIGN.md, "Partner reports"); each
 * row goes through the same lifecycle functions. Every row is checked before
 * anything is applied, and the file is applied in one transaction.
 *
 * Importing the same file again changes nothing. Most rows would come out
 * `unchanged` anyway (a confirmed purchase stays confirmed, a return to the
 * amount that already stands changes nothing), but a file may confirm an
 * order and report its return further down, and replaying the confirmation
 * of a reversed purchase is `invalid`. So each imported file is remembered by
 * its content hash, and the same file again is answered with every row
 * `unchanged` (reason `file_already_imported`) without touching anything.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { ConfirmationStatus, type Purchase } from '../../lib/contract/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { applyPartnerReport } from './partner-reports.ts';
import { readOperatorFile } from './catalog-import.ts';
import { parseCsv } from './csv.ts';
import { OperatorError } from './errors.ts';

export const CONFIRMATION_COLUMNS = { required: ['order_id', 'status'], optional: ['amount_minor', 'customer_email_sha256'] } as const;

export interface ConfirmationRow {
  line: number;
  orderId: string;
  status: z.infer<typeof ConfirmationStatus>;
  amountMinor?: number;
  customerEmailSha256?: string;
}

export type RowOutcome = 'applied' | 'unchanged' | 'unknown' | 'invalid';

export interface RowResult extends ConfirmationRow {
  outcome: RowOutcome;
  reason?: string;
  purchase?: Purchase;
}

export interface ConfirmationReport {
  partnerId: string;
  /** When the same file was imported before, the time of that import; nothing was applied now. */
  alreadyImportedAt?: Date;
  rows: RowResult[];
  counts: Record<RowOutcome, number>;
}

const ORDER_ID = /^[\x21-\x7e\u00a0-\uffff][\x20-\x7e\u00a0-\uffff]{0,63}$/;

/** Parses and checks every row; any bad row refuses the whole file, naming each bad line. */
export function parseConfirmationCsv(text: string): ConfirmationRow[] {
  const problems: string[] = [];
  const rows: ConfirmationRow[] = [];
  for (const { line, values } of parseCsv(text, CONFIRMATION_COLUMNS)) {
    const errs: string[] = [];
    const orderId = values.order_id ?? '';
    if (!ORDER_ID.test(orderId)) errs.push(orderId === '' ? 'order_id is empty' : `order_id "${orderId}" is not 1–64 printable characters`);
    const status = ConfirmationStatus.safeParse(values.status?.toLowerCase());
    if (!status.success) errs.push(`status "${values.status ?? ''}" is not placed, confirmed, returned or cancelled`);
    const rawAmount = values.amount_minor ?? '';
    if (rawAmount !== '' && !/^\d{1,12}$/.test(rawAmount)) errs.push(`amount_minor "${rawAmount}" is not a whole number of minor units (cents)`);
    if (status.success && status.data === 'placed' && rawAmount === '') errs.push('a placed order needs its amount_minor');
    const emailHash = values.customer_email_sha256 ?? '';
    if (emailHash !== '' && !/^[0-9a-fA-F]{64}$/.test(emailHash)) errs.push('customer_email_sha256 is not 64 hex digits');
    if (errs.length || !status.success) {
      problems.push(`line ${line}: ${errs.join('; ')}`);
      continue;
    }
    rows.push({
      line,
      orderId,
      status: status.data,
      ...(rawAmount !== '' ? { amountMinor: Number(rawAmount) } : {}),
      ...(emailHash !== '' ? { customerEmailSha256: emailHash.toLowerCase() } : {}),
    });
  }
  if (problems.length) throw new OperatorError(`confirmation file refused, nothing was applied:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  if (rows.length === 0) throw new OperatorError('the confirmation file holds no orders');
  return rows;
}

async function applyRow(tx: Queryable, partnerId: string, row: ConfirmationRow, now: Date): Promise<RowResult> {
  const { status, orderId, amountMinor, customerEmailSha256 } = row;
  const outcome = await applyPartnerReport(tx, partnerId, {
    orderId,
    status,
    ...(amountMinor !== undefined ? { amountMinor } : {}),
    ...(customerEmailSha256 ? { customerEmailSha256 } : {}),
  }, now);
  return { ...row, outcome: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), ...(outcome.purchase ? { purchase: outcome.purchase } : {}) };
}

/** Carries a preview's results out of its transaction, which it rolls back. */
class PreviewOnly extends Error {
  constructor(readonly outcome: { results: RowResult[]; alreadyImportedAt: Date | undefined }) {
    super('preview: rolled back');
  }
}

/**
 * Applies the file, or with `dryRun` previews it: every row goes through
 * exactly what applying does, in the same transaction, which is then rolled
 * back, so the preview shows what applying would do at this moment (an
 * order reported twice in the file, a return after a confirmation) and
 * nothing is booked, remembered or logged.
 */
export async function importConfirmations(db: Db, partnerId: string, text: string, now: Date, opts: { dryRun?: boolean } = {}): Promise<ConfirmationReport> {
  const partner = await db.query('SELECT 1 FROM partners WHERE id = $1', [partnerId]);
  if (partner.length === 0) throw new OperatorError(`No partner "${partnerId}" in the catalogue`);
  const rows = parseConfirmationCsv(text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const applied = db.transaction(async (tx) => {
    const seen = await tx.query<{ again: boolean; imported_at: Date }>(
      `INSERT INTO confirmation_files (partner_id, sha256, rows, imported_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (partner_id, sha256) DO UPDATE SET partner_id = EXCLUDED.partner_id
       RETURNING (xmax <> 0) AS again, imported_at`,
      [partnerId, sha256, rows.length, now.toISOString()],
    );
    // The row lock taken above also keeps two imports of one file from running side by side.
    if (seen[0]?.again) {
      return { results: rows.map((r): RowResult => ({ ...r, outcome: 'unchanged', reason: 'file_already_imported' })), alreadyImportedAt: seen[0].imported_at };
    }
    const out: RowResult[] = [];
    for (const row of rows) out.push(await applyRow(tx, partnerId, row, now));
    if (opts.dryRun) throw new PreviewOnly({ results: out, alreadyImportedAt: undefined });
    return { results: out, alreadyImportedAt: undefined };
  });
  const { results, alreadyImportedAt } = await applied.catch((err: unknown) => {
    if (err instanceof PreviewOnly) return err.outcome;
    throw err;
  });
  const counts: Record<RowOutcome, number> = { applied: 0, unchanged: 0, unknown: 0, invalid: 0 };
  for (const r of results) counts[r.outcome]++;
  return { partnerId, ...(alreadyImportedAt ? { alreadyImportedAt } : {}), rows: results, counts };
}

export async function importConfirmationsFile(db: Db, partnerId: string, path: string, now: Date): Promise<ConfirmationReport> {
  return importConfirmations(db, partnerId, await readOperatorFile(path), now);
}
