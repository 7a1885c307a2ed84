/**
 * `GET /openapi.json`: an OpenAPI 3.1 document generated from the contract's
 * zod schemas, so the document cannot drift from what the server validates.
 * OpenAPI 3.1 speaks JSON Schema 2020-12, which is what `z.toJSONSchema`
 * writes.
 */
import * as z from 'zod/mini';
import * as contract from '../../lib/contract/index.ts';

type Security = 'member' | 'admin' | 'partner' | 'none';

interface Endpoint {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Hono's path syntax (`:id`); turned into OpenAPI's `{id}`. */
  path: string;
  summary: string;
  /** The rules a client must know beyond the schemas (CommonMark). */
  description?: string;
  security: Security;
  /** The contract schema of the JSON request body (validated in its input form). */
  body?: string;
  /** Extra request headers the endpoint requires. */
  headers?: { name: string; description: string }[];
  query?: { name: string; description: string }[];
  /** Success status and the contract schema of its body (none for an empty answer). */
  success: { status: number; schema?: string; description: string };
  /** A second success status with the same body (e.g. 200 for an update beside 201 for a creation). */
  alsoSuccess?: { status: number; description: string };
  /** Refusals, answered in the error envelope. */
  errors: number[];
}

/** DESIGN.md's valuation rules (docs/valuation.md), as the document states them. */
const VALUATION =
  "Points are integers: valuate(amountMinor, terms) = floor(amountMinor × points × best multiplier % × tier % / (per × 10^e × 100 × 100)) + bonuses, " +
  'where e is the currency\'s ISO 4217 minor-unit exponent (EUR 2, JPY 0, KWD 3) and the terms (earn rate, exponent, tier, the offers in force with their minimums) ' +
  'are frozen when the purchase is booked, at the moment the order was placed. Every later change of the amount in force (a confirmation at the partner\'s amount, ' +
  'higher or lower; a partial return) is revalued from those terms: an offer whose minimum the new amount misses no longer applies, and a change of the ' +
  'partner\'s rate or of an offer never touches booked points. Tiers count base points (rate only) of confirmed purchases.';

const PARTNER_REPORTS = [
  'Each order is applied on its own; `amountMinor` is the amount that stands after the report.',
  '',
  '- `placed` (with `amountMinor`): the partner\'s record that the order exists. It vouches for a member\'s purchase of that order, also one that arrives later. Nothing is ever confirmed on the member\'s word alone: at the end of the hold period, a partner with `autoConfirm` (default false) has its pending purchases confirmed only when the order was reported `placed`, at the lower of the two amounts. Purchases never vouched for stay pending, are flagged for the operator, and are rejected `not_confirmed_by_shop` 30 days after their hold ended.',
  '- `confirmed`: the pending purchase is confirmed (at `amountMinor` when given).',
  '- `returned`: a partial return with `amountMinor`, everything without it.',
  '- `cancelled`: rejected while pending, reversed once confirmed.',
  '- `customerEmailSha256` (any status): hex SHA-256 of the buyer\'s trimmed, lower-cased email. Only the member whose email hashes to it can be confirmed; another member\'s purchase of the order is rejected `not_the_buyer`. Without it, an order two members sent (`contested`) is left to the operator.',
  '- A member\'s amount more than 10 % and 5.00 above the partner\'s is confirmed at the partner\'s amount and flagged for review.',
  '- An order the partner never had is `unknown` (kept for the operator); a `placed` report for an order no member sent yet is `applied` with reason `kept_for_purchase`.',
  '',
  "Valuation: with an amount, higher or lower than the member's, the partner's amount stands and the points are revalued from the purchase's frozen terms (above 1,000,000.00 or zero is `invalid`, reason `amount_too_large` or `zero_amount_confirmation`); with `orderedAt` on a `confirmed` report, the terms are those of that moment (in the future is `invalid`, `ordered_in_future`). " + VALUATION,
].join('\n');

