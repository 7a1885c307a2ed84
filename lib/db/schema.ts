/**
 * The shape of the extension's one IndexedDB database. Every piece of state
 * lives here, because the MV3 service worker may be killed after 30 s idle and
 * nothing may live only in memory.
 */
import type { DBSchema } from 'idb';
import type { Balance, Member, Offer, MissionStanding, Partner, PointsExpiry, PurchaseStatus, TierProgress } from '../contract/index.ts';

export const DB_NAME = 'sammelpunkt';

/** Where a purchase stands on the server, as last heard from it. */
export interface ServerState {
  /** The server's id for the purchase; differs from the receipt's id when another device claimed it first. */
  id?: string;
  status: PurchaseStatus;
  points: number;
  /**
   * The amount that stands on the server: the partner's confirmed amount,
   * or what is left after a return. The receipt keeps what the page showed.
   */
  amountMinor?: number;
  reason?: string;
  expectedConfirmationAt?: string;
  updatedAt: string;
}

/**
 * The local receipt: the member's own evidence of a purchase. Receipts of
 * purchases detected on this device carry the page's origin and path (never
 * its query or hash); receipts first heard of from the server (another
 * device) have no page.
 */
export interface Receipt {
  /** UUIDv7 minted at detection; reused by every retry. */
  id: string;
  partnerId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  /** ISO 8601 UTC. */
  detectedAt: string;
  method: string;
  pageOrigin?: string;
  pagePath?: string;
  /** The extension's estimate at detection (`lib/points`); the server's figure is in `server.points`. */
  estimatedPoints: number;
  /** Undefined while the purchase waits to be synced. */
  server?: ServerState;
  /** Set when the server holds a different body under this id; never resent, shown to the member. */
  conflict?: { reason?: string; at: string };
}

/** A receipt that still has to reach the server. */
export interface OutboxEntry {
  /** The receipt's id. */
  id: string;
  attempts: number;
  lastError?: string;
  /** Epoch milliseconds; the earliest time the entry is due again. */
  nextAttemptAt: number;
  createdAt: string;
}

export interface CatalogRecord {
  partners: Partner[];
  etag?: string;
  /** ISO 8601 UTC of the last successful request (200 or 304). */
  fetchedAt: string;
}

export interface OffersRecord {
  offers: Offer[];
  /** The `offersVersion` from `GET /v1/me/sync` these offers belong to. */
  version?: string;
  fetchedAt: string;
}

export interface Account {
  token: string;
  member: Member;
  signedInAt: string;
}

export interface Consent {
  given: boolean;
  /** ISO 8601 UTC of the member's last decision. */
  at: string;
}

export interface Settings {
  /** Undefined until the member has decided on the onboarding page; nothing is inspected before. */
  consent?: Consent;
  apiBaseUrl: string;
  notifications: boolean;
  /**
   * Personal suggestions (lib/offers/rank.ts), computed on this device from
   * the receipts: on unless set to false. Off: offers in their plain order,
   * no reasons, no partner suggested after a purchase.
   */
  personalSuggestions?: boolean;
  /** The partner suggestion in the in-page moment after a purchase; on unless set to false (or personal suggestions are off). */
  inpageSuggestions?: boolean;
  /** The local day (`YYYY-MM-DD`) a partner was last suggested after a purchase; see lib/inpage/suggestion.ts. */
  suggestionShownOn?: string;
  /** Partner ids for which no notification and no in-page reminder is shown. */
  mutedShops: string[];
  /** The in-page reminder on partner shops, for all shops at once; on unless set to false. */
  reminders?: boolean;
  /** Partner id → the local day (`YYYY-MM-DD`) its reminder was last shown; see lib/inpage/reminder.ts. */
  reminderShownOn?: Record<string, string>;
  /**
   * Detection health (lib/inpage/health.ts, lib/sync/reports.ts): counted and
   * sent only while the member has turned this on in the options. Off unless
   * set to true: `getSettings` reads a record without it (an install from
   * before the switch) as false.
   */
  detectionReports?: boolean;
}

