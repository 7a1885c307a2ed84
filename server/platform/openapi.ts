/**
 * `GET /openapi.json`: an OpenAPI 3.1 document generated from the contract's
 * zod schemas, so the document cannot drift from what the server validates.
 * OpenAPI 3.1 speaks JSON Schema 2020-12, which is what `z.toJSONSchema`
 * writes.
 */
import { maxHeaderSize } from 'node:http';
import * as z from 'zod/mini';
import * as contract from '../../lib/contract/index.ts';
import { DEFAULT_HEALTH_DAYS, MAX_HEALTH_DAYS } from '../catalog/detection-health.ts';
import { EXTENSION_ORIGIN_SHAPE } from './env.ts';
// The limits routes enforce on parameters and page sizes are their own
// constants, imported here so the document states the very numbers the
// routes check (test/server/openapi-limits.test.ts compares them).
import { CATALOG_LIST_MAX, OUTBOX_PAGE, OutboxRecipient } from '../routes/admin.ts';
import { MAX_CURSOR_DIGITS, SYNC_PAGE, TRANSACTIONS_DEFAULT, TRANSACTIONS_MAX } from '../routes/me.ts';
import { MAX_TIMESTAMP_DIGITS, SIGNATURE_WINDOW_SECONDS } from '../routes/partner-api.ts';
import { PurchaseId } from '../routes/purchases.ts';
import * as consoleContract from '../../lib/contract/console.ts';
import { AUDIT_EXPORT_MAX } from '../routes/admin-operators.ts';
import { MEMBER_PURCHASES, QUEUE_PAGE } from '../routes/admin-operations.ts';
import { MEMBER_LEDGER_PAGE } from '../operator/members.ts';
import { MAX_KEY_LENGTH } from '../routes/rewards.ts';

type Security = 'member' | 'admin' | 'console' | 'partner' | 'none';

/**
 * How the endpoint is rate limited, which decides the headers its answers
 * carry (see `rateLimitHeaders` in ratelimit.ts):
 * - `member`: the per-member limit; `RateLimit` and `RateLimit-Policy` on
 *   every answer once the token is accepted, and a 429 with `Retry-After`;
 * - `partner`: the same per partner, once the signature is accepted;
 * - `refusal`: limits of its own (per address, per account, wrong operator
 *   tokens) whose fields come with the 429 only;
 * - `none`: not rate limited.
 * `.spectral.yaml` lists the `refusal` and `none` endpoints as exceptions.
 */
type RateLimiting = 'member' | 'partner' | 'refusal' | 'none';

type JsonObject = Record<string, unknown>;

interface Parameter {
  name: string;
  description: string;
  /** The JSON Schema of the value, with the limits the route enforces. */
  schema: JsonObject;
  required?: boolean;
}

/** The referral rules, as the server enforces them (docs/referrals.md). */
const REFERRAL_RULES =
  'A `referralCode` links the new member to a friend. Both get the referral bonus (`REFERRAL_BONUS_POINTS`, default 500) ' +
  'when the new member\'s first purchase of at least `REFERRAL_MIN_AMOUNT` (default 10.00 in the purchase\'s currency, worth at least one point) ' +
  'is confirmed: pending until that purchase\'s hold has ended, then available; taken back if the purchase is returned. ' +
  'Once per email ever (plus-tags and, at gmail.com/googlemail.com, dots ignored; erased accounts count); not for the referrer\'s own email ' +
  'or a throw-away address; held for the operator\'s review when the account was created from the referrer\'s own network within a day.';

