/**
 * The programme's charity accounts. A donation moves points out of the
 * member's available account (ledger reason `donation`, spending, so
 * `lifetime` stays) into the charity's account, in the same transaction:
 * an append-only `charity_entries` row and the account's balance moved by it,
 * like a member's balance row. The operator pays the charity out of that
 * balance; `verifyCharities` checks it against the entries and the members'
 * donation entries.
 */
import type { Reward } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';

export interface Charity {
  id: string;
  name: string;
}

/** The charity a donation reward gives to: the one it names, else the reward itself. */
export function charityOf(reward: Reward): Charity {
  return { id: reward.charityId ?? reward.id, name: reward.charityName ?? reward.title };
}

/** Books a donation on the charity's side. Call in the redemption's transaction. */
export async function creditCharity(
  tx: Queryable,
  charity: Charity,
  donation: { memberId: string; redemptionId: string; points: number; at: Date },
): Promise<void> {
  // The account is opened on its first donation; a renamed charity keeps its account and shows the new name.
  await tx.query(
    `INSERT INTO charity_accounts (id, name, balance) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, balance = charity_accounts.balance + EXCLUDED.balance`,
    [charity.id, charity.name, donation.points],
  );
  await tx.query(
    'INSERT INTO charity_entries (charity_id, member_id, redemption_id, points, created_at) VALUES ($1, $2, $3, $4, $5)',
    [charity.id, donation.memberId, donation.redemptionId, donation.points, donation.at.toISOString()],
  );
}

export interface CharityMismatch {
  charityId: string;
  balance: number;
  fromEntries: number;
}

/**
 * Each charity's balance equals the sum of its entries, and everything the
 * charities received equals everything members donated.
 */
export async function verifyCharities(db: Queryable): Promise<{ charities: number; mismatches: CharityMismatch[]; donatedByMembers: number; receivedByCharities: number }> {
  const [accounts, totals] = await Promise.all([
    db.query<{ id: string; balance: number; from_entries: number }>(
      `SELECT a.id, a.balance, COALESCE((SELECT SUM(points) FROM charity_entries e WHERE e.charity_id = a.id), 0)::bigint AS from_entries
         FROM charity_accounts a ORDER BY a.id`,
    ),
    db.query<{ donated: number; received: number }>(
      `SELECT COALESCE((SELECT -SUM(delta) FROM ledger_entries WHERE reason = 'donation'), 0)::bigint AS donated,
              COALESCE((SELECT SUM(points) FROM charity_entries), 0)::bigint AS received`,
    ),
  ]);
  return {
    charities: accounts.length,
    mismatches: accounts.filter((a) => a.balance !== a.from_entries).map((a) => ({ charityId: a.id, balance: a.balance, fromEntries: a.from_entries })),
    donatedByMembers: totals[0]?.donated ?? 0,
    receivedByCharities: totals[0]?.received ?? 0,
  };
}
