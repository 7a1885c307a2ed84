/**
 * The console's calls to the API it is served by: same origin, the session
 * cookie goes along by itself; every change carries the session's CSRF token.
 * Answers are checked against the shared contract where one exists.
 */
import * as z from 'zod/mini';
import { DetectionHealth, Offer, Partner, Purchase, Reward, TransactionsPage } from '../lib/contract/index.ts';
import { AdminOffers, AdminPartnerPage, AdminRewards, AuditPage, ConfirmationFileReport, ConsoleSession, type DecisionResult, type PartnerEdit, DecisionResults, type OverviewInterval, ProgrammeOverview } from '../lib/contract/console.ts';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface Api {
  session(): Promise<ConsoleSession | null>;
  signIn(email: string, password: string): Promise<ConsoleSession>;
  signOut(): Promise<void>;
  claims(status: 'open' | 'approved' | 'rejected'): Promise<ClaimItem[]>;
  approve(id: string): Promise<void>;
  reject(id: string, reason: string): Promise<void>;
  overview(period: { from: string; to: string; interval?: OverviewInterval }): Promise<ProgrammeOverview>;
  decideClaims(decision: 'approve' | 'reject', ids: string[], reason?: string): Promise<DecisionResult[]>;
  holds(): Promise<HoldQueue>;
  decideHolds(decision: 'release' | 'reject', ids: string[], reason?: string): Promise<DecisionResult[]>;
  partners(query: { q?: string; after?: string }): Promise<AdminPartnerPage>;
  editPartner(id: string, edit: PartnerEdit): Promise<Partner>;
  detectionHealth(): Promise<DetectionHealth>;
  findMember(by: { email: string } | { number: string }): Promise<MemberView>;
  memberLedger(id: string, cursor?: string): Promise<TransactionsPage>;
  eraseMember(id: string, reason: string): Promise<void>;
  offers(includeEnded: boolean): Promise<Offer[]>;
  rewards(): Promise<Reward[]>;
  putOffer(offer: Offer): Promise<Offer>;
  putReward(reward: Reward): Promise<Reward>;
  confirmations(partnerId: string, csv: string, dryRun: boolean): Promise<ConfirmationFileReport>;
  audit(filters: AuditFilters, cursor?: string): Promise<AuditPage>;
  importCatalog(kind: 'partners' | 'offers' | 'rewards', format: 'json' | 'csv', content: string): Promise<ImportReport>;
}

const ImportReport = z.object({ created: z.array(z.string()), updated: z.array(z.string()), unchanged: z.array(z.string()) });
export type ImportReport = z.infer<typeof ImportReport>;

export interface AuditFilters {
  action?: string;
  actor?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

/** The audit log's query string for the filters set (the CSV link uses it too). */
export function auditQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const set = Object.entries({ ...filters, ...extra }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return new URLSearchParams(set).toString();
}
type AuditPage = z.infer<typeof AuditPage>;

export const MemberView = z.object({
  id: z.string(),
  email: z.string(),
  memberNumber: z.string(),
  tier: z.string(),
  createdAt: z.string(),
  balance: z.object({ available: z.number(), pending: z.number(), lifetime: z.number() }),
  purchases: z.array(Purchase),
  openClaims: z.number(),
});
export type MemberView = z.infer<typeof MemberView>;
type TransactionsPage = z.infer<typeof TransactionsPage>;

export const HoldItem = z.object({
  purchaseId: z.string(),
  memberId: z.string(),
  partnerId: z.string(),
  orderId: z.string(),
  amountMinor: z.number(),
  currency: z.string(),
  points: z.number(),
  createdAt: z.string(),
  status: z.string(),
  reason: z.string(),
});
export type HoldItem = z.infer<typeof HoldItem>;
export const HeldReferralItem = z.object({ referredId: z.string(), referrerId: z.string(), status: z.string(), reason: z.string(), createdAt: z.string() });
export type HeldReferralItem = z.infer<typeof HeldReferralItem>;
const HoldQueue = z.object({ purchases: z.array(HoldItem), referrals: z.array(HeldReferralItem) });
export type HoldQueue = z.infer<typeof HoldQueue>;

export const ClaimItem = z.object({
  id: z.string(),
  memberId: z.string(),
  status: z.string(),
  reason: z.nullable(z.string()),
  createdAt: z.string(),
  receipt: z.object({
    partnerId: z.optional(z.string()),
    orderId: z.optional(z.string()),
    amountMinor: z.optional(z.number()),
    currency: z.optional(z.string()),
    detectedAt: z.optional(z.string()),
  }),
  /** Open claims: what the partner's side says about the order. */
  partner: z.optional(
    z.object({
      placed: z.nullable(z.object({ amountMinor: z.number(), reportedAt: z.string() })),
      bookedFor: z.nullable(z.enum(['this_member', 'another_member'])),
    }),
  ),
});
export type ClaimItem = z.infer<typeof ClaimItem>;
const ClaimList = z.object({ claims: z.array(ClaimItem) });

export function createApi(fetcher: typeof fetch = fetch): Api {
  let csrfToken = '';

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
    const res = await fetcher(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (res.status === 204) return null;
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      throw new ApiFailure(res.status, parsed.success ? parsed.data.error.code : 'unknown', parsed.success ? parsed.data.error.message : `HTTP ${res.status}`);
    }
    return json;
  }

