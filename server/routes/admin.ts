/**
 * The operator's catalogue: `PUT` a partner, an offer or a reward (create
 * or replace), `PATCH` a partner from the console's form, the lists the
 * console reads (partners with limits and reliability, offers, rewards),
 * and the outbox. Who may call them is decided for all
 * of `/v1/admin/*` by `adminGuard` (accounts/operator-auth.ts), mounted in
 * server/index.ts: the shared ADMIN_TOKEN, or a console session whose role
 * allows it. Every change is written to the audit log (operator/audited.ts).
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { isSafeText, Offer, PartnerInput, Reward, Slug } from '../../lib/contract/index.ts';
import { PARTNER_PAGE_DEFAULT, PARTNER_PAGE_MAX, PartnerEdit } from '../../lib/contract/console.ts';
import { listPartnersForOperator } from '../catalog/partners-admin.ts';
import { listOffers, listRewards } from '../catalog/catalog.ts';
import { refreshReliabilityIfStale, reliabilityState } from '../catalog/reliability.ts';
import { editPartner } from '../operator/partner-edit.ts';
import { staleReads, type AppEnv } from '../platform/app.ts';
import { requirePermission } from '../accounts/operator-auth.ts';
import { readOutbox } from '../accounts/mail.ts';
import { badRequest, notFound, readJson } from '../platform/http.ts';
import { actionContext, refusalsAs4xx } from './operator-context.ts';
import { putOffer, putPartner, putReward } from '../operator/audited.ts';

export const admin = new Hono<AppEnv>();

/**
 * Everything an admin may do: for an operator route mounted outside
 * `/v1/admin/*`. Use `requirePermission` for a route a lesser role may use.
 */
export const requireAdmin = requirePermission('admin');

// The upserts moved to catalog/upserts.ts; re-exported for the modules that import them from here.
export { upsertOffer, upsertPartner, upsertReward, type UpsertOutcome } from '../catalog/upserts.ts';
import type { UpsertOutcome } from '../catalog/upserts.ts';

function samePathId(pathId: string, bodyId: string): void {
  if (pathId !== bodyId) throw badRequest(`The id in the path ("${pathId}") and in the body ("${bodyId}") differ`);
}

const statusOf = (outcome: UpsertOutcome) => (outcome === 'created' ? 201 : 200);

admin.put('/partners/:id', async (c) => {
  const input = await readJson(c, PartnerInput);
  samePathId(c.req.param('id'), input.id);
  const { partner, outcome } = await putPartner(c.get('deps').db, actionContext(c), input);
  return c.json({ partner }, statusOf(outcome));
});

/** The catalogue for the console: limits and reliability with each partner, paged by id, `q` searching id, name and domains. */
admin.get('/partners', async (c) => {
  const q = c.req.query('q');
  const after = c.req.query('after');
  const rawLimit = c.req.query('limit');
  if (q !== undefined && (q.length > 100 || !isSafeText(q))) throw badRequest('q: up to 100 printable characters');
  if (after !== undefined && !Slug.safeParse(after).success) throw badRequest('after: a partner id');
  const limit = rawLimit === undefined ? PARTNER_PAGE_DEFAULT : /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : 0;
  if (limit < 1 || limit > PARTNER_PAGE_MAX) throw badRequest(`limit: a whole number from 1 to ${PARTNER_PAGE_MAX}`);
  const deps = c.get('deps');
  // The figures are cached; recomputed here when older than the catalogue allows, as GET /v1/partners does.
  await refreshReliabilityIfStale(deps.db, deps.now(), await reliabilityState(deps.db));
  return c.json(await listPartnersForOperator(staleReads(deps), { ...(q ? { q } : {}), ...(after ? { after } : {}), limit }), 200);
});

/** Changes the fields of a partner the console's form shows; the secret, detection rules and limits stay. */
admin.patch('/partners/:id', async (c) => {
  const id = c.req.param('id');
  if (!Slug.safeParse(id).success) throw badRequest('id: a partner id');
  const edit = await readJson(c, PartnerEdit);
  const partner = await refusalsAs4xx(() => editPartner(c.get('deps').db, actionContext(c), id, edit));
  return c.json({ partner }, 200);
});

/** The most offers or rewards one console list holds. */
export const CATALOG_LIST_MAX = 500;

/** Every offer running or upcoming, by start; with `include=ended` also the ended ones, newest end first. */
admin.get('/offers', async (c) => {
  const include = c.req.query('include');
  if (include !== undefined && include !== 'ended') throw badRequest('include: only `ended`');
  const deps = c.get('deps');
  const reads = staleReads(deps);
  const offers = include === 'ended'
    ? (await reads.query<{ doc: Offer }>('SELECT doc FROM offers ORDER BY ends_at DESC, id LIMIT $1', [CATALOG_LIST_MAX])).map((r) => r.doc)
    : (await listOffers(reads, deps.now(), { includeUpcoming: true })).slice(0, CATALOG_LIST_MAX);
  return c.json({ offers }, 200);
});

/** Every reward, active or not, by id. */
admin.get('/rewards', async (c) => {
  return c.json({ rewards: (await listRewards(staleReads(c.get('deps')))).slice(0, CATALOG_LIST_MAX) }, 200);
});

/** The most mails one outbox answer lists. */
export const OUTBOX_PAGE = 100;
/** `?to=`: compared with the recipients, so any text of an email's length will do. */
export const OutboxRecipient = z.string().check(z.minLength(3), z.maxLength(254));

/**
 * The mails the server would have sent (no mail transport is configured),
 * newest first: the operator's and a test harness's way to the codes. With
 * SMTP_URL set the server keeps no mails, so there is no outbox to read.
 */
admin.get('/outbox', async (c) => {
  if (c.get('deps').mail) throw notFound('No outbox: mails are sent over SMTP (SMTP_URL is set)');
  const to = c.req.query('to');
  if (to !== undefined && !OutboxRecipient.safeParse(to).success) throw badRequest('`to` must be an email address');
  return c.json({ mails: await readOutbox(c.get('deps').db, to, OUTBOX_PAGE) }, 200);
});

admin.put('/offers/:id', async (c) => {
  const input = await readJson(c, Offer);
  samePathId(c.req.param('id'), input.id);
  const { offer, outcome } = await putOffer(c.get('deps').db, actionContext(c), input);
  return c.json({ offer }, statusOf(outcome));
});

admin.put('/rewards/:id', async (c) => {
  const input = await readJson(c, Reward);
  samePathId(c.req.param('id'), input.id);
  const { reward, outcome } = await putReward(c.get('deps').db, actionContext(c), input);
  return c.json({ reward }, statusOf(outcome));
});
