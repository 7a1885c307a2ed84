/**
 * The operator's daily work over HTTP, as `npm run admin` does it on the
 * server: the claims and review queues and their decisions, catalogue and
 * confirmation files, finding and erasing a member. Mounted under
 * `/v1/admin`, guarded by `adminGuard` (roles), every change audited.
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { CatalogImportRequest, ClaimDecisions, ConfirmationFileRequest, ErasureByOperator, HoldDecisions, OperatorReason } from '../../lib/contract/console.ts';
import { staleReads, type AppEnv } from '../platform/app.ts';
import { badRequest, readJson } from '../platform/http.ts';
import { listClaims, type ClaimView } from '../operator/claims.ts';
import { claimEvidence, type ClaimEvidence } from '../operator/claim-evidence.ts';
import { emailOfMemberNumber, memberLedger, showMember } from '../operator/members.ts';
import { listReviewQueue } from '../purchases/fraud.ts';
import { listHeldReferrals } from '../programme/referrals.ts';
import {
  approveClaimAudited,
  decideReviewAudited,
  eraseMemberAudited,
  importCatalogAudited,
  importConfirmationsAudited,
  rejectClaimAudited,
} from '../operator/audited.ts';
import { decideClaims, decideHolds } from '../operator/bulk-decisions.ts';
import { importConfirmations } from '../operator/confirmations.ts';
import { actionContext, refusalsAs4xx } from './operator-context.ts';

export const adminOperations = new Hono<AppEnv>();

/** The most items a queue answer lists (oldest first). */
export const QUEUE_PAGE = 500;

const ClaimStatusQuery = z.optional(z.enum(['open', 'approved', 'rejected']));
const PartnerQuery = z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,64}$/)));
const EmailQuery = z.email().check(z.maxLength(254));
const MethodQuery = z.optional(z.string().check(z.minLength(1), z.maxLength(64)));
const MemberNumberQuery = z.string().check(z.regex(/^\d{10}$/, 'a 10-digit card number'));
const CursorQuery = z.optional(z.string().check(z.regex(/^\d{1,18}$/)));
/** The member's latest purchases shown with the member. */
export const MEMBER_PURCHASES = 50;
const DryRunQuery = z.optional(z.enum(['0', '1']));
const CatalogKindParam = z.enum(['partners', 'offers', 'rewards']);

function query<S extends z.ZodMiniType>(schema: S, value: string | undefined, name: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`${name}: ${JSON.stringify((value ?? '').slice(0, 40))} is not valid`);
  return parsed.data as z.infer<S>;
}

/** Path ids are UUIDs: anything else (a NUL, which PostgreSQL cannot take) is refused before it reaches SQL. */
export function requireUuid(id: string, what: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw badRequest(`${JSON.stringify(id.slice(0, 40))} is not a ${what} id (a UUID)`);
}

/** A claim on the wire: the member by id (the console looks the member up when it must), the receipt as sent. */
const claimOut = (c: ClaimView) => ({ ...c, createdAt: c.createdAt.toISOString(), decidedAt: c.decidedAt?.toISOString() ?? null });

adminOperations.get('/claims', async (c) => {
  const status = query(ClaimStatusQuery, c.req.query('status'), 'status');
  const reads = staleReads(c.get('deps'));
  const claims = (await listClaims(reads, status ? { status } : {})).slice(0, QUEUE_PAGE);
  // The partner's side of each open claim, for the reviewer to read beside the receipt.
  const evidence = status === 'open' ? await claimEvidence(reads, claims) : new Map<string, ClaimEvidence>();
  return c.json({ claims: claims.map((claim) => ({ ...claimOut(claim), ...(status === 'open' ? { partner: evidence.get(claim.id) ?? { placed: null, bookedFor: null } } : {}) })) }, 200);
});

/** Several claims, one decision: each is decided (and logged) on its own and answered per item. */
adminOperations.post('/claims/decisions', async (c) => {
  const body = await readJson(c, ClaimDecisions);
  if (body.decision === 'reject' && !body.reason) throw badRequest('reason: rejecting several claims at once needs the reason the members will be given');
  return c.json({ results: await decideClaims(c.get('deps').db, actionContext(c), body) }, 200);
});

adminOperations.post('/claims/:id/approve', async (c) => {
  const outcome = await refusalsAs4xx(() => approveClaimAudited(c.get('deps').db, actionContext(c), c.req.param('id')));
  return c.json({ claim: claimOut(outcome.claim), booking: outcome.booking, purchase: outcome.result.purchase ?? null }, 200);
});

