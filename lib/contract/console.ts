/**
 * The operator side of the wire: operator accounts, console sessions and the
 * audit log, shared by the API and the operator's console (`console/`).
 * Kept apart from index.ts, which the extension bundles.
 */
import * as z from 'zod/mini';
import { Earn, FraudLimits, isSafeText, MIN_HOLD_DAYS, Offer, Partner, PartnerInput, Purchase, Reward, Slug } from './index.ts';

/**
 * What each role may do (docs/operators.md): a viewer reads; a reviewer also
 * decides claims and review holds; a partner manager also changes partners,
 * offers, rewards, imports and confirmation files; an admin does everything,
 * operators and member erasure included.
 */
export const OPERATOR_ROLES = ['viewer', 'reviewer', 'partner-manager', 'admin'] as const;
export const OperatorRole = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof OperatorRole>;

const singleLine = (min: number, max: number) =>
  z.string().check(z.minLength(min), z.maxLength(max), z.refine((s) => isSafeText(s), 'printable text on one line (no control, zero-width or bidi characters)'));

const OperatorEmail = z.email().check(z.maxLength(254));
const Password = z.string().check(z.minLength(8), z.maxLength(200));

export const OperatorSignIn = z.strictObject({ email: OperatorEmail, password: z.string().check(z.minLength(1), z.maxLength(200)) });
export type OperatorSignIn = z.infer<typeof OperatorSignIn>;

/** A server-made time on the wire (ISO 8601 UTC), with its longest length. */
const Time = z.string().check(z.maxLength(35));
const Id = z.string().check(z.maxLength(36));

export const Operator = z.object({
  id: Id,
  email: z.string().check(z.maxLength(254)),
  role: OperatorRole,
  createdAt: Time,
  active: z.boolean(),
});
export type Operator = z.infer<typeof Operator>;

/** Sign-in and `GET /v1/console/me`: the operator, the CSRF token to send as `X-CSRF-Token` on every change, and when the session ends at the latest. */
export const ConsoleSession = z.object({ operator: Operator, csrfToken: z.string().check(z.maxLength(100)), expiresAt: Time });
export type ConsoleSession = z.infer<typeof ConsoleSession>;

export const OperatorPasswordChange = z.strictObject({ currentPassword: z.string().check(z.minLength(1), z.maxLength(200)), newPassword: Password });

/** `POST /v1/admin/operators`: a new operator with a first password (refused with 400 `weak_password` when guessable). */
export const OperatorInput = z.strictObject({ email: OperatorEmail, role: OperatorRole, password: Password });
/** `PUT /v1/admin/operators/:id`: the role, and whether the account may sign in. */
export const OperatorUpdate = z.strictObject({ role: OperatorRole, active: z.boolean() });
export const OperatorResponse = z.object({ operator: Operator });
export const OperatorList = z.object({ operators: z.array(Operator) });

/** A reason the operator gives with a decision or an erasure. */
export const OperatorReason = z.strictObject({ reason: z.optional(singleLine(1, 200)) });
export const ErasureByOperator = z.strictObject({ reason: singleLine(3, 200) });

/** `POST /v1/admin/imports/:kind`: the text of a catalogue file, JSON or CSV, as `npm run admin -- <kind> import` reads it. */
export const CatalogImportRequest = z.strictObject({ format: z.enum(['json', 'csv']), content: z.string().check(z.minLength(1), z.maxLength(60_000)) });
/** `POST /v1/admin/confirmations/:partnerId`: a partner's order report as CSV (`order_id,status,amount_minor,customer_email_sha256`). */
export const ConfirmationFileRequest = z.strictObject({ csv: z.string().check(z.minLength(1), z.maxLength(60_000)) });

export const AUDIT_ACTIONS = [
  'operator.added',
  'operator.changed',
  'operator.password_changed',
  'operator.signed_in',
  'operator.signed_out',
  'partner.changed',
  'offer.changed',
  'reward.changed',
  'mission.changed',
  'catalog.imported',
  'confirmations.imported',
  'claim.approved',
  'claim.rejected',
  'hold.released',
  'hold.rejected',
  'referral.released',
  'referral.refused',
  'member.erased',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: z.string().check(z.maxLength(20)),
  at: Time,
  actorKind: z.enum(['operator', 'token', 'cli']),
  /** The operator's email, `token` for ADMIN_TOKEN, `cli:<user>` for `npm run admin`. */
  actor: z.string().check(z.maxLength(260)),
  operatorId: z.nullable(Id),
  action: z.string().check(z.maxLength(64)),
  targetType: z.string().check(z.maxLength(64)),
  targetId: z.string().check(z.maxLength(254)),
  before: z.nullable(z.unknown()),
  after: z.nullable(z.unknown()),
  requestId: z.nullable(Id),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.nullable(z.string().check(z.maxLength(20))) });

