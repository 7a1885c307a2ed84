/**
 * The wire contract between the extension and the sync API. These zod
 * schemas are the single source of truth: the server validates requests with
 * them, the extension validates responses with them, and `GET /openapi.json`
 * is generated from them. They use `zod/mini` so the extension bundles stay
 * small (full zod alone is ~80 KB).
 */
import * as z from 'zod/mini';
import { isStorableTime } from './storable.ts';
export { isStorableTime };

/** The largest amount one purchase may carry: 1,000,000.00 in minor units. */
export const MAX_AMOUNT_MINOR = 100_000_000;
/** The most purchases one ingest request may carry. */
export const MAX_BATCH = 100;
/** A partner's hold period is never shorter than this. */
export const MIN_HOLD_DAYS = 14;
export const DEFAULT_HOLD_DAYS = 30;

/**
 * The longest timestamp accepted: nanoseconds and an offset,
 * `2026-12-05T11:23:42.123456789+05:30`. PostgreSQL keeps microseconds, so
 * longer fractions only carried bytes nobody stores.
 */
export const MAX_TIMESTAMP_LENGTH = 35;

const isoDateTime = z.iso.datetime({ offset: true }).check(
  z.maxLength(MAX_TIMESTAMP_LENGTH),
  z.refine(isStorableTime, 'a time with a year from 1 to 9999 and an offset within ±15:59'),
);

/**
 * Characters no free-text field accepts: C0 and C1 controls and DEL (which
 * can forge lines or retitle an operator's terminal), zero-width and bidi
 * controls (which make text read other than it is), the BOM, and lone UTF-16
 * surrogates (which PostgreSQL cannot store). `multiline` lets a line feed
 * and a tab through, for notes.
 */
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_SINGLE_LINE = /[\t\n]/;
export function isSafeText(text: string, multiline = false): boolean {
  return !UNSAFE_TEXT.test(text) && (multiline || !UNSAFE_SINGLE_LINE.test(text));
}
/** Free text: at most `max` characters, none of the unsafe ones. */
const text = (min: number, max: number, multiline = false) =>
  z.string().check(z.minLength(min), z.maxLength(max), z.refine((s) => isSafeText(s, multiline), 'printable text (no control, zero-width or bidi characters)'));
const nonNegativeInt = z.int().check(z.minimum(0));
const positiveInt = z.int().check(z.minimum(1));

// The length limits below repeat what the patterns already enforce, so the
// OpenAPI document states them as `maxLength` (generated from these schemas).
export const Slug = z.string().check(z.regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lowercase letters, digits and dashes'), z.maxLength(64));
export const CurrencyCode = z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'), z.maxLength(3));
export const Domain = z.string().check(
  z.maxLength(253),
  z.regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'a lowercase host name such as shop.example'),
);

/** Partner-specific detection rules, tried before the generic detectors. */
export const PartnerDetection = z.object({
  /** Regular expression (source) matched against the URL's path. */
  pathPattern: z.string().check(z.maxLength(500)),
  orderIdSelector: z.string().check(z.minLength(1), z.maxLength(500)),
  /** Optional regular expression whose first group is the order id within the selected text. */
  orderIdPattern: z.optional(z.string().check(z.maxLength(500))),
  amountSelector: z.string().check(z.minLength(1), z.maxLength(500)),
});
export type PartnerDetection = z.infer<typeof PartnerDetection>;

export const Earn = z.object({
  /** `points` points per `per` major units of the partner's currency. */
  points: positiveInt.check(z.maximum(1000)),
  per: positiveInt.check(z.maximum(1000)),
});
export type Earn = z.infer<typeof Earn>;

/**
 * A partner's overrides of the velocity and anomaly limits, which are on by
 * default (defaults in server/purchases/limits.ts); 0 turns a limit off. A
 * purchase that trips one is booked pending and held for review.
 */
