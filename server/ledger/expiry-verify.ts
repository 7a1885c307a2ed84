/**
 * The expiry half of `npm run ledger:verify`: replays the available account
 * of every member with an expiry, entry by entry, and checks that each
 * `expiry` entry took exactly what was left of the lot it names at that
 * moment (first in, first out, as expiry.ts books it), that no lot expired
 * twice, that an expiry never took available below zero, and that no
 * reinstatement gave back more than its lot lost.
 */
import type { Queryable } from '../db/index.ts';

export interface ExpiryMismatch {
  memberId: string;
  entryId: number;
  problem: string;
}

interface EntryRow {
  [key: string]: unknown;
  id: number;
  member_id: string;
  account: string;
  delta: number;
  reason: string;
  earning_entry_id: number | null;
  created_at: Date;
}

interface LotState {
  earnedAt: number;
  credited: number;
  expired: number;
  expiries: number;
  reinstated: number;
}

/** Members per page, like the valuation check: bounded memory, each member's entries read once. */
const MEMBERS_PER_PAGE = 200;

function replayMember(memberId: string, entries: readonly EntryRow[], out: ExpiryMismatch[]): void {
  const lots = new Map<number, LotState>();
  let debited = 0;
  let available = 0;
  const flag = (e: EntryRow, problem: string) => out.push({ memberId, entryId: Number(e.id), problem });
  // Σ credited of the lots up to and including `lot` in FIFO order (earning time, then id).
  const prefixThrough = (lotId: number, lot: LotState) => {
    let sum = 0;
    for (const [id, l] of lots) if (l.earnedAt < lot.earnedAt || (l.earnedAt === lot.earnedAt && id <= lotId)) sum += l.credited;
    return sum;
  };
  for (const e of entries) {
    const delta = Number(e.delta);
    const expiryKind = e.reason === 'expiry' || e.reason === 'expiry_reinstated';
    if (expiryKind && (e.account !== 'available' || e.earning_entry_id === null)) {
      flag(e, `${e.reason} entry outside the available account or naming no lot`);
    }
    if (e.account !== 'available') continue;
    const lotId = e.earning_entry_id === null ? undefined : Number(e.earning_entry_id);
    const lot = lotId === undefined ? undefined : lots.get(lotId);
    if (e.reason === 'expiry' && lotId !== undefined) {
      if (!lot) flag(e, `expiry names entry ${lotId}, which is no earning lot of this member before it`);
      else {
        const left = Math.max(0, Math.min(lot.credited, prefixThrough(lotId, lot) - debited));
        if (lot.expiries > 0) flag(e, `lot ${lotId} expired a second time`);
        if (-delta !== left) flag(e, `expired ${-delta} points of lot ${lotId}, which had ${left} left`);
        lot.expired += -delta;
        lot.expiries++;
      }
    } else if (e.reason === 'expiry_reinstated' && lotId !== undefined) {
      if (!lot) flag(e, `reinstatement names entry ${lotId}, which is no earning lot of this member`);
      else {
        lot.reinstated += delta;
        lot.credited += delta;
        if (delta <= 0 || lot.reinstated > lot.expired) flag(e, `gave back ${delta} points of lot ${lotId}, more than expired of it`);
      }
    } else if (delta > 0) {
      lots.set(Number(e.id), { earnedAt: new Date(e.created_at).getTime(), credited: delta, expired: 0, expiries: 0, reinstated: 0 });
    }
    if (delta < 0) debited += -delta;
    available += delta;
    if (e.reason === 'expiry' && available < 0) flag(e, `expiry took available to ${available}`);
  }
}

/** Checks every member who has an expiry or a reinstatement; returns how many expiry entries were checked and what is wrong. */
export async function verifyExpiries(db: Queryable): Promise<{ expiries: number; expiredPoints: number; mismatches: ExpiryMismatch[] }> {
  const mismatches: ExpiryMismatch[] = [];
  let expiries = 0;
  let expiredPoints = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const members = (
      await db.query<{ member_id: string }>(
        `SELECT DISTINCT member_id FROM ledger_entries
          WHERE reason IN ('expiry', 'expiry_reinstated') AND member_id > $1::uuid ORDER BY member_id LIMIT $2`,
        [after, MEMBERS_PER_PAGE],
      )
    ).map((m) => m.member_id);
    if (members.length === 0) return { expiries, expiredPoints, mismatches };
    const rows = await db.query<EntryRow>(
      `SELECT id, member_id, account, delta, reason, earning_entry_id, created_at
         FROM ledger_entries WHERE member_id = ANY($1::uuid[]) ORDER BY member_id, id`,
      [members],
    );
    const byMember = new Map<string, EntryRow[]>();
    for (const r of rows) {
      if (r.reason === 'expiry') {
        expiries++;
        expiredPoints -= Number(r.delta);
      }
      const list = byMember.get(r.member_id) ?? [];
      list.push(r);
      byMember.set(r.member_id, list);
    }
    for (const [memberId, entries] of byMember) replayMember(memberId, entries, mismatches);
    after = members[members.length - 1]!;
  }
}