const INGEST_RULES = [
  'One result per item, in order; one bad item never loses the others.',
  '',
  '- Order ids are compared after normalisation: Unicode NFKC, trimmed, and upper-cased unless the partner set `orderIdCaseSensitive`; ids holding control or format characters (zero-width, bidi) are `rejected` (`invalid: orderId: …`). The purchase carries the normalised id.',
  '- The same order from the same member under a new id (a second device) is `duplicate`. From another member it is `accepted` with reason `contested`: both purchases are then held `pending` with reason `contested` (under review, never available) until the partner\'s report names the buyer (`customerEmailSha256`) or the operator decides.',
  '- An order the partner already reported with another buyer\'s email hash is `rejected` with reason `not_the_buyer`.',
  '- A purchase that trips a velocity or anomaly limit (on by default, per partner overridable) is still `accepted` and `pending`, with the limit as its `reason` (`velocity_per_day`, `velocity_per_week`, `amount_per_day`, `repeated_amount`, `held_for_review`, `order_id_pattern`, `high_rejected_share`): held for the operator\'s review, never dropped.',
  '- Every accepted purchase is `pending`; it becomes available only on the partner\'s word (a `confirmed` report, or a `placed` report and the end of the hold at an auto-confirm partner).',
  '',
  'Each accepted purchase is booked with its frozen terms. ' + VALUATION,
].join('\n');

const CURSOR = [{ name: 'cursor', description: 'The cursor from the previous answer; omit for the start' }];