interface Endpoint {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono's path syntax (`:id`); turned into OpenAPI's `{id}`. */
  path: string;
  summary: string;
  /** The rules a client must know beyond the schemas (CommonMark). */
  description?: string;
  security: Security;
  rateLimit: RateLimiting;
  /** The contract schema of the JSON request body (validated in its input form). */
  body?: string;
  /** The path's `:id`, when it has one. */
  pathId?: Parameter;
  /** Extra request headers the endpoint reads. */
  headers?: Parameter[];
  query?: Parameter[];
  /** Success status and the contract schema of its body (none for an empty answer). */
  success: { status: number; schema?: string; description: string };
  /** Answers 304 to an `If-None-Match` naming its current ETag. */
  notModified?: true;
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

const MISSION_RULES =
  'Missions (docs/missions.md): time-limited challenges the operator defines. A purchase counts when it was placed (`detectedAt`) within the mission\'s window and is pending or confirmed; ' +
  '`distinct-partners` counts partners, `purchase-count` purchases, `spend` the amounts in force in one currency, `category-purchase` a purchase in a partner category (with `first`, only for a member who never bought in it before). ' +
  'The bonus is booked once per member and mission (`mission_bonus`, available) when the mission holds on confirmed purchases alone, and taken back (`mission_bonus_reversal`) when a return or cancellation makes it no longer hold. ' +
  '`progress` counts pending and confirmed purchases, `confirmedProgress` confirmed ones; `completed` says the bonus is booked. ';

const EXPIRY_RULES =
  'Points expiry (docs/expiry.md): confirmed points expire at the end of the month `POINTS_EXPIRY_MONTHS` (default 36; 0: never) after they became available, ' +
  'per earning entry, unless spent first. Spending and every other debit use the oldest points first; points already spent never expire, and an expiry never takes ' +
  'the available balance below zero. The scheduler books each expiry as a ledger entry of its own (`expiry`), at most once per earning entry. A return of a purchase ' +
  'whose points partly expired gives the expired part back first (`expiry_reinstated`), so no point is lost twice. `expiry.upcoming` in the sync answer lists what ' +
  'expires within the next 12 months, one item per last spendable day (UTC), soonest first.';

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

/**
 * Node refuses a request whose headers together pass `http.maxHeaderSize`
 * (431) before the app sees it: the bound of a header the app only compares.
 */
const MAX_HEADER_LENGTH = maxHeaderSize;
const IF_NONE_MATCH = (what: string): Parameter => ({
  name: 'If-None-Match',
  description: `The ETag of the ${what} the client holds`,
  schema: { type: 'string', maxLength: MAX_HEADER_LENGTH },
  required: false,
});
/** A string of 1 to `max` digits. */
const digits = (max: number): JsonObject => ({ type: 'string', pattern: `^\\d{1,${max}}$`, maxLength: max });
const CURSOR: Parameter = { name: 'cursor', description: 'The cursor from the previous answer; omit for the start', schema: digits(MAX_CURSOR_DIGITS) };
const SLUG_ID = (what: string): Parameter => ({ name: 'id', description: `The ${what}'s id; the same as \`id\` in the body`, schema: jsonSchema(contract.Slug, 'input') });

const UUID_ID = (what: string): Parameter => ({ name: 'id', description: `The ${what}'s id`, schema: { type: 'string', format: 'uuid', maxLength: 36 } });
const CSRF: Parameter = { name: 'X-CSRF-Token', description: 'The csrfToken of sign-in or GET /v1/console/me', schema: { type: 'string', maxLength: 100 } };
const CSRF_IF_SESSION: Parameter = { ...CSRF, description: 'With the console session: its csrfToken (else 403 `csrf_refused`); not needed with the ADMIN_TOKEN', required: false };
const AUDIT_QUERY: Parameter[] = [
  { name: 'action', description: 'Only this action, e.g. claim.approved', schema: { type: 'string', enum: [...consoleContract.AUDIT_ACTIONS] } },
  { name: 'actor', description: 'Only this actor: an operator email, `token`, or `cli:<user>`', schema: { type: 'string', maxLength: 254 } },
  { name: 'targetType', description: 'Only targets of this type (partner, offer, claim, purchase, member, operator, …)', schema: { type: 'string', maxLength: 254 } },
  { name: 'targetId', description: 'Only this target', schema: { type: 'string', maxLength: 254 } },
  { name: 'from', description: 'Entries at or after this time', schema: { type: 'string', format: 'date-time', maxLength: 35 } },
  { name: 'to', description: 'Entries before this time', schema: { type: 'string', format: 'date-time', maxLength: 35 } },
  { name: 'cursor', description: 'nextCursor of the page before', schema: digits(18) },
  { name: 'limit', description: `Entries per page, default ${consoleContract.AUDIT_PAGE_DEFAULT}`, schema: { type: 'integer', minimum: 1, maximum: consoleContract.AUDIT_PAGE_MAX } },
];

/** Every endpoint of DESIGN.md's contract table. */
export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'post', path: '/v1/auth/register', summary: 'Create a member account and a first device token; a code to confirm the email is mailed. Answered alike for an email that has an account (that account is untouched; its owner gets a mail)', description: REFERRAL_RULES, security: 'none', rateLimit: 'refusal', body: 'Registration', success: { status: 201, schema: 'AuthResponse', description: 'The new member (emailVerified false) and its token' }, errors: [400, 413, 429] },
  { method: 'post', path: '/v1/auth/login', summary: 'Sign in: a new token for this device', security: 'none', rateLimit: 'refusal', body: 'Credentials', success: { status: 200, schema: 'AuthResponse', description: 'The member and a new token' }, errors: [400, 401, 413, 429] },
  { method: 'post', path: '/v1/auth/logout', summary: 'Revoke the token of this request', security: 'member', rateLimit: 'none', success: { status: 204, description: 'The token is revoked' }, errors: [401] },
  { method: 'post', path: '/v1/auth/logout-all', summary: 'Sign out everywhere: revoke every token of the member', security: 'member', rateLimit: 'none', success: { status: 204, description: 'Every token is revoked' }, errors: [401] },
  { method: 'post', path: '/v1/auth/verify-email', summary: 'Confirm the email with the mailed six-digit code (5 tries a code)', security: 'member', rateLimit: 'none', body: 'VerifyEmailRequest', success: { status: 200, schema: 'VerifyEmailResponse', description: 'The member, emailVerified true' }, errors: [400, 401, 413] },
  { method: 'post', path: '/v1/auth/verify-email/resend', summary: 'Mail a new verification code', security: 'member', rateLimit: 'refusal', success: { status: 202, description: 'A code is on its way (if the email is not verified yet)' }, errors: [401, 429] },
  { method: 'post', path: '/v1/auth/password', summary: 'Change the password (the current one is asked); every other device is signed out', security: 'member', rateLimit: 'none', body: 'PasswordChange', success: { status: 204, description: 'Changed' }, errors: [400, 401, 403, 413] },
  { method: 'post', path: '/v1/auth/password-reset', summary: 'Mail a password reset code; answered alike whether or not the email has an account', security: 'none', rateLimit: 'refusal', body: 'PasswordResetRequest', success: { status: 202, description: 'A code is on its way if the email has an account' }, errors: [400, 413, 429] },
  { method: 'post', path: '/v1/auth/password-reset/confirm', summary: 'Set a new password with the mailed code; every device is signed out', security: 'none', rateLimit: 'refusal', body: 'PasswordReset', success: { status: 204, description: 'The new password is set' }, errors: [400, 413, 429] },
  { method: 'get', path: '/v1/partners', summary: 'The partner catalogue (with ETag; 304 on If-None-Match)', security: 'none', rateLimit: 'none', headers: [IF_NONE_MATCH('catalogue')], notModified: true, success: { status: 200, schema: 'Catalog', description: 'The catalogue' }, errors: [] },
  { method: 'get', path: '/v1/offers', summary: "Offers for this member's tier and segment (with ETag; 304 on If-None-Match)", security: 'member', rateLimit: 'member', headers: [IF_NONE_MATCH('offers')], notModified: true, success: { status: 200, schema: 'Offers', description: 'The running and upcoming offers' }, errors: [401, 429] },
  { method: 'post', path: '/v1/purchases', summary: 'Batch ingest of up to 100 detected purchases', description: INGEST_RULES, security: 'member', rateLimit: 'member', body: 'IngestBody', success: { status: 200, schema: 'IngestResponse', description: 'One result per purchase, in order' }, errors: [400, 401, 413, 429] },
  { method: 'post', path: '/v1/purchases/:id/claim', summary: 'A missing-points claim backed by the local receipt', security: 'member', pathId: { name: 'id', description: 'The purchase id the extension minted', schema: jsonSchema(PurchaseId, 'input') }, rateLimit: 'member', body: 'ClaimRequest', success: { status: 201, schema: 'ClaimResponse', description: 'The claim, open for review' }, alsoSuccess: { status: 200, description: 'The claim already made for this purchase' }, errors: [400, 401, 404, 409, 413, 429] },
  { method: 'get', path: '/v1/me', summary: 'The member, tier and balance, and the referral bonus\'s status', description: 'For a member who registered with a referral code, `referral` tells where the bonus stands: `waiting_for_purchase`, `pending` until `availableAt`, `earned`, `under_review`, `taken_back` or `not_eligible` (with a `reason`). An ineligible referral reads `waiting_for_purchase` until the email is verified. ' + REFERRAL_RULES, security: 'member', rateLimit: 'member', success: { status: 200, schema: 'Me', description: 'The member' }, errors: [401, 429] },
  { method: 'get', path: '/v1/me/sync', summary: 'Balance, purchases changed since the cursor, catalogue versions, the points about to expire and the member\'s missions', description: EXPIRY_RULES + ' ' + MISSION_RULES, security: 'member', rateLimit: 'member', query: [CURSOR], success: { status: 200, schema: 'SyncResponse', description: 'Changes since the cursor' }, errors: [400, 401, 429] },
  { method: 'get', path: '/v1/me/transactions', summary: 'Ledger entries, newest first, paged', security: 'member', rateLimit: 'member', query: [CURSOR, { name: 'limit', description: `Entries per page, default ${TRANSACTIONS_DEFAULT}`, schema: { type: 'integer', minimum: 1, maximum: TRANSACTIONS_MAX } }], success: { status: 200, schema: 'TransactionsPage', description: 'One page of entries' }, errors: [400, 401, 429] },
  { method: 'get', path: '/v1/me/export', summary: 'GDPR access: everything stored about the member', security: 'member', rateLimit: 'member', success: { status: 200, description: 'The member, purchases, ledger, redemptions and claims' }, errors: [401, 429] },
  { method: 'delete', path: '/v1/me', summary: 'GDPR erasure with the password asked again: personal data cleared, tokens revoked; an unpaid debt is kept under a hash of the email and inherited by a new account with it', security: 'member', rateLimit: 'member', body: 'ErasureRequest', success: { status: 204, description: 'The member is erased' }, errors: [400, 401, 403, 429] },
  { method: 'get', path: '/v1/rewards', summary: 'Active rewards', security: 'member', rateLimit: 'member', success: { status: 200, schema: 'Rewards', description: 'The rewards points can buy' }, errors: [401, 429] },
  { method: 'post', path: '/v1/redemptions', summary: 'Spend points on a reward (idempotent by key)', security: 'member', rateLimit: 'member', body: 'RedemptionRequest', headers: [{ name: 'Idempotency-Key', description: 'The same key and body replay the first answer, another body is a 409', schema: { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH } }], success: { status: 201, schema: 'RedemptionResponse', description: 'The redemption' }, errors: [400, 401, 403, 404, 409, 413, 429] },
  { method: 'post', path: '/v1/partner-api/confirmations', summary: "A partner's reports on its orders: placed, confirmed, returned, cancelled", description: PARTNER_REPORTS, security: 'partner', rateLimit: 'partner', body: 'ConfirmationRequest', headers: [{ name: 'X-Sammelpunkt-Timestamp', description: `Unix seconds; at most ${SIGNATURE_WINDOW_SECONDS} s from the server clock, and part of what is signed`, schema: digits(MAX_TIMESTAMP_DIGITS) }], success: { status: 200, schema: 'ConfirmationResponse', description: 'One result per order, in order' }, errors: [400, 401, 413, 429] },
  { method: 'post', path: '/v1/detection-reports', summary: 'Detection health: anonymous counts of partner pages with evidence of an order that was not recorded automatically (summed per partner, day, detector version and reason; the token only keys the rate limit, nothing about the member is stored)', security: 'member', rateLimit: 'member', body: 'DetectionReportsRequest', success: { status: 202, schema: 'DetectionReportsResponse', description: 'Every report was counted' }, errors: [400, 401, 413, 415, 422, 429] },
  { method: 'get', path: '/health', summary: 'Liveness and database check', security: 'none', rateLimit: 'none', success: { status: 200, schema: 'Health', description: '{"status":"ok"}; 503 {"status":"unavailable"} without a database' }, errors: [] },
  { method: 'get', path: '/ready', summary: 'Readiness for a load balancer: the database answers and the process is not shutting down', security: 'none', rateLimit: 'none', success: { status: 200, schema: 'Readiness', description: '{"status":"ready"}' }, errors: [] },
  { method: 'get', path: '/openapi.json', summary: 'This document', security: 'none', rateLimit: 'none', success: { status: 200, description: 'OpenAPI 3.1' }, errors: [] },
  { method: 'get', path: '/v1/admin/detection-health', summary: 'Detection health per partner and day: recorded automatically, member-confirmed, evidence without record; flags partners whose automatic rate dropped', security: 'admin', rateLimit: 'refusal', query: [{ name: 'days', description: `Days shown, up to and including today (UTC); default ${DEFAULT_HEALTH_DAYS}`, schema: { type: 'integer', minimum: 1, maximum: MAX_HEALTH_DAYS } }], success: { status: 200, schema: 'DetectionHealth', description: 'The figures and the drop flag per partner' }, errors: [400, 401, 403] },
  { method: 'get', path: '/v1/admin/points-liability', summary: 'The outstanding points liability and the breakage (expired points) per calendar month (UTC), and what members hold, owe and have pending now', description: EXPIRY_RULES, security: 'admin', rateLimit: 'refusal', query: [{ name: 'months', description: `Months shown, up to and including the current one; default ${contract.DEFAULT_LIABILITY_MONTHS}`, schema: { type: 'integer', minimum: 1, maximum: contract.MAX_LIABILITY_MONTHS } }], success: { status: 200, schema: 'PointsLiability', description: 'One row per month, oldest first' }, errors: [400, 401, 403] },
  { method: 'get', path: '/v1/admin/overview', summary: 'The programme’s KPIs over a period of whole UTC days (both ends included): active and new members, purchases and points booked, confirmation, rejection, repeat-purchase and redemption rates, breakage and the outstanding liability, in total and per day or week; role viewer and up', description: 'Purchases count by the time the order was detected (`detectedAt`), members by the time they registered, points by the time they were booked. Active members made at least one purchase in the period; repeat members two or more. The confirmation and rejection rates are shares of the period’s purchases as they stand now; the redemption rate is points redeemed per point issued in the period. Weeks start on Monday (UTC). ' + EXPIRY_RULES, security: 'admin', rateLimit: 'refusal', query: [{ name: 'from', description: `First day (UTC, YYYY-MM-DD); default ${consoleContract.DEFAULT_OVERVIEW_DAYS - 1} days before \`to\``, schema: { type: 'string', format: 'date' } }, { name: 'to', description: 'Last day (UTC, YYYY-MM-DD), included; default today', schema: { type: 'string', format: 'date' } }, { name: 'interval', description: `The charts' buckets; default day for periods up to ${consoleContract.OVERVIEW_DAILY_UP_TO_DAYS} days, week beyond`, schema: { type: 'string', enum: [...consoleContract.OVERVIEW_INTERVALS] } }], success: { status: 200, schema: 'ProgrammeOverview', description: `The totals and one bucket per day or week (a period is at most ${consoleContract.MAX_OVERVIEW_DAYS} days)` }, errors: [400, 401, 403, 429] },
  { method: 'get', path: '/v1/admin/outbox', summary: 'The mails the server would have sent, newest first; only while no SMTP_URL is set (404 otherwise)', security: 'admin', rateLimit: 'refusal', query: [{ name: 'to', description: 'Only the mails to this address', schema: jsonSchema(OutboxRecipient, 'input') }], success: { status: 200, schema: 'OutboxResponse', description: `Up to ${OUTBOX_PAGE} mails` }, errors: [400, 401, 403, 404, 429] },
  { method: 'get', path: '/v1/admin/partners', summary: 'The catalogue for the console: each partner with its fraud limits and its reliability whatever the sample (never the secret), by id; role viewer and up', security: 'admin', rateLimit: 'refusal', query: [{ name: 'q', description: 'Only partners whose id, name or a domain contains this (any case)', schema: { type: 'string', maxLength: 100 } }, { name: 'after', description: 'nextAfter of the page before', schema: jsonSchema(contract.Slug, 'input') }, { name: 'limit', description: `Partners per page, default ${consoleContract.PARTNER_PAGE_DEFAULT}`, schema: { type: 'integer', minimum: 1, maximum: consoleContract.PARTNER_PAGE_MAX } }], success: { status: 200, schema: 'AdminPartnerPage', description: 'One page of partners and the id to continue after' }, errors: [400, 401, 403, 429] },
  { method: 'patch', path: '/v1/admin/partners/:id', summary: 'Change the fields of a partner the console edits (name, category, domains, earn rate, hold days, auto-confirm); the secret, detection rules and limits stay as stored; role partner-manager or admin', pathId: { name: 'id', description: 'The partner id', schema: jsonSchema(contract.Slug, 'input') }, security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'PartnerEdit', success: { status: 200, schema: 'PartnerResponse', description: 'The partner as the catalogue shows it' }, errors: [400, 401, 403, 413, 422, 429] },
  { method: 'put', path: '/v1/admin/partners/:id', summary: 'Create or replace a partner', pathId: SLUG_ID('partner'), description: '`earn` {points, per}: points per `per` major units of `currency`, one of the ISO 4217 codes that have a minor unit. A new rate applies to purchases booked from now on; booked ones keep the rate frozen with them.', security: 'admin', rateLimit: 'refusal', body: 'PartnerInput', success: { status: 201, schema: 'PartnerResponse', description: 'Created: the partner as the catalogue shows it' }, alsoSuccess: { status: 200, description: 'Replaced (or unchanged)' }, errors: [400, 401, 403, 413, 422] },
  { method: 'get', path: '/v1/admin/missions', summary: 'Every mission, the latest start first, with how many members hold its bonus and how many had it taken back', description: MISSION_RULES, security: 'admin', rateLimit: 'refusal', success: { status: 200, schema: 'MissionList', description: 'The missions' }, errors: [401, 403] },
  { method: 'put', path: '/v1/admin/missions/:id', summary: 'Create or replace a mission', pathId: SLUG_ID('mission'), description: MISSION_RULES + 'A completion keeps the mission as it stood when it was booked: replacing or ending a mission never moves a bonus already booked; `active: false` stops new completions and hides it from members.', security: 'admin', rateLimit: 'refusal', body: 'Mission', success: { status: 201, schema: 'MissionResponse', description: 'Created: the mission' }, alsoSuccess: { status: 200, description: 'Replaced (or unchanged)' }, errors: [400, 401, 403, 413, 422] },
  { method: 'get', path: '/v1/admin/offers', summary: `Offers for the console: running and upcoming by start, or with include=ended every offer, newest end first (at most ${CATALOG_LIST_MAX}); role viewer and up`, security: 'admin', rateLimit: 'refusal', query: [{ name: 'include', description: '`ended`: the ended offers too', schema: { type: 'string', enum: ['ended'] } }], success: { status: 200, schema: 'AdminOffers', description: 'The offers' }, errors: [400, 401, 403, 429] },
  { method: 'get', path: '/v1/admin/rewards', summary: `Every reward, active or not, by id (at most ${CATALOG_LIST_MAX}); role viewer and up`, security: 'admin', rateLimit: 'refusal', success: { status: 200, schema: 'AdminRewards', description: 'The rewards' }, errors: [401, 403, 429] },
  { method: 'put', path: '/v1/admin/offers/:id', summary: 'Create or replace an offer', pathId: SLUG_ID('offer'), description: 'Multipliers do not stack (the highest whose minimum the amount meets wins); bonuses add. An offer is frozen with each purchase booked while it runs: replacing or ending it never changes booked points, and an offer limited per member gives its use back when a lower amount or the end of the order drops it.', security: 'admin', rateLimit: 'refusal', body: 'Offer', success: { status: 201, schema: 'OfferResponse', description: 'Created: the offer' }, alsoSuccess: { status: 200, description: 'Replaced (or unchanged)' }, errors: [400, 401, 403, 413, 422] },
  { method: 'put', path: '/v1/admin/rewards/:id', summary: 'Create or replace a reward', pathId: SLUG_ID('reward'), security: 'admin', rateLimit: 'refusal', body: 'Reward', success: { status: 201, schema: 'RewardResponse', description: 'Created: the reward' }, alsoSuccess: { status: 200, description: 'Replaced (or unchanged)' }, errors: [400, 401, 403, 413, 422] },
  // The operator console and the operator routes (docs/operators.md). Every /v1/admin route takes the ADMIN_TOKEN or a console session whose role allows it (403 `forbidden_role` otherwise); a change made with the session needs its X-CSRF-Token.
  { method: 'post', path: '/v1/console/sign-in', summary: 'Operator sign-in: sets the session cookie (HTTP-only, SameSite=Strict; `__Host-sp_console`, Secure, over https) and answers the CSRF token for changes', security: 'none', rateLimit: 'refusal', body: 'OperatorSignIn', success: { status: 200, schema: 'ConsoleSession', description: 'The operator, the CSRF token, the latest end of the session' }, errors: [400, 401, 403, 413, 429] },
  { method: 'get', path: '/v1/console/me', summary: 'The signed-in operator and the session’s CSRF token', security: 'console', rateLimit: 'none', success: { status: 200, schema: 'ConsoleSession', description: 'The session' }, errors: [401] },
  { method: 'post', path: '/v1/console/password', summary: 'Change the own password (the current one asked again); every other session of the operator ends', security: 'console', rateLimit: 'refusal', headers: [CSRF], body: 'OperatorPasswordChange', success: { status: 204, description: 'Changed' }, errors: [400, 401, 403, 413, 429] },
  { method: 'post', path: '/v1/console/sign-out', summary: 'End the session and clear its cookie', security: 'console', rateLimit: 'none', headers: [CSRF], success: { status: 204, description: 'Signed out' }, errors: [401, 403] },
  { method: 'get', path: '/v1/admin/claims', summary: `Missing-points claims, oldest first (at most ${QUEUE_PAGE}); role viewer and up`, security: 'admin', rateLimit: 'refusal', query: [{ name: 'status', description: 'Only claims in this state', schema: { type: 'string', enum: ['open', 'approved', 'rejected'] } }], success: { status: 200, description: '{claims: [...]}, each with the member id and the receipt; open ones also with `partner`: {placed: {amountMinor, reportedAt} | null (the partner reported the order placed), bookedFor: this_member | another_member | null (the order is booked already)}' }, errors: [400, 401, 403, 429] },
  { method: 'post', path: '/v1/admin/claims/:id/approve', summary: 'Approve a claim: book the purchase of the receipt for the member; role reviewer or admin', pathId: UUID_ID('claim'), security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], success: { status: 200, description: '{claim, booking, purchase}' }, errors: [401, 403, 422, 429] },
  { method: 'post', path: '/v1/admin/claims/:id/reject', summary: 'Reject a claim with a reason; role reviewer or admin', pathId: UUID_ID('claim'), security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'OperatorReason', success: { status: 200, description: '{claim}' }, errors: [400, 401, 403, 413, 422, 429] },
  { method: 'post', path: '/v1/admin/claims/decisions', summary: `One decision for up to ${consoleContract.MAX_BULK_DECISIONS} claims (approve, or reject with the reason the members are given); each is decided and logged on its own and answered per item, in order; role reviewer or admin`, description: 'A claim decided meanwhile or unknown is `refused` with the reason and never stops the others.', security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'ClaimDecisions', success: { status: 200, schema: 'DecisionResults', description: 'One result per id, in order' }, errors: [400, 401, 403, 413, 429] },
  { method: 'get', path: '/v1/admin/review', summary: `The review queue: held or flagged purchases, then held referrals (at most ${QUEUE_PAGE} each); role viewer and up`, security: 'admin', rateLimit: 'refusal', query: [{ name: 'partner', description: 'Only this partner’s purchases (referrals are left out)', schema: jsonSchema(contract.Slug, 'input') }], success: { status: 200, description: '{purchases: [...], referrals: [...]}' }, errors: [400, 401, 403, 429] },
  { method: 'post', path: '/v1/admin/review/:id/release', summary: 'Lift the hold (or flag) of a purchase, or let a held referral (by the referred member’s id) earn; role reviewer or admin', pathId: UUID_ID('purchase or referred member'), security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], success: { status: 200, description: '{id, kind: purchase|referral, decision}' }, errors: [401, 403, 422, 429] },
  { method: 'post', path: '/v1/admin/review/:id/reject', summary: 'Reject a held purchase (its points taken back) or refuse a held referral; role reviewer or admin', pathId: UUID_ID('purchase or referred member'), security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], success: { status: 200, description: '{id, kind: purchase|referral, decision}' }, errors: [401, 403, 422, 429] },
  { method: 'post', path: '/v1/admin/review/decisions', summary: `One decision for up to ${consoleContract.MAX_BULK_DECISIONS} held purchases or referrals (release, or reject with a reason for the audit log); answered per item, in order; role reviewer or admin`, description: 'An id no longer waiting for review is `refused` and never stops the others.', security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'HoldDecisions', success: { status: 200, schema: 'DecisionResults', description: 'One result per id, in order' }, errors: [400, 401, 403, 413, 429] },
  { method: 'post', path: '/v1/admin/imports/:kind', summary: 'Import a catalogue file (JSON or CSV as `npm run admin -- <kind> import` reads it), all or nothing; role partner-manager or admin', pathId: { name: 'kind', description: 'What the file holds', schema: { type: 'string', enum: ['partners', 'offers', 'rewards'] } }, security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'CatalogImportRequest', success: { status: 200, description: '{kind, report: {created, updated, unchanged}}' }, errors: [400, 401, 403, 413, 422, 429] },
  { method: 'post', path: '/v1/admin/confirmations/:partnerId', summary: 'Apply a partner’s order report file (CSV `order_id,status,amount_minor,customer_email_sha256`), all or nothing; the same file again changes nothing; role partner-manager or admin', pathId: { name: 'partnerId', description: 'The partner whose report it is', schema: jsonSchema(contract.Slug, 'input') }, security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], query: [{ name: 'dryRun', description: '`1`: preview the file: every row is checked and matched exactly as applying would, then everything is rolled back; nothing is booked, remembered or logged', schema: { type: 'string', enum: ['0', '1'] } }], body: 'ConfirmationFileRequest', success: { status: 200, schema: 'ConfirmationFileReport', description: 'The result per row and the counts' }, errors: [400, 401, 403, 413, 422, 429] },
  { method: 'get', path: '/v1/admin/members', summary: `A member by email or card number: tier, balance, the last ${MEMBER_PURCHASES} purchases, open claims; role viewer and up`, security: 'admin', rateLimit: 'refusal', query: [{ name: 'email', description: 'The member’s email (this or `number`)', schema: { type: 'string', format: 'email', maxLength: 254 } }, { name: 'number', description: 'The member’s 10-digit card number, instead of the email', schema: { type: 'string', pattern: '^\\d{10}$', maxLength: 10 } }, { name: 'method', description: 'Only purchases of this detection method', schema: { type: 'string', maxLength: 64 } }], success: { status: 200, description: '{member}' }, errors: [400, 401, 403, 422, 429] },
  { method: 'get', path: '/v1/admin/members/:id/ledger', summary: `A member’s ledger entries, newest first, ${MEMBER_LEDGER_PAGE} a page; role viewer and up`, pathId: UUID_ID('member'), security: 'admin', rateLimit: 'refusal', query: [{ name: 'cursor', description: 'nextCursor of the page before', schema: digits(18) }], success: { status: 200, schema: 'TransactionsPage', description: 'One page of entries' }, errors: [400, 401, 403, 429] },
  { method: 'post', path: '/v1/admin/members/:id/erase', summary: 'Erase a member on their request (as DELETE /v1/me does), with the reason for the audit log; role admin', pathId: UUID_ID('member'), security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'ErasureByOperator', success: { status: 204, description: 'Erased' }, errors: [400, 401, 403, 413, 422, 429] },
  { method: 'get', path: '/v1/admin/operators', summary: 'The operator accounts; role admin', security: 'admin', rateLimit: 'refusal', success: { status: 200, schema: 'OperatorList', description: 'Every operator, active or disabled' }, errors: [401, 403, 429] },
  { method: 'post', path: '/v1/admin/operators', summary: 'Add an operator with a role and a first password; role admin', security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'OperatorInput', success: { status: 201, schema: 'OperatorResponse', description: 'The new operator' }, errors: [400, 401, 403, 409, 413, 429] },
  { method: 'put', path: '/v1/admin/operators/:id', summary: 'Set an operator’s role and whether it may sign in (disabling ends its sessions); role admin, never on oneself', pathId: UUID_ID('operator'), security: 'admin', rateLimit: 'refusal', headers: [CSRF_IF_SESSION], body: 'OperatorUpdate', success: { status: 200, schema: 'OperatorResponse', description: 'The operator' }, errors: [400, 401, 403, 404, 413, 429] },
  { method: 'get', path: '/v1/admin/audit', summary: 'The audit log, newest first, paged; every operator change with actor, action, target, before and after; role viewer and up', security: 'admin', rateLimit: 'refusal', query: AUDIT_QUERY, success: { status: 200, schema: 'AuditPage', description: 'One page of entries and the cursor of the next' }, errors: [400, 401, 403, 429] },
  { method: 'get', path: '/v1/admin/audit.csv', summary: `The audit log as CSV (text/csv, at most ${AUDIT_EXPORT_MAX} entries, the filters of /v1/admin/audit); cells that a spreadsheet would run as a formula start with an apostrophe; role viewer and up`, security: 'admin', rateLimit: 'refusal', query: AUDIT_QUERY.filter((q) => q.name !== 'cursor' && q.name !== 'limit'), success: { status: 200, description: 'CSV: id,at,actor_kind,actor,operator_id,action,target_type,target_id,before,after,request_id' }, errors: [400, 401, 403, 429] },
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
  Offer: contract.Offer,
  Reward: contract.Reward,
  PartnerResponse: z.object({ partner: contract.Partner }),
  OfferResponse: z.object({ offer: contract.Offer }),
  RewardResponse: z.object({ reward: contract.Reward }),
  Mission: contract.Mission,
  MissionResponse: z.object({ mission: contract.Mission }),
  MissionList: z.object({ missions: z.array(z.object({ mission: contract.Mission, completed: z.int(), revoked: z.int() })) }),
  Health: z.object({ status: z.enum(['ok', 'unavailable']) }),
  Readiness: z.object({ status: z.enum(['ready', 'draining', 'unavailable']) }),
  DetectionReportsRequest: contract.DetectionReportsRequest,
  DetectionReportsResponse: contract.DetectionReportsResponse,
  DetectionHealth: contract.DetectionHealth,
  PointsLiability: contract.PointsLiability,
  ProgrammeOverview: consoleContract.ProgrammeOverview,
  ClaimDecisions: consoleContract.ClaimDecisions,
  AdminPartnerPage: consoleContract.AdminPartnerPage,
  AdminOffers: consoleContract.AdminOffers,
  ConfirmationFileReport: consoleContract.ConfirmationFileReport,
  AdminRewards: consoleContract.AdminRewards,
  PartnerEdit: consoleContract.PartnerEdit,
  HoldDecisions: consoleContract.HoldDecisions,
  DecisionResults: consoleContract.DecisionResults,
  ErrorEnvelope: contract.ErrorEnvelope,
  OperatorSignIn: consoleContract.OperatorSignIn,
  ConsoleSession: consoleContract.ConsoleSession,
  OperatorPasswordChange: consoleContract.OperatorPasswordChange,
  OperatorInput: consoleContract.OperatorInput,
  OperatorUpdate: consoleContract.OperatorUpdate,
  OperatorResponse: consoleContract.OperatorResponse,
  OperatorList: consoleContract.OperatorList,
  OperatorReason: consoleContract.OperatorReason,
  ErasureByOperator: consoleContract.ErasureByOperator,
  CatalogImportRequest: consoleContract.CatalogImportRequest,
  ConfirmationFileRequest: consoleContract.ConfirmationFileRequest,
  AuditPage: consoleContract.AuditPage,
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input',
  401: 'Missing or invalid credentials',
  403: 'Not allowed (operator routes without ADMIN_TOKEN, a role without the permission, a change without the CSRF token)',
  404: 'Not found',
  409: 'Conflict',
  422: 'Well-formed but refers to something that does not exist',
  413: 'Request body over 64 KB',
  415: 'The body is not sent as Content-Type: application/json',
  429: 'Rate limited; wait the seconds of Retry-After',
};