export const FraudLimits = z.object({
  maxPurchasesPerMemberPerDay: z.optional(nonNegativeInt),
  maxPurchasesPerMemberPerWeek: z.optional(nonNegativeInt),
  maxAmountMinorPerMemberPerDay: z.optional(nonNegativeInt),
  maxSameAmountPerMemberPerWeek: z.optional(nonNegativeInt),
  /**
   * Holds an order above this many times the partner's usual basket (the
   * median of its last 100 confirmed purchases, once it has 20) for the operator's review.
   */
  holdAboveBasketFactor: z.optional(nonNegativeInt.check(z.maximum(1000))),
  /** Holds an order id whose shape (letter and digit runs) none of the partner's last 100 confirmed orders has, once it has 20. */
  holdOrderIdsOffPattern: z.optional(z.boolean()),
  /** Holds a member's purchases while more than this percentage of their finished purchases of 90 days were refused. */
  maxRejectedSharePercent: z.optional(nonNegativeInt.check(z.maximum(100))),
});

/** The most shop domains one partner may have. */
export const MAX_PARTNER_DOMAINS = 50;

/** A partner as the operator writes it (`PUT /v1/admin/partners/:id`). */
export const PartnerInput = z.object({
  id: Slug,
  name: text(1, 120),
  domains: z.array(Domain).check(z.minLength(1), z.maxLength(MAX_PARTNER_DOMAINS)),
  category: text(1, 60),
  earn: Earn,
  currency: CurrencyCode,
  holdDays: z._default(z.int().check(z.minimum(MIN_HOLD_DAYS), z.maximum(365)), DEFAULT_HOLD_DAYS),
  /**
   * Confirm purchases at the end of the hold period, but only those whose
   * order the partner reported `placed`; off unless the operator turns it on.
   */
  autoConfirm: z._default(z.boolean(), false),
  /** Write-only: the key the partner signs its confirmations with. */
  secret: z.string().check(z.minLength(16), z.maxLength(200)),
  detection: z.optional(PartnerDetection),
  fraud: z.optional(FraudLimits),
  /** Order numbers that differ only in case are different orders (default: the same order). */
  orderIdCaseSensitive: z.optional(z.boolean()),
});
export type PartnerInput = z.input<typeof PartnerInput>;

/** A partner as the catalogue shows it: never the secret. */
export const Partner = z.object({
  id: Slug,
  name: z.string(),
  domains: z.array(z.string()),
  category: z.string(),
  earn: Earn,
  currency: CurrencyCode,
  holdDays: z.int(),
  autoConfirm: z.boolean(),
  detection: z.optional(PartnerDetection),
  orderIdCaseSensitive: z.optional(z.boolean()),
  /** How the partner's purchases fared so far; only once enough of them are finished. */
  reliability: z.optional(z.object({
    /** Finished purchases that were confirmed (including those returned later), 0 to 1. */
    confirmedShare: z.number().check(z.minimum(0), z.maximum(1)),
    /** Median whole days from recording to confirmation. */
    medianDaysToConfirm: z.optional(nonNegativeInt),
    /** How many finished purchases the figures rest on. */
    sample: nonNegativeInt,
  })),
});
export type Partner = z.infer<typeof Partner>;
export type PartnerReliability = NonNullable<Partner['reliability']>;

export const Catalog = z.object({ partners: z.array(Partner) });
export type Catalog = z.infer<typeof Catalog>;

