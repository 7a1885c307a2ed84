/**
 * Operator accounts (admin role) and the audit log (every role) under
 * `/v1/admin`, guarded by `adminGuard`.
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, OperatorInput, OperatorUpdate } from '../../lib/contract/console.ts';
import { listOperators } from '../accounts/operators.ts';
import { staleReads, type AppEnv } from '../platform/app.ts';
import { badRequest, readJson } from '../platform/http.ts';
import { auditCsv, listAudit, type AuditFilter } from '../operator/audit.ts';
import { addOperatorAudited, updateOperatorAudited } from '../operator/audited.ts';
import { actionContext, refusalsAs4xx } from './operator-context.ts';
import { requireUuid } from './admin-operations.ts';

export const adminOperators = new Hono<AppEnv>();

adminOperators.get('/operators', async (c) => c.json({ operators: await listOperators(c.get('deps').db) }, 200));

adminOperators.post('/operators', async (c) => {
  const input = await readJson(c, OperatorInput);
  const { env } = c.get('deps');
  const operator = await refusalsAs4xx(() => addOperatorAudited(c.get('deps').db, actionContext(c), input, env.SCRYPT_LOG_N));
  return c.json({ operator }, 201);
});

adminOperators.put('/operators/:id', async (c) => {
  requireUuid(c.req.param('id'), 'operator');
  const change = await readJson(c, OperatorUpdate);
  const actor = c.get('actor');
  // An admin who demotes or disables themselves could leave the programme with no admin at all.
  if (actor.kind === 'operator' && actor.operatorId === c.req.param('id') && (change.role !== 'admin' || !change.active)) {
    throw badRequest('An admin cannot demote or disable themselves; another admin (or the command line) can');
  }
  const operator = await refusalsAs4xx(() => updateOperatorAudited(c.get('deps').db, actionContext(c), c.req.param('id'), change));
  return c.json({ operator }, 200);
});

/** The most entries one CSV export holds; narrow the period for more. */
export const AUDIT_EXPORT_MAX = 50_000;

const Text = z.string().check(z.minLength(1), z.maxLength(254));
const AuditQuery = z.object({
  action: z.optional(Text),
  actor: z.optional(Text),
  targetType: z.optional(Text),
  targetId: z.optional(Text),
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
  cursor: z.optional(z.string().check(z.regex(/^\d{1,18}$/, 'a cursor from the previous page'))),
  limit: z.optional(z.string().check(z.regex(/^\d{1,4}$/, 'a whole number'))),
});

function auditQuery(raw: Record<string, string>): { filter: AuditFilter; cursor?: string; limit: number } {
  const parsed = AuditQuery.safeParse(raw);
  if (!parsed.success) throw badRequest(`Invalid query: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const q = parsed.data;
  const limit = q.limit === undefined ? AUDIT_PAGE_DEFAULT : Number(q.limit);
  if (limit < 1 || limit > AUDIT_PAGE_MAX) throw badRequest(`limit: 1 to ${AUDIT_PAGE_MAX}`);
  const filter: AuditFilter = {
    ...(q.action ? { action: q.action } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.targetType ? { targetType: q.targetType } : {}),
    ...(q.targetId ? { targetId: q.targetId } : {}),
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
  };
  return { filter, ...(q.cursor ? { cursor: q.cursor } : {}), limit };
}

adminOperators.get('/audit', async (c) => {
  const { filter, cursor, limit } = auditQuery(c.req.query());
  return c.json(await listAudit(staleReads(c.get('deps')), filter, { limit, ...(cursor ? { cursor } : {}) }), 200);
});

adminOperators.get('/audit.csv', async (c) => {
  const { filter } = auditQuery(c.req.query());
  const { entries } = await listAudit(staleReads(c.get('deps')), filter, { limit: AUDIT_EXPORT_MAX });
  return c.body(auditCsv(entries), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': 'attachment; filename="sammelpunkt-audit.csv"',
  });
});