/** The longest period `GET /v1/admin/overview` reports at once, in days. */
export const MAX_OVERVIEW_DAYS = 366;
/** The default period: the last 30 days, today included. */
export const DEFAULT_OVERVIEW_DAYS = 30;
/** Up to this many days a period is shown per day by default, longer ones per week. */
export const OVERVIEW_DAILY_UP_TO_DAYS = 62;
export const OVERVIEW_INTERVALS = ['day', 'week'] as const;
export const OverviewInterval = z.enum(OVERVIEW_INTERVALS);
export type OverviewInterval = z.infer<typeof OverviewInterval>;

const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a day such as 2026-03-01'), z.maxLength(10));
/** A share from 0 to 1; null when there is nothing to divide by. */
const Rate = z.nullable(z.number().check(z.gte(0), z.lte(1)));

/** One day or week (starting Monday, UTC) of the overview's charts. */
export const OverviewBucket = z.object({
  /** The bucket's first day (UTC). */
  start: Day,
  /** Members with at least one purchase detected in the bucket. */
  activeMembers: z.int(),
  newMembers: z.int(),
  purchases: z.int(),
  /** Points of the bucket's purchases as they stand now, rejected ones left out. */
  pointsBooked: z.int(),
  /** Purchases the partner confirmed (returned later or not). */
  confirmedPurchases: z.int(),
  rejectedPurchases: z.int(),
  /** Points that became available: confirmations, referral bonuses, programme bonuses. */
  pointsIssued: z.int(),
  /** Points spent on vouchers and donations. */
  pointsRedeemed: z.int(),
  /** Breakage: points that expired unspent (less expired points given back on a return). */
  pointsExpired: z.int(),
  /** Every member's available points at the end of the bucket (debts count negative): the outstanding liability. */
  availableAtEnd: z.int(),
  pendingAtEnd: z.int(),
});
export type OverviewBucket = z.infer<typeof OverviewBucket>;

/**
 * `GET /v1/admin/overview?from=&to=&interval=` (every operator role): the
 * programme's figures over a period of whole UTC days, `from` and `to`
 * included. Purchases count by the time the order was detected; members by
 * the time they registered; points by the time they were booked.
 */
export const ProgrammeOverview = z.object({
  from: Day,
  to: Day,
  interval: OverviewInterval,
  totals: z.object({
    activeMembers: z.int(),
    newMembers: z.int(),
    purchases: z.int(),
    pointsBooked: z.int(),
    confirmedPurchases: z.int(),
    rejectedPurchases: z.int(),
    pendingPurchases: z.int(),
    /** Confirmed purchases of all purchases of the period. */
    confirmationRate: Rate,
    rejectionRate: Rate,
    /** Active members with two purchases or more in the period. */
    repeatMembers: z.int(),
    /** Repeat members of all active members. */
    repeatPurchaseRate: Rate,
    pointsIssued: z.int(),
    pointsRedeemed: z.int(),
    /** Points redeemed per point issued in the period (above 1 when members spend more than they earn). */
    redemptionRate: z.nullable(z.number().check(z.gte(0))),
    /** Breakage in the period. */
    pointsExpired: z.int(),
    /** The outstanding liability at the end of the period. */
    availableAtEnd: z.int(),
    pendingAtEnd: z.int(),
  }),
  /** Oldest first, every day or week of the period, empty ones too. */
  series: z.array(OverviewBucket),
});
export type ProgrammeOverview = z.infer<typeof ProgrammeOverview>;