export const OfferKind = z.enum(['multiplier', 'bonus']);
export const Offer = z.object({
  id: Slug,
  title: text(1, 200),
  partnerId: z.optional(Slug),
  kind: OfferKind,
  /** A multiplier on the base points with at most two decimals (2 or 1.5). */
  multiplier: z.optional(z.number().check(z.minimum(1), z.maximum(100), z.multipleOf(0.01))),
  bonusPoints: z.optional(positiveInt),
  minAmountMinor: z.optional(nonNegativeInt),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  tier: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  perMemberLimit: z.optional(positiveInt),
}).check(
  z.refine((o) => (o.kind === 'multiplier' ? o.multiplier !== undefined : o.bonusPoints !== undefined), {
    message: 'a multiplier offer needs `multiplier`, a bonus offer needs `bonusPoints`',
  }),
  z.refine((o) => Date.parse(o.startsAt) < Date.parse(o.endsAt), { message: '`startsAt` must be before `endsAt`' }),
);
export type Offer = z.infer<typeof Offer>;

export const Offers = z.object({ offers: z.array(Offer) });

export const RewardKind = z.enum(['voucher', 'donation']);
export const Reward = z.object({
  id: Slug,
  title: text(1, 200),
  kind: RewardKind,
  pointsCost: positiveInt,
  partnerId: z.optional(Slug),
  active: z._default(z.boolean(), true),
  /** For a donation: the charity the points go to (its account id and name); defaults to the reward's id and title. */
  charityId: z.optional(Slug),
  charityName: z.optional(text(1, 200)),
});
export type Reward = z.infer<typeof Reward>;
export const Rewards = z.object({ rewards: z.array(Reward) });

export const DetectionMethod = z.string().check(z.minLength(1), z.maxLength(40));
/**
 * The `method` of a purchase whose order id or total the member confirmed or
 * corrected on the page; the server books it pending like any other.
 */
export const MEMBER_CONFIRMED_METHOD = 'member-confirmed';

/** A purchase as the extension sends it. */
export const PurchaseIn = z.object({
  id: z.uuid(),
  partnerId: Slug,
  orderId: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[\x21-\x7e\u00a0-\uffff][\x20-\x7e\u00a0-\uffff]*$/, 'printable characters')),
  amountMinor: z.int(),
  currency: CurrencyCode,
  detectedAt: isoDateTime,
  method: DetectionMethod,
});
export type PurchaseIn = z.infer<typeof PurchaseIn>;

export const IngestRequest = z.object({
  purchases: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_BATCH)),
});

export const PurchaseStatus = z.enum(['pending', 'confirmed', 'rejected', 'reversed']);
export type PurchaseStatus = z.infer<typeof PurchaseStatus>;