  const remember = (raw: unknown): ConsoleSession => {
    const session = ConsoleSession.parse(raw);
    csrfToken = session.csrfToken;
    return session;
  };

  return {
    async session() {
      try {
        return remember(await call('GET', '/v1/console/me'));
      } catch (err) {
        if (err instanceof ApiFailure && err.status === 401) return null;
        throw err;
      }
    },
    async signIn(email, password) {
      return remember(await call('POST', '/v1/console/sign-in', { email, password }));
    },
    async signOut() {
      await call('POST', '/v1/console/sign-out');
      csrfToken = '';
    },
    async claims(status) {
      return ClaimList.parse(await call('GET', `/v1/admin/claims?status=${status}`)).claims;
    },
    async approve(id) {
      await call('POST', `/v1/admin/claims/${encodeURIComponent(id)}/approve`);
    },
    async reject(id, reason) {
      await call('POST', `/v1/admin/claims/${encodeURIComponent(id)}/reject`, reason ? { reason } : {});
    },
    async overview({ from, to, interval }) {
      const q = new URLSearchParams({ from, to, ...(interval ? { interval } : {}) });
      return ProgrammeOverview.parse(await call('GET', `/v1/admin/overview?${q}`));
    },
    async decideClaims(decision, ids, reason) {
      return DecisionResults.parse(await call('POST', '/v1/admin/claims/decisions', { decision, ids, ...(reason ? { reason } : {}) })).results;
    },
    async holds() {
      return HoldQueue.parse(await call('GET', '/v1/admin/review'));
    },
    async partners({ q, after }) {
      const query = new URLSearchParams({ limit: '100', ...(q ? { q } : {}), ...(after ? { after } : {}) });
      return AdminPartnerPage.parse(await call('GET', `/v1/admin/partners?${query}`));
    },
    async editPartner(id, edit) {
      return z.object({ partner: Partner }).parse(await call('PATCH', `/v1/admin/partners/${encodeURIComponent(id)}`, edit)).partner;
    },
    async detectionHealth() {
      return DetectionHealth.parse(await call('GET', '/v1/admin/detection-health'));
    },
    async findMember(by) {
      const query = new URLSearchParams('email' in by ? { email: by.email } : { number: by.number });
      return z.object({ member: MemberView }).parse(await call('GET', `/v1/admin/members?${query}`)).member;
    },
    async memberLedger(id, cursor) {
      return TransactionsPage.parse(await call('GET', `/v1/admin/members/${encodeURIComponent(id)}/ledger${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`));
    },
    async eraseMember(id, reason) {
      await call('POST', `/v1/admin/members/${encodeURIComponent(id)}/erase`, { reason });
    },
    async offers(includeEnded) {
      return AdminOffers.parse(await call('GET', `/v1/admin/offers${includeEnded ? '?include=ended' : ''}`)).offers;
    },
    async rewards() {
      return AdminRewards.parse(await call('GET', '/v1/admin/rewards')).rewards;
    },
    async putOffer(offer) {
      return z.object({ offer: Offer }).parse(await call('PUT', `/v1/admin/offers/${encodeURIComponent(offer.id)}`, offer)).offer;
    },
    async putReward(reward) {
      return z.object({ reward: Reward }).parse(await call('PUT', `/v1/admin/rewards/${encodeURIComponent(reward.id)}`, reward)).reward;
    },
    async confirmations(partnerId, csv, dryRun) {
      return ConfirmationFileReport.parse(await call('POST', `/v1/admin/confirmations/${encodeURIComponent(partnerId)}${dryRun ? '?dryRun=1' : ''}`, { csv }));
    },
    async audit(filters, cursor) {
      return AuditPage.parse(await call('GET', `/v1/admin/audit?${auditQuery(filters, cursor ? { cursor } : {})}`));
    },
    async importCatalog(kind, format, content) {
      return z.object({ report: ImportReport }).parse(await call('POST', `/v1/admin/imports/${kind}`, { format, content })).report;
    },
    async decideHolds(decision, ids, reason) {
      return DecisionResults.parse(await call('POST', '/v1/admin/review/decisions', { decision, ids, ...(reason ? { reason } : {}) })).results;
    },
  };
}