/**
 * The most items each answer's lists hold, by JSON path within the schema:
 * batch answers hold one result per item sent, pages their page size. The
 * catalogue's partners, the offers, the rewards and the detection-health
 * partners are as many as the operator configured (an exception in
 * `.spectral.yaml`).
 */
const LIST_LIMITS: Record<string, Record<string, number>> = {
  IngestResponse: { results: contract.MAX_BATCH },
  ConfirmationResponse: { results: contract.MAX_CONFIRMATION_ORDERS },
  SyncResponse: { purchases: SYNC_PAGE, missions: contract.MAX_SYNC_MISSIONS },
  PointsLiability: { months: contract.MAX_LIABILITY_MONTHS },
  ProgrammeOverview: { series: consoleContract.MAX_OVERVIEW_DAYS },
  DecisionResults: { results: consoleContract.MAX_BULK_DECISIONS },
  AdminOffers: { offers: CATALOG_LIST_MAX },
  ConfirmationFileReport: { rows: consoleContract.MAX_CONFIRMATION_FILE_ROWS },
  AdminRewards: { rewards: CATALOG_LIST_MAX },
  AdminPartnerPage: { partners: consoleContract.PARTNER_PAGE_MAX, 'partners.items.partner.domains': contract.MAX_PARTNER_DOMAINS },
  TransactionsPage: { transactions: TRANSACTIONS_MAX },
  OutboxResponse: { mails: OUTBOX_PAGE },
  AuditPage: { entries: consoleContract.AUDIT_PAGE_MAX },
  DetectionHealth: { 'partners.items.days': MAX_HEALTH_DAYS },
  Catalog: { 'partners.items.domains': contract.MAX_PARTNER_DOMAINS },
  PartnerResponse: { 'partner.domains': contract.MAX_PARTNER_DOMAINS },
};