/** Every endpoint of DESIGN.md's contract table. */
export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'post', path: '/v1/auth/register', summary: 'Create a member account and a first device token; a code to confirm the email is mailed. Answered alike for an email that has an account (that account is untouched; its owner gets a mail)', security: 'none', body: 'Registration', success: { status: 201, schema: 'AuthResponse', description: 'The new member (emailVerified false) and its token' }, errors: [400, 413, 429] },
  { method: 'post', path: '/v1/auth/login', summary: 'Sign in: a new token for this device', security: 'none', body: 'Credentials', success: { status: 200, schema: 'AuthResponse', description: 'The member and a new token' }, errors: [400, 401, 413, 429] },
  { method: 'post', path: '/v1/auth/logout', summary: 'Revoke the token of this request', security: 'member', success: { status: 204, description: 'The token is revoked' }, errors: [401] },
  { method: 'post', path: '/v1/auth/logout-all', summary: 'Sign out everywhere: revoke every token of the member', security: 'member', success: { status: 204, description: 'Every token is revoked' }, errors: [401] },
  { method: 'post', path: '/v1/auth/verify-email', summary: 'Confirm the email with the mailed six-digit code (5 tries a code)', security: 'member', body: 'VerifyEmailRequest', success: { status: 200, schema: 'VerifyEmailResponse', description: 'The member, emailVerified true' }, errors: [400, 401, 413] },
  { method: 'post', path: '/v1/auth/verify-email/resend', summary: 'Mail a new verification code', security: 'member', success: { status: 202, description: 'A code is on its way (if the email is not verified yet)' }, errors: [401, 429] },
  { method: 'post', path: '/v1/auth/password', summary: 'Change the password (the current one is asked); every other device is signed out', security: 'member', body: 'PasswordChange', success: { status: 204, description: 'Changed' }, errors: [400, 401, 403, 413] },
  { method: 'post', path: '/v1/auth/password-reset', summary: 'Mail a password reset code; answered alike whether or not the email has an account', security: 'none', body: 'PasswordResetRequest', success: { status: 202, description: 'A code is on its way if the email has an account' }, errors: [400, 413, 429] },
  { method: 'post', path: '/v1/auth/password-reset/confirm', summary: 'Set a new password with the mailed code; every device is signed out', security: 'none', body: 'PasswordReset', success: { status: 204, description: 'The new password is set' }, errors: [400, 413, 429] },
  { method: 'get', path: '/v1/partners', summary: 'The partner catalogue (with ETag; 304 on If-None-Match)', security: 'none', headers: [{ name: 'If-None-Match', description: 'The ETag of the catalogue the client holds' }], success: { status: 200, schema: 'Catalog', description: 'The catalogue' }, errors: [429] },
  { method: 'get', path: '/v1/offers', summary: "Offers for this member's tier and segment", security: 'member', success: { status: 200, schema: 'Offers', description: 'The running and upcoming offers' }, errors: [401, 429] },
  { method: 'post', path: '/v1/purchases', summary: 'Batch ingest of up to 100 detected purchases', description: INGEST_RULES, security: 'member', body: 'IngestBody', success: { status: 200, schema: 'IngestResponse', description: 'One result per purchase, in order' }, errors: [400, 401, 413, 429] },
  { method: 'post', path: '/v1/purchases/:id/claim', summary: 'A missing-points claim backed by the local receipt', security: 'member', body: 'ClaimRequest', success: { status: 201, schema: 'ClaimResponse', description: 'The claim, open for review' }, alsoSuccess: { status: 200, description: 'The claim already made for this purchase' }, errors: [400, 401, 404, 409, 413, 429] },
  { method: 'get', path: '/v1/me', summary: 'The member, tier and balance', security: 'member', success: { status: 200, schema: 'Me', description: 'The member' }, errors: [401, 429] },
  { method: 'get', path: '/v1/me/sync', summary: 'Balance, purchases changed since the cursor and catalogue versions', security: 'member', query: CURSOR, success: { status: 200, schema: 'SyncResponse', description: 'Changes since the cursor' }, errors: [400, 401, 429] },
  { method: 'get', path: '/v1/me/transactions', summary: 'Ledger entries, newest first, paged', security: 'member', query: CURSOR, success: { status: 200, schema: 'TransactionsPage', description: 'One page of entries' }, errors: [400, 401, 429] },
  { method: 'get', path: '/v1/me/export', summary: 'GDPR access: everything stored about the member', security: 'member', success: { status: 200, description: 'The member, purchases, ledger, redemptions and claims' }, errors: [401, 429] },
  { method: 'delete', path: '/v1/me', summary: 'GDPR erasure with the password asked again: personal data cleared, tokens revoked; an unpaid debt is kept under a hash of the email and inherited by a new account with it', security: 'member', body: 'ErasureRequest', success: { status: 204, description: 'The member is erased' }, errors: [400, 401, 403, 429] },
  { method: 'get', path: '/v1/rewards', summary: 'Active rewards', security: 'member', success: { status: 200, schema: 'Rewards', description: 'The rewards points can buy' }, errors: [401, 429] },
  { method: 'post', path: '/v1/redemptions', summary: 'Spend points on a reward (idempotent by key)', security: 'member', body: 'RedemptionRequest', headers: [{ name: 'Idempotency-Key', description: '1–200 characters; the same key and body replay the first answer, another body is a 409' }], success: { status: 201, schema: 'RedemptionResponse', description: 'The redemption' }, errors: [400, 401, 403, 404, 409, 413, 429] },
  { method: 'post', path: '/v1/partner-api/confirmations', summary: "A partner's reports on its orders: placed, confirmed, returned, cancelled", description: PARTNER_REPORTS, security: 'partner', body: 'ConfirmationRequest', headers: [{ name: 'X-Sammelpunkt-Timestamp', description: 'Unix seconds; at most 300 s from the server clock, and part of what is signed' }], success: { status: 200, schema: 'ConfirmationResponse', description: 'One result per order, in order' }, errors: [400, 401, 413, 429] },
  { method: 'post', path: '/v1/detection-reports', summary: 'Detection health: anonymous counts of partner pages with evidence of an order that was not recorded automatically (summed per partner, day, detector version and reason; the token only keys the rate limit, nothing about the member is stored)', security: 'member', body: 'DetectionReportsRequest', success: { status: 202, schema: 'DetectionReportsResponse', description: 'Every report was counted' }, errors: [400, 401, 413, 415, 422, 429] },
  { method: 'get', path: '/health', summary: 'Liveness and database check', security: 'none', success: { status: 200, schema: 'Health', description: '{"status":"ok"}; 503 {"status":"unavailable"} without a database' }, errors: [] },
  { method: 'get', path: '/ready', summary: 'Readiness for a load balancer: the database answers and the process is not shutting down', security: 'none', success: { status: 200, schema: 'Readiness', description: '{"status":"ready"}' }, errors: [] },
  { method: 'get', path: '/openapi.json', summary: 'This document', security: 'none', success: { status: 200, description: 'OpenAPI 3.1' }, errors: [] },
  { method: 'get', path: '/v1/admin/detection-health', summary: 'Detection health per partner and day: recorded automatically, member-confirmed, evidence without record; flags partners whose automatic rate dropped', security: 'admin', query: [{ name: 'days', description: 'Days shown, up to and including today (UTC); 1 to 366, default 14' }], success: { status: 200, schema: 'DetectionHealth', description: 'The figures and the drop flag per partner' }, errors: [400, 401, 403] },
  { method: 'get', path: '/v1/admin/outbox', summary: 'The mails the server would have sent (no mail transport configured), newest first', security: 'admin', query: [{ name: 'to', description: 'Only the mails to this address' }], success: { status: 200, schema: 'OutboxResponse', description: 'Up to 100 mails' }, errors: [400, 401, 403, 429] },
  { method: 'put', path: '/v1/admin/partners/:id', summary: 'Create or replace a partner', description: '`earn` {points, per}: points per `per` major units of `currency`, one of the ISO 4217 codes that have a minor unit. A new rate applies to purchases booked from now on; booked ones keep the rate frozen with them.', security: 'admin', body: 'PartnerInput', success: { status: 201, schema: 'PartnerResponse', description: 'Created: the partner as the catalogue shows it' }, alsoSuccess: { status: 200, description: 'Replaced (or unchanged)' }, errors: [400, 401, 403, 413, 422] },
  { method: 'put', path: '/v1/admin/offers/:id', summary: 'Create or replace an offer', description: 'Multipliers do not stack (the highest whose minimum the amount meets wins); bonuses add. An offer is frozen with each purchase booked while it runs: replacing or ending it never changes booked points, and an offer limited per member gives its use back when a lower amount or the end of the order drops it.', security: 'admin', body: 'Offer', success: { status: 201, schema: 'OfferResponse', description: 'Created: the offer' }, alsoSuccess: { status: 200, description: 'Replaced (or unchanged)' }, errors: [400, 401, 403, 413, 422] },
  { method: 'put', path: '/v1/admin/rewards/:id', summary: 'Create or replace a reward', security: 'admin', body: 'Reward', success: { status: 201, schema: 'RewardResponse', description: 'Created: the reward' }, alsoSuccess: { status: 200, description: 'Replaced (or unchanged)' }, errors: [400, 401, 403, 413, 422] },
];