/** A purchase as the server keeps it. */
export const Purchase = z.object({
  id: z.string(),
  partnerId: z.string(),
  orderId: z.string(),
  amountMinor: z.int(),
  currency: z.string(),
  detectedAt: z.string(),
  method: z.string(),
  status: PurchaseStatus,
  points: z.int(),
  reason: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When the purchase is expected to be confirmed (end of the partner's hold period). */
  expectedConfirmationAt: z.optional(z.string()),
  confirmedAt: z.optional(z.string()),
});
export type Purchase = z.infer<typeof Purchase>;

export const IngestResultStatus = z.enum(['accepted', 'duplicate', 'rejected', 'conflict']);
export type IngestResultStatus = z.infer<typeof IngestResultStatus>;
export const IngestResult = z.object({
  id: z.nullable(z.string()),
  status: IngestResultStatus,
  reason: z.optional(z.string()),
  purchase: z.optional(Purchase),
});
export type IngestResult = z.infer<typeof IngestResult>;
export const IngestResponse = z.object({ results: z.array(IngestResult) });
export type IngestResponse = z.infer<typeof IngestResponse>;

export const Balance = z.object({ available: z.int(), pending: z.int(), lifetime: z.int() });
export type Balance = z.infer<typeof Balance>;

export const Member = z.object({
  id: z.string(),
  email: z.string(),
  /** The number printed on the member card. */
  memberNumber: z.string(),
  createdAt: z.string(),
  /** The code this member passes on to friends; both get a bonus after the friend's first confirmed purchase of the minimum amount (see `Me.referral`). */
  referralCode: z.optional(z.string()),
  /**
   * Whether the member typed the code mailed after registration
   * (`POST /v1/auth/verify-email`); points are spendable only then. Absent
   * only in what an older server sent.
   */
  emailVerified: z.optional(z.boolean()),
});
export type Member = z.infer<typeof Member>;

export const Credentials = z.object({
  email: z.email().check(z.maxLength(254)),
  password: z.string().check(z.minLength(8), z.maxLength(200)),
  /** A label for the device the token is for ("Chrome on laptop"). */
  device: z.optional(text(0, 100)),
});
/** Registration: credentials, and optionally the referral code of the member who invited this one. */
export const Registration = z.extend(Credentials, {
  referralCode: z.optional(text(1, 40)),
});
export type Registration = z.infer<typeof Registration>;
/** A new password: 8 to 200 characters, and not guessable (the server refuses weak ones with 400 `weak_password`). */
const NewPassword = z.string().check(z.minLength(8), z.maxLength(200));
/** The six-digit code of a verification or reset mail. */
const MailedCode = z.string().check(z.regex(/^\d{6}$/, 'six digits'), z.maxLength(6));
export const VerifyEmailRequest = z.object({ code: MailedCode });
export const VerifyEmailResponse = z.object({ member: Member });
export const PasswordChange = z.object({ currentPassword: z.string().check(z.minLength(1), z.maxLength(200)), newPassword: NewPassword });
export const PasswordResetRequest = z.object({ email: z.email().check(z.maxLength(254)) });
/** The reset code as mailed (`ABCD-EFGH-JKLM`), typed in any case, with or without its dashes. */
const ResetCode = z.string().check(z.maxLength(20), z.regex(/^[A-Za-z0-9 -]{12,20}$/, 'the 12-character code from the mail'));
export const PasswordReset = z.object({ email: z.email().check(z.maxLength(254)), code: ResetCode, newPassword: NewPassword });
/** Erasure asks for the password again, so a token alone cannot erase an account. */
export const ErasureRequest = z.object({ password: z.string().check(z.minLength(1), z.maxLength(200)) });
export const AuthResponse = z.object({ token: z.string(), member: Member });
/** `GET /v1/admin/outbox`: the mails the server would have sent, newest first (no mail transport configured). */
export const OutboxResponse = z.object({
  mails: z.array(z.object({ to: z.string(), subject: z.string(), text: z.string(), code: z.optional(z.string()), sentAt: z.string() })),
});
export type AuthResponse = z.infer<typeof AuthResponse>;

/** The member's tier and the way to the next, judged on points confirmed in the last 12 months. */
export const TierProgress = z.object({
  tier: z.string(),
  nextTier: z.optional(z.string()),
  pointsInWindow: z.int(),
  pointsToNext: z.optional(z.int()),
  /** The tier's earn multiplier in percent (110 = 10 % more points). */
  multiplierPercent: z.int(),
});
export type TierProgress = z.infer<typeof TierProgress>;

/**
 * The referral bonus of a member who registered with a friend's code
 * (docs/referrals.md): `waiting_for_purchase` until the first confirmed
 * purchase of at least `minAmount` (major units of the purchase's currency),
 * then `pending` until `availableAt` (the end of that purchase's hold),
 * then `earned`; `under_review` while the operator decides, `taken_back` when
 * that purchase was returned, `not_eligible` with a `reason`.
 */
export const ReferralStatus = z.object({
  status: z.enum(['waiting_for_purchase', 'pending', 'under_review', 'earned', 'taken_back', 'not_eligible']),
  /** The points each of the two members gets. */
  bonusPoints: z.int(),
  /** The smallest purchase that earns it, in major units of the purchase's currency ("10.00"). */
  minAmount: z.string(),
  /** When a pending bonus becomes available. */
  availableAt: z.optional(z.string()),
  /** Why it is under review, taken back or not eligible: `same_address_as_referrer`, `purchase_reversed`, `purchase_returned_below_minimum`, `own_email`, `email_already_used`, `disposable_email`, `refused_after_review`. */
  reason: z.optional(z.string()),
});
export type ReferralStatus = z.infer<typeof ReferralStatus>;

export const Me = z.object({
  member: Member,
  tier: z.string(),
  balance: Balance,
  tierProgress: z.optional(TierProgress),
  /** Only for a member who registered with a referral code, and only in `GET /v1/me`. */
  referral: z.optional(ReferralStatus),
});
export type Me = z.infer<typeof Me>;

/** At most one upcoming expiry per month-end within the next 12 months. */
export const MAX_UPCOMING_EXPIRIES = 13;

/** Points that expire on one day unless spent before: `expiresOn` is the last day they can be spent (YYYY-MM-DD, UTC). */
export const UpcomingExpiry = z.object({ points: z.int(), expiresOn: z.iso.date() });
export type UpcomingExpiry = z.infer<typeof UpcomingExpiry>;

/**
 * Points expiry (docs/expiry.md): confirmed points expire at the end of the
 * month `months` after they were earned, unless spent first; spending uses
 * the oldest points first.
 */
export const PointsExpiry = z.object({
  /** The operator's period in months; 0 when points never expire. */
  months: z.int(),
  /** What expires within the next 12 months if not spent first, soonest first, one item per day. */
  upcoming: z.array(UpcomingExpiry).check(z.maxLength(MAX_UPCOMING_EXPIRIES)),
});
export type PointsExpiry = z.infer<typeof PointsExpiry>;

/** The most missions one member sees at once in `GET /v1/me/sync`. */
export const MAX_SYNC_MISSIONS = 20;

/** A mission's title or description in both languages of the popup. */
export const MissionText = z.object({ de: text(1, 120), en: text(1, 120) });

/**
 * What a member has to do (docs/missions.md), judged by `lib/missions/evaluate.ts`
 * over the member's purchases placed within the mission's window:
 * - `distinct-partners`: buy at `count` different partners (of `category`, if given);
 * - `category-purchase`: buy in `category`; with `first`, only a member who
 *   never bought in it before the window can complete it;
 * - `purchase-count`: `count` purchases (at `partnerId`, if given);
 * - `spend`: spend `amountMinor` in `currency` (at `partnerId`, if given).
 */
export const MissionRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('distinct-partners'), count: z.int().check(z.minimum(2), z.maximum(50)), category: z.optional(text(1, 60)) }),
  z.object({ kind: z.literal('category-purchase'), category: text(1, 60), first: z.optional(z.boolean()) }),
  z.object({ kind: z.literal('purchase-count'), count: z.int().check(z.minimum(1), z.maximum(100)), partnerId: z.optional(Slug) }),
  z.object({ kind: z.literal('spend'), amountMinor: positiveInt.check(z.maximum(MAX_AMOUNT_MINOR)), currency: CurrencyCode, partnerId: z.optional(Slug) }),
]);
export type MissionRule = z.infer<typeof MissionRule>;