adminOperations.post('/claims/:id/reject', async (c) => {
  const { reason } = await readJson(c, OperatorReason);
  const claim = await refusalsAs4xx(() => rejectClaimAudited(c.get('deps').db, actionContext(c), c.req.param('id'), reason));
  return c.json({ claim: claimOut(claim) }, 200);
});

adminOperations.get('/review', async (c) => {
  const partnerId = query(PartnerQuery, c.req.query('partner'), 'partner');
  const reads = staleReads(c.get('deps'));
  const purchases = await listReviewQueue(reads, { limit: QUEUE_PAGE, ...(partnerId ? { partnerId } : {}) });
  // Referrals are not a partner's: the partner filter leaves them out.
  const referrals = partnerId ? [] : await listHeldReferrals(reads, { limit: QUEUE_PAGE });
  return c.json(
    {
      purchases: purchases.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() })),
      referrals: referrals.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    },
    200,
  );
});

/** Several held purchases or referrals, one decision, answered per item. */
adminOperations.post('/review/decisions', async (c) => {
  const body = await readJson(c, HoldDecisions);
  if (body.decision === 'reject' && !body.reason) throw badRequest('reason: rejecting several holds at once needs a reason for the audit log');
  return c.json({ results: await decideHolds(c.get('deps').db, actionContext(c), body) }, 200);
});

for (const decision of ['release', 'reject'] as const) {
  adminOperations.post(`/review/:id/${decision}`, async (c) => {
    const kind = await refusalsAs4xx(() => decideReviewAudited(c.get('deps').db, actionContext(c), c.req.param('id'), decision));
    return c.json({ id: c.req.param('id'), kind, decision }, 200);
  });
}

adminOperations.post('/imports/:kind', async (c) => {
  const kind = query(CatalogKindParam, c.req.param('kind'), 'kind');
  const { format, content } = await readJson(c, CatalogImportRequest);
  const report = await refusalsAs4xx(() => importCatalogAudited(c.get('deps').db, actionContext(c), kind, content, format));
  return c.json({ kind, report }, 200);
});

adminOperations.post('/confirmations/:partnerId', async (c) => {
  query(PartnerQuery, c.req.param('partnerId'), 'partnerId');
  const dryRun = query(DryRunQuery, c.req.query('dryRun'), 'dryRun') === '1';
  const { csv } = await readJson(c, ConfirmationFileRequest);
  const { db, now } = c.get('deps');
  // A preview changes nothing, so it leaves nothing in the audit log either.
  const report = await refusalsAs4xx(() =>
    dryRun ? importConfirmations(db, c.req.param('partnerId'), csv, now(), { dryRun }) : importConfirmationsAudited(db, actionContext(c), c.req.param('partnerId'), csv),
  );
  return c.json({ ...report, dryRun, alreadyImportedAt: report.alreadyImportedAt?.toISOString() ?? null }, 200);
});

adminOperations.get('/members', async (c) => {
  const number = c.req.query('number');
  const reads = staleReads(c.get('deps'));
  // By email, or by the card number (`number`) a member reads out from the popup's member card.
  const email = number === undefined ? query(EmailQuery, c.req.query('email'), 'email') : await refusalsAs4xx(() => emailOfMemberNumber(reads, query(MemberNumberQuery, number, 'number')));
  const method = query(MethodQuery, c.req.query('method'), 'method');
  const member = await refusalsAs4xx(() => showMember(reads, email, { purchases: MEMBER_PURCHASES, ...(method === undefined ? {} : { method }) }));
  return c.json({ member: { ...member, createdAt: member.createdAt.toISOString() } }, 200);
});

adminOperations.get('/members/:id/ledger', async (c) => {
  requireUuid(c.req.param('id'), 'member');
  const cursor = query(CursorQuery, c.req.query('cursor'), 'cursor');
  return c.json(await memberLedger(staleReads(c.get('deps')), c.req.param('id'), cursor), 200);
});

adminOperations.post('/members/:id/erase', async (c) => {
  requireUuid(c.req.param('id'), 'member');
  const { reason } = await readJson(c, ErasureByOperator);
  await refusalsAs4xx(() => eraseMemberAudited(c.get('deps').db, actionContext(c), c.req.param('id'), reason));
  return c.body(null, 204);
});
