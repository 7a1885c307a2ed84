/**
 * The partner side of the API: shops report their orders (placed) and what
 * became of them (confirmed, returned, cancelled). No member token; the partner names itself
 * and signs each request with its secret (DESIGN.md, "Partner signatures").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import { ConfirmationRequest, ConfirmationResult } from '../../lib/contract/index.ts';
import type { AppEnv, Deps } from '../platform/app.ts';
import { getPartner } from '../catalog/catalog.ts';
import { badRequest, describeIssues, requireJsonContentType, unauthorized, unstorableTextMessage } from '../platform/http.ts';
import { isUnstorableText, unstorableTextPath } from '../../lib/contract/storable.ts';
import { applyPartnerReport } from '../operator/partner-reports.ts';
import { enforce, rateLimitHeaders } from '../platform/ratelimit.ts';

/** How far a request's timestamp may be from the server's clock, either way. */
export const SIGNATURE_WINDOW_SECONDS = 300;
/** Used signatures are remembered this long: well past the window, after which the timestamp alone refuses them. */
const SIGNATURE_MEMORY_MS = 60 * 60 * 1000;
/** About one request in this many prunes forgotten signatures, so no request pays for it every time. */
const PRUNE_ONE_IN = 64;

export const PARTNER_HEADER = 'X-Sammelpunkt-Partner';
export const TIMESTAMP_HEADER = 'X-Sammelpunkt-Timestamp';
export const SIGNATURE_HEADER = 'X-Sammelpunkt-Signature';
/** Unix seconds have at most this many digits until the year 33658. */
export const MAX_TIMESTAMP_DIGITS = 12;
const TIMESTAMP_SHAPE = new RegExp(`^\\d{1,${MAX_TIMESTAMP_DIGITS}}$`);

type ConfirmationOrder = z.infer<typeof ConfirmationRequest>['orders'][number];
type OrderResult = z.infer<typeof ConfirmationResult>;

/** The signature a partner sends for a body at a timestamp: `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function signConfirmation(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Authenticates the request and returns the partner's id. Every refusal is a
 * 401 whose message says what to fix; an unknown partner and a wrong
 * signature read alike, so the answer does not reveal which partner ids exist.
 */
async function authenticate(c: Context<AppEnv>, rawBody: string): Promise<string> {
  const { db, now } = c.get('deps');
  const partnerId = c.req.header(PARTNER_HEADER) ?? '';
  const timestamp = c.req.header(TIMESTAMP_HEADER) ?? '';
  const signature = c.req.header(SIGNATURE_HEADER) ?? '';
  if (!partnerId || !signature) throw unauthorized(`Both ${PARTNER_HEADER} and ${SIGNATURE_HEADER} are required`);
  if (!TIMESTAMP_SHAPE.test(timestamp)) throw unauthorized(`${TIMESTAMP_HEADER} must be the time in unix seconds`);
  const skewSeconds = Math.abs(now().getTime() / 1000 - Number(timestamp));
  if (skewSeconds > SIGNATURE_WINDOW_SECONDS) {
    throw unauthorized(`${TIMESTAMP_HEADER} is more than ${SIGNATURE_WINDOW_SECONDS} s away from the server's clock`);
  }
  const record = await getPartner(db, partnerId);
  // Without the partner, compare against a throwaway key so both refusals take the same path.
  const expected = signConfirmation(record?.secret ?? 'no-such-partner', timestamp, rawBody);
  if (!signatureMatches(expected, signature) || !record) throw unauthorized('The signature does not match this partner and body');
  return partnerId;
}

/** Remembers a signature; false when it was already used (a replay). */
async function rememberSignature(deps: Deps, partnerId: string, signature: string): Promise<boolean> {
  const now = deps.now();
  if (Math.random() * PRUNE_ONE_IN < 1) {
    await deps.db.query('DELETE FROM partner_signatures WHERE created_at < $1', [new Date(now.getTime() - SIGNATURE_MEMORY_MS).toISOString()]);
  }
  const rows = await deps.db.query(
    `INSERT INTO partner_signatures (partner_id, signature, created_at) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [partnerId, signature, now.toISOString()],
  );
  return rows.length === 1;
}

/** Applies one order's report in its own transaction, so one bad order never undoes the others. */
async function applyOrder(deps: Deps, partnerId: string, order: ConfirmationOrder): Promise<OrderResult> {
  const at = deps.now();
  const outcome = await deps.db.transaction((tx) => applyPartnerReport(tx, partnerId, order, at));
  return { orderId: order.orderId, ...outcome };
}

/**
 * One order of a report, independent of the others: text PostgreSQL cannot
 * store is `invalid` naming the field, and an order that fails anyway is
 * answered `invalid` (and logged) rather than stopping the orders after it.
 */
async function applyOrderAlone(deps: Deps, partnerId: string, order: ConfirmationOrder): Promise<OrderResult> {
  const orderId = isUnstorableText(order.orderId) ? '' : order.orderId;
  const unstorable = unstorableTextPath(order);
  if (unstorable !== undefined) return { orderId, status: 'invalid', reason: `invalid: ${unstorableTextMessage(unstorable)}` };
  try {
    return await applyOrder(deps, partnerId, order);
  } catch (err) {
    deps.log({ time: deps.now().toISOString(), level: 'error', msg: 'partner report: one order failed', partnerId, error: String(err) });
    return { orderId, status: 'invalid', reason: 'internal_error' };
  }
}

export const partnerApi = new Hono<AppEnv>();

partnerApi.post('/confirmations', async (c) => {
  const deps = c.get('deps');
  requireJsonContentType(c);
  // The signature covers the exact bytes sent, so it is checked before any parsing.
  const rawBody = await c.req.text();
  const partnerId = await authenticate(c, rawBody);
  // A replay is refused before it counts, so nobody who saw one request can spend the partner's allowance.
  if (!(await rememberSignature(deps, partnerId, c.req.header(SIGNATURE_HEADER) ?? ''))) {
    throw unauthorized('This signature was already used (replayed); sign each request afresh');
  }
  const limit = await enforce(deps.db, `partner:${partnerId}`, deps.env.RATE_LIMIT_PARTNER_PER_MIN, 60, deps.now(), 'partner');
  // Set before the body is read, so a refused body tells the partner its allowance too.
  for (const [name, value] of Object.entries(rateLimitHeaders(limit, 'partner'))) c.header(name, value);

  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  const parsed = ConfirmationRequest.safeParse(json);
  if (!parsed.success) throw badRequest(`Invalid request body: ${describeIssues(parsed.error)}`);

  const results: OrderResult[] = [];
  for (const order of parsed.data.orders) results.push(await applyOrderAlone(deps, partnerId, order));
  return c.json({ results }, 200);
});
