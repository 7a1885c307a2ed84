/**
 * The audit log: every operator change, with who made it (an operator, the
 * shared token, or the command line), when, what, on which target, and the
 * state before and after. Append-only: this module only inserts and reads,
 * and a trigger refuses UPDATE, DELETE and TRUNCATE on the table.
 *
 * Members appear by id only, never by email, so a member's erasure leaves
 * nothing personal behind here; partner secrets never appear (a change is
 * noted as `secretChanged`).
 */
import { userInfo } from 'node:os';
import type { AuditAction, AuditEntry } from '../../lib/contract/console.ts';
import type { Actor } from '../accounts/operators.ts';
import type { Queryable } from '../db/index.ts';
import { writeCsv } from './csv.ts';

export interface AuditRecord {
  actor: Actor;
  action: AuditAction;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  at: Date;
  requestId?: string;
}

/** How the actor reads in the log: the operator's email, `token`, or `cli:<system user>`. */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'operator') return actor.email;
  if (actor.kind === 'token') return 'token';
  return `cli:${actor.user}`;
}

/** The actor of `npm run admin`: the system user running it. */
export function cliActor(): Actor {
  let user = process.env.SUDO_USER ?? process.env.USER;
  try {
    user ??= userInfo().username;
  } catch {
    user ??= 'unknown';
  }
  return { kind: 'cli', user };
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export async function recordAudit(db: Queryable, r: AuditRecord): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, actor_kind, operator_id, actor, action, target_type, target_id, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)`,
    [
      r.at.toISOString(),
      r.actor.kind,
      r.actor.kind === 'operator' ? r.actor.operatorId : null,
      actorLabel(r.actor),
      r.action,
      r.targetType,
      r.targetId,
      json(r.before),
      json(r.after),
      r.requestId ?? null,
    ],
  );
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

interface AuditRow {
  [key: string]: unknown;
  id: number | string;
  at: Date;
  actor_kind: AuditEntry['actorKind'];
  operator_id: string | null;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

const entryOf = (r: AuditRow): AuditEntry => ({
  id: String(r.id),
  at: r.at.toISOString(),
  actorKind: r.actor_kind,
  actor: r.actor,
  operatorId: r.operator_id,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  before: r.before ?? null,
  after: r.after ?? null,
  requestId: r.request_id,
});

/**
 * Entries newest first, `limit` a page; `cursor` is the `nextCursor` of the
 * page before (an entry id: entries before it follow). Each filter is exact;
 * `from` is inclusive, `to` exclusive.
 */
export async function listAudit(db: Queryable, filter: AuditFilter, page: { cursor?: string; limit: number }): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const rows = await db.query<AuditRow>(
    `SELECT id, at, actor_kind, operator_id::text AS operator_id, actor, action, target_type, target_id, before, after, request_id
       FROM audit_log
      WHERE ($1::text IS NULL OR action = $1)
        AND ($2::text IS NULL OR actor = $2)
        AND ($3::text IS NULL OR target_type = $3)
        AND ($4::text IS NULL OR target_id = $4)
        AND ($5::timestamptz IS NULL OR at >= $5)
        AND ($6::timestamptz IS NULL OR at < $6)
        AND ($7::bigint IS NULL OR id < $7)
      ORDER BY id DESC
      LIMIT $8`,
    [
      filter.action ?? null,
      filter.actor ?? null,
      filter.targetType ?? null,
      filter.targetId ?? null,
      filter.from?.toISOString() ?? null,
      filter.to?.toISOString() ?? null,
      page.cursor ?? null,
      page.limit + 1,
    ],
  );
  const entries = rows.slice(0, page.limit).map(entryOf);
  return { entries, nextCursor: rows.length > page.limit ? entries.at(-1)!.id : null };
}

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'actor_kind', 'actor', 'operator_id', 'action', 'target_type', 'target_id', 'before', 'after', 'request_id'] as const;

/** The entries as CSV, before and after as JSON text in their cells. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return writeCsv(
    AUDIT_CSV_COLUMNS,
    entries.map((e) => [e.id, e.at, e.actorKind, e.actor, e.operatorId ?? '', e.action, e.targetType, e.targetId, json(e.before) ?? '', json(e.after) ?? '', e.requestId ?? '']),
  );
}