export interface SyncError {
  code: string;
  message: string;
  at: string;
}

export interface SyncState {
  /** Opaque cursor from the last `GET /v1/me/sync`. */
  cursor?: string;
  lastSyncAt?: string;
  lastError?: SyncError;
  balance?: Balance;
  tier?: string;
  /** The tier and the way to the next as the server measured it at the last sync. */
  tierProgress?: TierProgress;
  /** The points about to expire as the server counted them at the last sync (absent from older servers). */
  expiry?: PointsExpiry;
  /** The member's missions and progress as the server counted them at the last sync (absent from older servers). */
  missions?: MissionStanding[];
  /** Missions whose completion the member was already notified about (newest last): one notification per mission. */
  missionsNotified?: string[];
  /** The last spendable day (`expiresOn`) the member was already notified about: one notification per date. */
  expiryNotifiedFor?: string;
  catalogVersion?: string;
  offersVersion?: string;
  /** Consecutive failures; the backoff grows with it and resets on success. */
  attempt: number;
  /** Epoch milliseconds of the scheduled retry, if any. */
  nextRetryAt?: number;
  /** Epoch milliseconds before which the API asked us (429 Retry-After) not to call again. */
  notBefore?: number;
  /** True when the API refused the token (401): the member has to sign in again. */
  signedOut?: boolean;
}

/**
 * One counter of detection health: pages of a partner where an order was
 * evident but nothing was recorded automatically, by reason. Nothing else:
 * no page, no order, no member (see lib/detect/report.ts).
 */
export interface DetectionReportCount {
  /** `partnerId|day|detectorVersion|reason`. */
  key: string;
  partnerId: string;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  detectorVersion: string;
  reason: string;
  count: number;
}

/**
 * A tab whose last partner page was that shop's final checkout step, kept
 * until the next partner page in the tab reads it (lib/detect/session.ts):
 * the tab, the partner and when; never the page.
 */
export interface FinalStepMark {
  tabId: number;
  partnerId: string;
  /** Epoch milliseconds. */
  at: number;
}

/** The key of every single-record store. */
export const CURRENT = 'current';
type Current = typeof CURRENT;

export interface SammelpunktSchema extends DBSchema {
  purchases: {
    key: string;
    value: Receipt;
    indexes: {
      /** Unique: one receipt per order of a partner, however often the thank-you page is shown. */
      'by-order': [string, string];
      /** For the history, newest first. */
      'by-detectedAt': string;
    };
  };
  outbox: { key: string; value: OutboxEntry; indexes: { 'by-nextAttemptAt': number } };
  catalog: { key: Current; value: CatalogRecord };
  offers: { key: Current; value: OffersRecord };
  account: { key: Current; value: Account };
  settings: { key: Current; value: Settings };
  syncState: { key: Current; value: SyncState };
  detectionReports: { key: string; value: DetectionReportCount };
  finalSteps: { key: number; value: FinalStepMark };
}

export type StoreName = 'purchases' | 'outbox' | 'catalog' | 'offers' | 'account' | 'settings' | 'syncState' | 'detectionReports' | 'finalSteps';

/** The demo server of `npm start`: the API of development builds and of the tests. */
export const DEMO_API_BASE_URL = 'http://localhost:8787';

/** Set by the build (wxt.config.ts, from `WXT_API_URL`); absent outside a build, e.g. in Node. */
declare const __SAMMELPUNKT_API_URL__: string | undefined;

/** The API this build talks to until the member saves another address in the options. */
export const DEFAULT_API_BASE_URL = typeof __SAMMELPUNKT_API_URL__ === 'string' ? __SAMMELPUNKT_API_URL__ : DEMO_API_BASE_URL;

export const DEFAULT_SETTINGS: Settings = {
  apiBaseUrl: DEFAULT_API_BASE_URL,
  notifications: true,
  mutedShops: [],
  detectionReports: false,
};