const INT32 = 2 ** 31;

/**
 * What JSON Schema leaves to words, made explicit for the checkers: an
 * integer's width (every integer on the wire is a JavaScript safe integer,
 * so int64 unless its bounds fit int32), and the length a format fixes (a
 * UUID's 36 characters, a date's 10).
 */
function spellOut(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(spellOut);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as JsonObject;
  if (schema.type === 'integer' && schema.format === undefined) {
    const fits32 = typeof schema.minimum === 'number' && schema.minimum >= -INT32 && typeof schema.maximum === 'number' && schema.maximum < INT32;
    schema.format = fits32 ? 'int32' : 'int64';
  }
  if (schema.type === 'string' && schema.maxLength === undefined) {
    if (schema.format === 'uuid') schema.maxLength = 36;
    if (schema.format === 'date') schema.maxLength = 10;
  }
  for (const value of Object.values(schema)) spellOut(value);
}

/** Sets `maxItems` on the list at `path` (property names, `items` for an array's items). */
function limitList(schema: JsonObject, path: string, maxItems: number): void {
  let node: JsonObject = schema;
  for (const step of path.split('.')) {
    const next = step === 'items' ? node.items : (node.properties as Record<string, JsonObject> | undefined)?.[step];
    if (!next) throw new Error(`openapi: no ${path} in the schema`);
    node = next as JsonObject;
  }
  if (node.type !== 'array') throw new Error(`openapi: ${path} is not a list`);
  node.maxItems = maxItems;
}

