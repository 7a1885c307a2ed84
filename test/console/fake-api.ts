/** A console API for the page tests: every call answers an empty programme unless the test gives its own. */
import type { ConsoleSession, OperatorRole, ProgrammeOverview } from '../../lib/contract/console.ts';
import { type Api, ApiFailure } from '../../console/api.ts';

export const session = (role: OperatorRole): ConsoleSession => ({
  operator: { id: '0190f5d0-0000-7000-8000-000000000001', email: 'rita@ops.example', role, createdAt: '2026-12-01T00:00:00.000Z', active: true },
  csrfToken: 'csrf-token-of-the-session-0123456789',
  expiresAt: '2026-12-06T12:00:00.000Z',
});

export function emptyOverview(from: string, to: string): ProgrammeOverview {
  const zero = { activeMembers: 0, newMembers: 0, purchases: 0, pointsBooked: 0, confirmedPurchases: 0, rejectedPurchases: 0, pointsIssued: 0, pointsRedeemed: 0, pointsExpired: 0, availableAtEnd: 0, pendingAtEnd: 0 };
  return {
    from,
    to,
    interval: 'day',
    totals: { ...zero, pendingPurchases: 0, confirmationRate: null, rejectionRate: null, repeatMembers: 0, repeatPurchaseRate: null, redemptionRate: null },
    series: [{ start: from, ...zero }],
  };
}

export function fakeApi(role: OperatorRole | null, overrides: Partial<Api> = {}): Api {
  return {
    session: async () => (role ? session(role) : null),
    signIn: async () => session('viewer'),
    signOut: async () => {},
    claims: async () => [],
    approve: async () => {},
    reject: async () => {},
    overview: async ({ from, to }) => emptyOverview(from, to),
    decideClaims: async (decision, ids) => ids.map((id) => ({ id, outcome: 'decided' as const, status: decision === 'approve' ? 'approved' : 'rejected' })),
    holds: async () => ({ purchases: [], referrals: [] }),
    partners: async () => ({ partners: [], nextAfter: null }),
    editPartner: async (id, edit) => ({ id, name: id, domains: [], category: 'shop', earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: false, ...edit }),
    detectionHealth: async () => ({ from: '2026-11-23', to: '2026-12-06', days: 14, rule: '', partners: [] }),
    findMember: async () => {
      throw new ApiFailure(422, 'refused', 'No member');
    },
    memberLedger: async () => ({ transactions: [] }),
    eraseMember: async () => {},
    offers: async () => [],
    rewards: async () => [],
    putOffer: async (offer) => offer,
    putReward: async (reward) => reward,
    confirmations: async (partnerId, _csv, dryRun) => ({ partnerId, dryRun, alreadyImportedAt: null, rows: [], counts: { applied: 0, unchanged: 0, unknown: 0, invalid: 0 } }),
    audit: async () => ({ entries: [], nextCursor: null }),
    importCatalog: async () => ({ created: [], updated: [], unchanged: [] }),
    decideHolds: async (_decision, ids) => ids.map((id) => ({ id, outcome: 'decided' as const, status: 'purchase' })),
    ...overrides,
  };
}