/** A mission as the operator writes it (`PUT /v1/admin/missions/:id`) and as the member reads it. */
export const Mission = z.object({
  id: Slug,
  title: MissionText,
  rule: MissionRule,
  /** Purchases placed from `startsAt` (inclusive) to `endsAt` (exclusive) count. */
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  bonusPoints: positiveInt.check(z.maximum(1_000_000)),
  /** Off: members no longer see it and no new completion is booked; completions booked stay. */
  active: z._default(z.boolean(), true),
}).check(z.refine((m) => Date.parse(m.startsAt) < Date.parse(m.endsAt), { message: '`startsAt` must be before `endsAt`' }));
export type Mission = z.infer<typeof Mission>;
export type MissionInput = z.input<typeof Mission>;

export const Missions = z.object({ missions: z.array(Mission) });

/**
 * A mission and where the member stands, as `GET /v1/me/sync` carries it.
 * `progress` counts pending and confirmed purchases, `confirmedProgress`
 * confirmed ones only (the bonus is booked on those); `completed` says the
 * bonus is booked.
 */
export const MissionStanding = z.object({
  mission: Mission,
  progress: z.int(),
  confirmedProgress: z.int(),
  target: z.int(),
  completed: z.boolean(),
  completedAt: z.optional(z.string()),
});
export type MissionStanding = z.infer<typeof MissionStanding>;