function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const ETAG = { description: 'The version of this answer, for If-None-Match', required: true, schema: { type: 'string', maxLength: 200 } };
/** CORS (app.ts): only the configured extension origins are answered, by name. */
const ALLOW_ORIGIN = {
  description: 'The Origin of the request when it is one of EXTENSION_ORIGINS (the extension); absent for any other origin',
  required: false,
  // The origins EXTENSION_ORIGINS accepts (env.ts); the longest is `safari-web-extension://` and a UUID.
  schema: { type: 'string', pattern: EXTENSION_ORIGIN_SHAPE.source, maxLength: 59 },
};
const RATE_LIMIT_HEADERS = (required: boolean, when: string): JsonObject => ({
  RateLimit: {
    description: `IETF RateLimit field: \`"<policy>";r=<requests left>;t=<seconds until the window resets>\`. ${when}`,
    required,
    schema: { type: 'string', pattern: '^"[a-z-]+";r=\\d+;t=\\d+$', maxLength: 200 },
  },
  'RateLimit-Policy': {
    description: `IETF RateLimit-Policy field: \`"<policy>";q=<requests per window>;w=<window in seconds>\`. ${when}`,
    required,
    schema: { type: 'string', pattern: '^"[a-z-]+";q=\\d+;w=\\d+$', maxLength: 200 },
  },
});
const RETRY_AFTER = { description: 'Seconds until the limit lets requests through again', required: true, schema: { type: 'string', pattern: '^\\d{1,6}$', maxLength: 6 } };