/** The schemas the document names, from the contract (plus the few shapes only the server describes). */
const SCHEMAS: Record<string, z.ZodMiniType> = {
  Credentials: contract.Credentials,
  Registration: contract.Registration,
  AuthResponse: contract.AuthResponse,
  VerifyEmailRequest: contract.VerifyEmailRequest,
  VerifyEmailResponse: contract.VerifyEmailResponse,
  PasswordChange: contract.PasswordChange,
  PasswordResetRequest: contract.PasswordResetRequest,
  PasswordReset: contract.PasswordReset,
  ErasureRequest: contract.ErasureRequest,
  OutboxResponse: contract.OutboxResponse,
  Catalog: contract.Catalog,
  Offers: contract.Offers,
  // The ingest body as the extension sends it; the server checks the items one by one.
  IngestBody: z.object({ purchases: z.array(contract.PurchaseIn).check(z.minLength(1), z.maxLength(contract.MAX_BATCH)) }),
  IngestResponse: contract.IngestResponse,
  ClaimRequest: contract.ClaimRequest,
  ClaimResponse: contract.ClaimResponse,
  Me: contract.Me,
  SyncResponse: contract.SyncResponse,
  TransactionsPage: contract.TransactionsPage,
  Rewards: contract.Rewards,
  RedemptionRequest: contract.RedemptionRequest,
  RedemptionResponse: contract.RedemptionResponse,
  ConfirmationRequest: contract.ConfirmationRequest,
  ConfirmationResponse: contract.ConfirmationResponse,
  PartnerInput: contract.PartnerInput,
  Partner: contract.Partner,
  Offer: contract.Offer,
  Reward: contract.Reward,
  PartnerResponse: z.object({ partner: contract.Partner }),
  OfferResponse: z.object({ offer: contract.Offer }),
  RewardResponse: z.object({ reward: contract.Reward }),
  Health: z.object({ status: z.enum(['ok', 'unavailable']) }),
  Readiness: z.object({ status: z.enum(['ready', 'draining', 'unavailable']) }),
  DetectionReportsRequest: contract.DetectionReportsRequest,
  DetectionReportsResponse: contract.DetectionReportsResponse,
  DetectionHealth: contract.DetectionHealth,
  ErrorEnvelope: contract.ErrorEnvelope,
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input',
  401: 'Missing or invalid credentials',
  403: 'Not allowed (operator routes without ADMIN_TOKEN)',
  404: 'Not found',
  409: 'Conflict',
  422: 'Well-formed but refers to something that does not exist',
  413: 'Request body over 64 KB',
  415: 'The body is not sent as Content-Type: application/json',
  429: 'Rate limited; see Retry-After',
};

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: JsonObject) => ({ 'application/json': { schema } });
const SECURITY: Record<Security, JsonObject[]> = {
  member: [{ bearer: [] }],
  admin: [{ adminBearer: [] }],
  partner: [{ partnerSignature: [], partnerId: [] }],
  none: [],
};