export const SyncResponse = z.object({
  member: Member,
  tier: z.string(),
  balance: Balance,
  tierProgress: z.optional(TierProgress),
  /** Purchases changed since the cursor, oldest change first. */
  purchases: z.array(Purchase),
  /** Pass back as `?cursor=` on the next sync. */
  cursor: z.string(),
  /** True when more changes wait: call again with the new cursor at once. */
  hasMore: z.boolean(),
  catalogVersion: z.string(),
  offersVersion: z.string(),
  /** Absent from servers older than points expiry. */
  expiry: z.optional(PointsExpiry),
  /** Running missions (and those ended in the last 30 days) with the member's progress; absent from servers older than missions. */
  missions: z.optional(z.array(MissionStanding).check(z.maxLength(MAX_SYNC_MISSIONS))),
});
export type SyncResponse = z.infer<typeof SyncResponse>;

export const LedgerAccount = z.enum(['pending', 'available']);
export const Transaction = z.object({
  id: z.string(),
  account: LedgerAccount,
  delta: z.int(),
  reason: z.string(),
  purchaseId: z.optional(z.string()),
  redemptionId: z.optional(z.string()),
  /** For a donation: the charity that received the points. */
  charityName: z.optional(z.string()),
  createdAt: z.string(),
});
export type Transaction = z.infer<typeof Transaction>;
export const TransactionsPage = z.object({
  transactions: z.array(Transaction),
  /** Absent on the last page. */
  nextCursor: z.optional(z.string()),
});

export const RedemptionRequest = z.object({ rewardId: Slug });
export const RedemptionStatus = z.enum(['completed', 'pending']);
export const Redemption = z.object({
  id: z.string(),
  rewardId: z.string(),
  points: z.int(),
  status: RedemptionStatus,
  code: z.optional(z.string()),
  createdAt: z.string(),
});
export type Redemption = z.infer<typeof Redemption>;
export const RedemptionResponse = z.object({ redemption: Redemption });

/** A missing-points claim: the member's local receipt, for the operator to review. */
export const ClaimRequest = z.object({
  partnerId: Slug,
  orderId: text(1, 64),
  amountMinor: positiveInt.check(z.maximum(MAX_AMOUNT_MINOR)),
  currency: CurrencyCode,
  detectedAt: isoDateTime,
  method: z.optional(DetectionMethod),
  /** The page's origin and path, never its query string. */
  pageUrl: z.optional(text(0, 500)),
  note: z.optional(text(0, 1000, true)),
});
export const Claim = z.object({
  id: z.string(),
  purchaseId: z.string(),
  status: z.enum(['open', 'approved', 'rejected']),
  createdAt: z.string(),
});
export const ClaimResponse = z.object({ claim: Claim });

