/**
 * Purchases the partner never vouched for. At the end of its hold period a
 * pending purchase whose order the partner has not reported (`placed` or
 * `confirmed`) stays pending: it is flagged `unvouched` for the operator's
 * review queue, and never becomes spendable on the member's word alone.
 * After a grace period past the hold it is rejected with the reason
 * `not_confirmed_by_shop`, which the member reads in the popup.
 */
import type { Db } from '../db/index.ts';
import { lockMember } from '../ledger/ledger.ts';
import { PurchaseFlag, rejectNotConfirmedByShop } from './lifecycle.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an unvouched purchase waits past its hold for the partner's word before it is rejected. */
export const UNVOUCHED_GRACE_DAYS = 30;

const NOT_REPORTED = `NOT EXISTS (SELECT 1 FROM partner_orders po WHERE po.partner_id = p.partner_id AND po.order_id = p.order_id)`;

/**
 * Flags pending purchases past their hold that no partner report vouches
 * for, and rejects those still unvouched after the grace period. Returns how
 * many purchases it flagged or rejected.
 */
export async function reviewUnvouched(db: Db, now: Date, limit = 500): Promise<number> {
  const flagged = await db.query(
    `UPDATE purchases SET flag = '${PurchaseFlag.unvouched}'
      WHERE id IN (SELECT p.id FROM purchases p
                    WHERE p.status = 'pending' AND p.hold_until <= $1 AND p.flag IS NULL AND ${NOT_REPORTED}
                    ORDER BY p.hold_until LIMIT $2)
      RETURNING id`,
    [now.toISOString(), limit],
  );
  const graceEnded = new Date(now.getTime() - UNVOUCHED_GRACE_DAYS * DAY_MS);
  const due = await db.query<{ id: string; member_id: string }>(
    `SELECT p.id, p.member_id FROM purchases p
      WHERE p.status = 'pending' AND p.hold_until <= $1 AND p.flag = '${PurchaseFlag.unvouched}' AND ${NOT_REPORTED}
      ORDER BY p.hold_until, p.id LIMIT $2`,
    [graceEnded.toISOString(), limit],
  );
  let rejected = 0;
  for (const { id, member_id } of due) {
    const applied = await db.transaction(async (tx) => {
      await lockMember(tx, member_id);
      // Re-checked under the lock: a report may have arrived since the scan.
      const still = await tx.query(`SELECT 1 FROM purchases p WHERE p.id = $1 AND p.status = 'pending' AND ${NOT_REPORTED}`, [id]);
      if (still.length === 0) return false;
      return (await rejectNotConfirmedByShop(tx, id, now)).status === 'applied';
    });
    if (applied) rejected++;
  }
  return flagged.length + rejected;
}