function operation(e: Endpoint): JsonObject {
  const pathParams = [...e.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const parameters = [
    ...pathParams,
    ...(e.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: { type: 'string' } })),
    ...(e.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.name !== 'If-None-Match', description: h.description, schema: { type: 'string' } })),
  ];
  const responses: JsonObject = {
    [e.success.status]: { description: e.success.description, ...(e.success.schema ? { content: jsonContent(ref(e.success.schema)) } : {}) },
  };
  if (e.alsoSuccess) responses[e.alsoSuccess.status] = { description: e.alsoSuccess.description, ...(e.success.schema ? { content: jsonContent(ref(e.success.schema)) } : {}) };
  if (e.path === '/v1/partners') responses['304'] = { description: 'Not modified since the ETag given' };
  if (e.path === '/health') responses['503'] = { description: 'The database is unreachable', content: jsonContent(ref('Health')) };
  if (e.path === '/ready') responses['503'] = { description: 'Shutting down (`draining`) or the database is unreachable (`unavailable`)', content: jsonContent(ref('Readiness')) };
  // Every endpoint that takes a body takes JSON only.
  const errors = e.body && !e.errors.includes(415) ? [...e.errors, 415].sort((a, b) => a - b) : e.errors;
  for (const status of errors) responses[status] = { description: ERROR_TEXT[status] ?? 'Error', content: jsonContent(ref('ErrorEnvelope')) };
  return {
    operationId: `${e.method}${e.path.replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    security: SECURITY[e.security],
    ...(parameters.length ? { parameters } : {}),
    ...(e.body ? { requestBody: { required: true, content: jsonContent(ref(e.body)) } } : {}),
    responses,
  };
}

/**
 * Builds the document. Request bodies are described in their input form
 * (fields with defaults are optional), answers in their output form; no
 * schema is both, so each keeps its contract name.
 */
export function buildOpenApi(): JsonObject {
  const bodies = new Set(ENDPOINTS.flatMap((e) => (e.body ? [e.body] : [])));
  const schemas: JsonObject = {};
  for (const [name, schema] of Object.entries(SCHEMAS)) schemas[name] = jsonSchema(schema, bodies.has(name) ? 'input' : 'output');
  const paths: Record<string, JsonObject> = {};
  for (const e of ENDPOINTS) {
    const path = e.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [e.method]: operation(e) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sammelpunkt sync API',
      version: '1',
      description: 'The loyalty programme API behind the Sammelpunkt browser extension. Errors share one envelope: {"error":{"code","message","requestId"}}.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A member device token from register or login' },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'The operator token (ADMIN_TOKEN)' },
        partnerId: { type: 'apiKey', in: 'header', name: 'X-Sammelpunkt-Partner', description: 'The partner id' },
        partnerSignature: { type: 'apiKey', in: 'header', name: 'X-Sammelpunkt-Signature', description: 'sha256= + hex HMAC-SHA256(partner secret, `<X-Sammelpunkt-Timestamp>.<raw body>`); each signature is accepted once' },
      },
    },
  };
}