/** `placed`: the partner's record that the order exists, with its amount; it vouches for a member's purchase of it. */
export const ConfirmationStatus = z.enum(['placed', 'confirmed', 'returned', 'cancelled']);
/** Hex SHA-256 of the buyer's trimmed, lower-cased email (the enhanced-conversions convention). */
export const EmailSha256 = z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, '64 hex digits: SHA-256 of the trimmed, lower-cased email'), z.maxLength(64));
export const ConfirmationOrder = z.object({
  orderId: z.string().check(z.minLength(1), z.maxLength(64)),
  status: ConfirmationStatus,
  amountMinor: z.optional(nonNegativeInt),
  customerEmailSha256: z.optional(EmailSha256),
  /** When the order was placed: a confirmation that carries it is valued at the rate and offers of that moment. */
  orderedAt: z.optional(isoDateTime),
});
export type ConfirmationOrder = z.infer<typeof ConfirmationOrder>;
/** The most orders one partner report may carry. */
export const MAX_CONFIRMATION_ORDERS = 1000;
export const ConfirmationRequest = z.object({
  orders: z.array(ConfirmationOrder).check(z.minLength(1), z.maxLength(MAX_CONFIRMATION_ORDERS)),
});
export const ConfirmationResult = z.object({
  orderId: z.string(),
  status: z.enum(['applied', 'unchanged', 'unknown', 'invalid']),
  reason: z.optional(z.string()),
  purchase: z.optional(Purchase),
});
export const ConfirmationResponse = z.object({ results: z.array(ConfirmationResult) });

export const ErrorCode = z.enum([
  'bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type',
  'unprocessable', 'rate_limited', 'insufficient_points', 'idempotency_conflict', 'internal',
]);
export const ErrorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

// --- Detection health (`POST /v1/detection-reports`) ------------------------

/** The most reports one request may carry. */
export const MAX_DETECTION_REPORTS = 50;
/** The largest count one report may carry. */
export const MAX_DETECTION_REPORT_COUNT = 1000;
/** Reports older than this many days are refused: the extension sends them within a day or two. */
export const DETECTION_REPORT_MAX_AGE_DAYS = 30;

/**
 * A short code saying why nothing was recorded automatically on a page with
 * evidence of an order: `ambiguous_order_id`, `ambiguous_total`,
 * `no_order_id`, `no_total`, `member_confirmed`, `member_declined`, ….
 */
/**
 * The reason of a report for a page where the member confirmed the order: it
 * also arrives as a purchase (method `member-confirmed`), so the operator's
 * view lists it by reason but does not count it as a page without a record.
 */
export const MEMBER_CONFIRMED_REASON = 'member_confirmed';

export const DetectionReason = z.string().check(z.regex(/^[a-z_]{1,40}$/, 'a short code of lowercase letters and underscores (at most 40)'), z.maxLength(40));

/**
 * One anonymous counter: how many pages of a partner, on one day, showed
 * evidence of an order that the given detector version could not record
 * automatically, and why. Strict objects: a field the contract does not name
 * (a URL, page text, a member id) is refused, never stored.
 */
export const DetectionReport = z.strictObject({
  partnerId: Slug,
  /** The member's calendar day of the page view, `YYYY-MM-DD`. */
  day: z.iso.date(),
  /** `DETECTOR_VERSION` of lib/detect. */
  detectorVersion: z.string().check(z.regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,39}$/, 'a version such as 2.0.0 (at most 40 characters)'), z.maxLength(40)),
  reason: DetectionReason,
  count: z.int().check(z.minimum(1), z.maximum(MAX_DETECTION_REPORT_COUNT)),
});
export type DetectionReport = z.infer<typeof DetectionReport>;

export const DetectionReportsRequest = z.strictObject({
  reports: z.array(DetectionReport).check(z.minLength(1), z.maxLength(MAX_DETECTION_REPORTS)),
});
export type DetectionReportsRequest = z.infer<typeof DetectionReportsRequest>;

export const DetectionReportsResponse = z.object({
  /** How many reports were counted (all of them: a request is counted whole or refused whole). */
  accepted: z.int(),
});
export type DetectionReportsResponse = z.infer<typeof DetectionReportsResponse>;

/** The figures of one day or window of a partner's detection health. */
const DetectionFigures = {
  /** Orders recorded automatically: purchases whose method is not `member-confirmed`. */
  automatic: nonNegativeInt,
  /** Orders the member confirmed or corrected on the page (method `member-confirmed`). */
  memberConfirmed: nonNegativeInt,
  /** Pages with evidence of an order and no record: reported counts, except reason `member_confirmed` (those arrive as purchases). */
  evidenceWithoutRecord: nonNegativeInt,
};

