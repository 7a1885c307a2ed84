/**
 * Leases on scheduled jobs, kept in the `job_locks` table so every replica on
 * the same database sees them. A replica takes a job's lease with one
 * conditional UPDATE: of several replicas asking at once, PostgreSQL lets
 * exactly one row update through and the others get no row back.
 *
 * Lease times come from the caller's clock rather than the database's now(),
 * so tests can move time across hold periods; replicas' clocks agree to far
 * better than a lease lasts.
 */
import type { Queryable } from '../db/index.ts';

/** Takes the lease on `name` until `until`, if nobody holds it at `now`; true when taken. */
export async function acquireJobLock(db: Queryable, name: string, holder: string, now: Date, until: Date): Promise<boolean> {
  // Jobs added after the migration get their row on first use.
  await db.query(`INSERT INTO job_locks (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  const rows = await db.query(
    `UPDATE job_locks SET locked_until = $3, holder = $2
      WHERE name = $1 AND locked_until <= $4
      RETURNING holder`,
    [name, holder, until.toISOString(), now.toISOString()],
  );
  return rows.length === 1;
}

/** Extends a lease this holder still has (a long run); false when it was lost in the meantime. */
export async function extendJobLock(db: Queryable, name: string, holder: string, until: Date): Promise<boolean> {
  const rows = await db.query('UPDATE job_locks SET locked_until = $3 WHERE name = $1 AND holder = $2 RETURNING 1', [
    name,
    holder,
    until.toISOString(),
  ]);
  return rows.length === 1;
}

/** Gives the lease back at `now` (a replica shutting down), so another replica can take it at once. */
export async function releaseJobLock(db: Queryable, name: string, holder: string, now: Date): Promise<void> {
  await db.query('UPDATE job_locks SET locked_until = $3 WHERE name = $1 AND holder = $2 AND locked_until > $3', [
    name,
    holder,
    now.toISOString(),
  ]);
}
