/**
 * `admin confirmations import <partner> <file.csv>`: a partner's order report
 * as a file instead of signed API calls. Columns `order_id,status,amount_minor`
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
import { applyReturn, cancel, confirm, type TransitionResult } from '../purchases/lifecycle.ts';
import { readOperatorFile } from './catalog-import.ts';
import { parseCsv } from './csv.ts';
import { OperatorError } from './errors.ts';

export const CONFIRMATION_COLUMNS = { required: ['order_id', 'status'], optional: ['amount_minor'] } as const;

export interface ConfirmationRow {
  line: number;
  orderId: string;
  status: z.infer<typeof ConfirmationStatus>;
  amountMinor?: number;
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
    if (!status.success) errs.push(`status "${values.status ?? ''}" is not confirmed, returned or cancelled`);
    const rawAmount = values.amount_minor ?? '';
    if (rawAmount !== '' && !/^\d{1,12}$/.test(rawAmount)) errs.push(`amount_minor "${rawAmount}" is not a whole number of minor units (cents)`);
    if (errs.length || !status.success) {
      problems.push(`line ${line}: ${errs.join('; ')}`);
      continue;
    }
    rows.push({ line, orderId, status: status.data, ...(rawAmount !== '' ? { amountMinor: Number(rawAmount) } : {}) });
  }
  if (problems.length) throw new OperatorError(`confirmation file refused, nothing was applied:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  if (rows.length === 0) throw new OperatorError('the confirmation file holds no orders');
  return rows;
}

async function applyRow(tx: Queryable, partnerId: string, row: ConfirmationRow, now: Date): Promise<RowResult> {
  const owning = await tx.query<{ id: string }>(
    'SELECT id FROM purchases WHERE partner_id = $1 AND order_id = $2 AND duplicate_of IS NULL',
    [partnerId, row.orderId],
  );
  const purchaseId = owning[0]?.id;
  if (!purchaseId) {
    // Kept for the operator, like a report of an unknown order through the API.
    await tx.query(
      'INSERT INTO unknown_confirmations (partner_id, order_id, status, amount_minor, received_at) VALUES ($1, $2, $3, $4, $5)',
      [partnerId, row.orderId, row.status, row.amountMinor ?? null, now.toISOString()],
    );
    return { ...row, outcome: 'unknown' };
  }
  let outcome: TransitionResult;
  switch (row.status) {
    case 'confirmed':
      outcome = await confirm(tx, purchaseId, now, row.amountMinor);
      break;
    case 'returned':
      outcome = await applyReturn(tx, purchaseId, now, row.amountMinor);
      break;
    case 'cancelled':
      outcome = await cancel(tx, purchaseId, now);
      break;
  }
  return { ...row, outcome: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), purchase: outcome.purchase };
}

export async function importConfirmations(db: Db, partnerId: string, text: string, now: Date): Promise<ConfirmationReport> {
  const partner = await db.query('SELECT 1 FROM partners WHERE id = $1', [partnerId]);
  if (partner.length === 0) throw new OperatorError(`No partner "${partnerId}" in the catalogue`);
  const rows = parseConfirmationCsv(text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const { results, alreadyImportedAt } = await db.transaction(async (tx) => {
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
    return { results: out, alreadyImportedAt: undefined };
  });
  const counts: Record<RowOutcome, number> = { applied: 0, unchanged: 0, unknown: 0, invalid: 0 };
  for (const r of results) counts[r.outcome]++;
  return { partnerId, ...(alreadyImportedAt ? { alreadyImportedAt } : {}), rows: results, counts };
}

export async function importConfirmationsFile(db: Db, partnerId: string, path: string, now: Date): Promise<ConfirmationReport> {
  return importConfirmations(db, partnerId, await readOperatorFile(path), now);
}
