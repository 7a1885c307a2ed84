/**
 * The operator's catalogue writes: `PUT` a partner, an offer or a reward
 * (create or replace), and the outbox. Who may call them is decided for all
 * of `/v1/admin/*` by `adminGuard` (accounts/operator-auth.ts), mounted in
 * server/index.ts: the shared ADMIN_TOKEN, or a console session whose role
 * allows it. Every change is written to the audit log (operator/audited.ts).
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { Offer, PartnerInput, Reward } from '../../lib/contract/index.ts';
import type { AppEnv } from '../platform/app.ts';
import { requirePermission } from '../accounts/operator-auth.ts';
import { readOutbox } from '../accounts/mail.ts';
import { badRequest, notFound, readJson } from '../platform/http.ts';
import { actionContext } from './operator-context.ts';
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