/** `GET /v1/admin/detection-health` (operator): per partner and per day, and the drop flag. */
export const DetectionHealth = z.object({
  /** First and last day shown (UTC), and how many days that is. */
  from: z.iso.date(),
  to: z.iso.date(),
  days: positiveInt,
  /** The drop rule in words. */
  rule: z.string(),
  partners: z.array(z.object({
    partnerId: z.string(),
    /** The automatic rate fell by the rule: most likely the partner's template changed. */
    flagged: z.boolean(),
    recent: z.object({ from: z.iso.date(), to: z.iso.date(), ...DetectionFigures, events: nonNegativeInt, automaticRatePercent: z.optional(z.number()) }),
    baseline: z.object({ from: z.iso.date(), to: z.iso.date(), ...DetectionFigures, events: nonNegativeInt, automaticRatePercent: z.optional(z.number()) }),
    /** Days of the period with any figure, oldest first. */
    days: z.array(z.object({
      day: z.iso.date(),
      ...DetectionFigures,
      /** Every report of the day by reason, `member_confirmed` included. */
      reportsByReason: z.record(z.string(), nonNegativeInt),
      /** The same reports by detector version: a new version tells our change from the shop's. */
      reportsByDetectorVersion: z.record(z.string(), nonNegativeInt),
    })),
  })),
});
export type DetectionHealth = z.infer<typeof DetectionHealth>;

/** The most months `GET /v1/admin/points-liability` reports at once. */
export const MAX_LIABILITY_MONTHS = 120;
export const DEFAULT_LIABILITY_MONTHS = 12;

/**
 * One calendar month (UTC) of the points ledger, for the operator's books:
 * what moved in and out of the members' available points, and what was
 * outstanding at its end. `availableAtEnd` = the previous month's +
 * `earnedPoints` − `spentPoints` − `expiredPoints` − `takenBackPoints` +
 * `otherPoints`.
 */
export const LiabilityMonth = z.object({
  /** `YYYY-MM`. */
  month: z.string().check(z.regex(/^\d{4}-\d{2}$/, 'a month such as 2026-03'), z.maxLength(7)),
  /** Points that became available: confirmed purchases, released referral bonuses, programme bonuses. */
  earnedPoints: z.int(),
  /** Redeemed for vouchers or donated. */
  spentPoints: z.int(),
  /** Breakage: points that expired unspent, less expired points given back when their purchase was returned. */
  expiredPoints: z.int(),
  /** Taken back from available by returns and reversals of confirmed purchases and of referral bonuses. */
  takenBackPoints: z.int(),
  /** Debts moved between an erased member and the account that inherited them, and anything else. */
  otherPoints: z.int(),
  /** Sum of every member's available points at the end of the month (debts count negative): the outstanding liability. */
  availableAtEnd: z.int(),
  /** Sum of pending points at the end of the month: liability that may still be confirmed or fall away. */
  pendingAtEnd: z.int(),
});
export type LiabilityMonth = z.infer<typeof LiabilityMonth>;

/** `GET /v1/admin/points-liability` (operator): the outstanding points liability and the breakage, per month. */
export const PointsLiability = z.object({
  /** POINTS_EXPIRY_MONTHS in force; 0 when points never expire. */
  expiryMonths: z.int(),
  /** Oldest month first, up to and including the current one. */
  months: z.array(LiabilityMonth),
  /** Now, from the balance rows. */
  current: z.object({
    /** Points members hold (members with a positive balance). */
    availablePoints: z.int(),
    /** Points members owe after returns of spent points (as a positive number). */
    debtPoints: z.int(),
    pendingPoints: z.int(),
  }),
});
export type PointsLiability = z.infer<typeof PointsLiability>;