/** The most claims or holds one bulk decision takes. */
export const MAX_BULK_DECISIONS = 100;
const DecisionIds = z.array(z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a UUID'), z.maxLength(36))).check(
  z.minLength(1),
  z.maxLength(MAX_BULK_DECISIONS),
);
/** `POST /v1/admin/claims/decisions`: one decision for several claims; rejecting needs a reason. */
export const ClaimDecisions = z.strictObject({ decision: z.enum(['approve', 'reject']), ids: DecisionIds, reason: z.optional(singleLine(1, 200)) });
export type ClaimDecisions = z.infer<typeof ClaimDecisions>;
/** `POST /v1/admin/review/decisions`: one decision for several held purchases or referrals; rejecting needs a reason. */
export const HoldDecisions = z.strictObject({ decision: z.enum(['release', 'reject']), ids: DecisionIds, reason: z.optional(singleLine(1, 200)) });
export type HoldDecisions = z.infer<typeof HoldDecisions>;
/** Each item's fate, in the order sent: decided (with what it is now), or refused with the reason (decided already, unknown). */
export const DecisionResult = z.object({
  id: z.string().check(z.maxLength(36)),
  outcome: z.enum(['decided', 'refused']),
  /** Decided: the claim's new status, or `purchase`/`referral` for a hold. */
  status: z.optional(z.string().check(z.maxLength(32))),
  message: z.optional(z.string().check(z.maxLength(300))),
});
export type DecisionResult = z.infer<typeof DecisionResult>;
export const DecisionResults = z.object({ results: z.array(DecisionResult) });

/** The most partners one `GET /v1/admin/partners` page lists. */
export const PARTNER_PAGE_MAX = 200;
export const PARTNER_PAGE_DEFAULT = 50;

/** A partner as the operator sees it: the catalogue document, its limits, and its reliability whatever the sample. */
export const AdminPartner = z.object({
  partner: Partner,
  fraud: z.nullable(FraudLimits),
  reliability: z.nullable(
    z.object({
      confirmedShare: z.number().check(z.gte(0), z.lte(1)),
      /** Median whole days from recording to confirmation; null before the first confirmation. */
      medianDaysToConfirm: z.nullable(z.int()),
      /** Finished purchases the figures rest on. */
      sample: z.int(),
    }),
  ),
});
export type AdminPartner = z.infer<typeof AdminPartner>;
/** `GET /v1/admin/partners?q=&after=&limit=`: by id; `nextAfter` asks for the next page. */
export const AdminPartnerPage = z.object({ partners: z.array(AdminPartner), nextAfter: z.nullable(Slug) });
export type AdminPartnerPage = z.infer<typeof AdminPartnerPage>;

/**
 * `PATCH /v1/admin/partners/:id`: the fields the console's form changes;
 * what is left out (the secret, detection rules, limits) stays as stored.
 */
export const PartnerEdit = z.strictObject({
  name: z.optional(PartnerInput.shape.name),
  category: z.optional(PartnerInput.shape.category),
  domains: z.optional(PartnerInput.shape.domains),
  earn: z.optional(Earn),
  holdDays: z.optional(z.int().check(z.minimum(MIN_HOLD_DAYS), z.maximum(365))),
  autoConfirm: z.optional(z.boolean()),
});
export type PartnerEdit = z.infer<typeof PartnerEdit>;

/** `GET /v1/admin/offers`: running and upcoming offers (with `include=ended`, every offer). */
export const AdminOffers = z.object({ offers: z.array(Offer) });
/** `GET /v1/admin/rewards`: every reward, active or not. */
export const AdminRewards = z.object({ rewards: z.array(Reward) });

/** A file of 60,000 characters holds at most this many rows (each at least a character and its line break). */
export const MAX_CONFIRMATION_FILE_ROWS = 30_000;
export const ConfirmationRowOutcome = z.enum(['applied', 'unchanged', 'unknown', 'invalid']);
/** `POST /v1/admin/confirmations/:partnerId` (with `?dryRun=1`: the preview, nothing applied): the result of each row. */
export const ConfirmationFileReport = z.object({
  partnerId: Slug,
  dryRun: z.boolean(),
  /** The same file was applied before, at this time: every row is `unchanged` and nothing was done. */
  alreadyImportedAt: z.nullable(Time),
  rows: z.array(
    z.object({
      line: z.int(),
      orderId: z.string().check(z.maxLength(64)),
      status: z.enum(['placed', 'confirmed', 'returned', 'cancelled']),
      amountMinor: z.optional(z.int()),
      outcome: ConfirmationRowOutcome,
      reason: z.optional(z.string().check(z.maxLength(64))),
      /** The member's purchase as it stands after the row (in a preview: as it would). */
      purchase: z.optional(Purchase),
    }),
  ),
  counts: z.object({ applied: z.int(), unchanged: z.int(), unknown: z.int(), invalid: z.int() }),
});
export type ConfirmationFileReport = z.infer<typeof ConfirmationFileReport>;