/** The headers a response of `status` carries under the endpoint's rate limiting. */
function responseHeaders(e: Endpoint, status: number): JsonObject | undefined {
  if (status === 429) return { 'Retry-After': RETRY_AFTER, ...RATE_LIMIT_HEADERS(true, 'Names the limit that refused the request.') };
  if (e.rateLimit !== 'member' && e.rateLimit !== 'partner') return undefined;
  const whose = e.rateLimit === 'member' ? 'The limit per member, all its tokens together.' : 'The limit per partner.';
  if (status < 300) return RATE_LIMIT_HEADERS(true, whose);
  if (status >= 400 && status < 500) return RATE_LIMIT_HEADERS(false, `${whose} Absent when the request was refused before the ${e.rateLimit} was known (401, 413).`);
  return undefined;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: JsonObject) => ({ 'application/json': { schema } });
const SECURITY: Record<Security, JsonObject[]> = {
  member: [{ bearer: [] }],
  admin: [{ adminBearer: [] }, { operatorSession: [] }],
  console: [{ operatorSession: [] }],
  partner: [{ partnerSignature: [], partnerId: [] }],
  none: [],
};

function operation(e: Endpoint): JsonObject {
  if (e.path.includes('/:') !== (e.pathId !== undefined)) throw new Error(`openapi: describe the path parameter of ${e.path} as pathId`);
  const parameter = (p: Parameter, where: 'path' | 'query' | 'header', required: boolean) => ({ name: p.name, in: where, required, description: p.description, schema: p.schema });
  const parameters = [
    ...(e.pathId ? [parameter(e.pathId, 'path', true)] : []),
    ...(e.query ?? []).map((q) => parameter(q, 'query', q.required ?? false)),
    ...(e.headers ?? []).map((h) => parameter(h, 'header', h.required ?? true)),
  ];
  const answer = (status: number, description: string, content?: JsonObject) => ({
    description,
    headers: { 'Access-Control-Allow-Origin': ALLOW_ORIGIN, ...(e.notModified && (status === 200 || status === 304) ? { ETag: ETAG } : {}), ...responseHeaders(e, status) },
    ...(content ? { content } : {}),
  });
  const successContent = e.success.schema ? jsonContent(ref(e.success.schema)) : undefined;
  const responses: JsonObject = { [e.success.status]: answer(e.success.status, e.success.description, successContent) };
  if (e.alsoSuccess) responses[e.alsoSuccess.status] = answer(e.alsoSuccess.status, e.alsoSuccess.description, successContent);
  if (e.notModified) responses['304'] = answer(304, 'Not modified since the ETag given');
  if (e.path === '/health') responses['503'] = answer(503, 'The database is unreachable', jsonContent(ref('Health')));
  if (e.path === '/ready') responses['503'] = answer(503, 'Shutting down (`draining`) or the database is unreachable (`unavailable`)', jsonContent(ref('Readiness')));
  // Every endpoint that takes a body takes JSON only.
  const errors = e.body && !e.errors.includes(415) ? [...e.errors, 415].sort((a, b) => a - b) : e.errors;
  for (const status of errors) responses[status] = answer(status, ERROR_TEXT[status] ?? 'Error', jsonContent(ref('ErrorEnvelope')));
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
  for (const [name, lists] of Object.entries(LIST_LIMITS)) {
    for (const [path, maxItems] of Object.entries(lists)) limitList(schemas[name] as JsonObject, path, maxItems);
  }
  const paths: Record<string, JsonObject> = {};
  for (const e of ENDPOINTS) {
    const path = e.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [e.method]: operation(e) };
  }
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Sammelpunkt sync API',
      version: '1',
      description: 'The loyalty programme API behind the Sammelpunkt browser extension. Errors share one envelope: {"error":{"code","message","requestId"}}.',
    },
    // Relative: the document is served by the API it describes, so its own origin is the server.
    servers: [{ url: '/', description: 'The server this document was fetched from: production, staging or a local `npm start`', 'x-internal': false }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A member device token from register or login' },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'The shared operator token (ADMIN_TOKEN), for scripts and CI: every operator route' },
        operatorSession: { type: 'apiKey', in: 'cookie', name: 'sp_console', description: 'An operator’s console session from POST /v1/console/sign-in (`__Host-sp_console` over https); what it may do is its role’s (docs/operators.md); changes need X-CSRF-Token' },
        partnerId: { type: 'apiKey', in: 'header', name: 'X-Sammelpunkt-Partner', description: 'The partner id' },
        partnerSignature: { type: 'apiKey', in: 'header', name: 'X-Sammelpunkt-Signature', description: 'sha256= + hex HMAC-SHA256(partner secret, `<X-Sammelpunkt-Timestamp>.<raw body>`); each signature is accepted once' },
      },
    },
  };
  spellOut(document);
  return document;
}
