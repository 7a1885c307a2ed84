/**
 * Reads that may be a little stale go to a streaming replica of the primary
 * (`DATABASE_READ_URL`, PostgreSQL only); everything else, and every read
 * the replica cannot serve well, goes to the primary. docs/scaling.md says
 * which reads those are and why.
 *
 * A monitor asks both servers every CHECK_INTERVAL_MS how far the replica
 * has replayed the primary's WAL: it samples the primary's WAL position
 * with the time of sampling, and the replica's replay position; the newest
 * sample the replica has passed tells up to when it holds every commit, so
 * the lag is measured end to end in time even on an idle primary. A replica
 * further behind than REPLICA_MAX_LAG_MS, or one that does not answer, serves
 * nothing: reads go to the primary and the monitor checks again with backoff,
 * so a replica that is down costs one failed check per backoff step, never a
 * failed request.
 *
 * A member's own reads must show the member's own writes. Every member write
 * request ends by storing the primary's WAL position in the member's row
 * (`members.written_lsn`, taken after the write committed); the token check,
 * which runs on the primary anyway, reads it back in the same statement. A
 * member read goes to the replica only once the replica's replay position
 * has passed it, else to the primary: no waiting, no guessed time window,
 * and it holds across API processes.
 */
import { openPostgres, type Db, type Queryable, type Row, type Sql } from './index.ts';

export const CHECK_INTERVAL_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** Samples older than this are of no use: a replica that far behind is unusable anyway. */
const SAMPLE_KEEP_MS = 10 * 60 * 1000;

/** Where one read went: to the replica, or to the primary and why. */
export type ReadTarget = 'replica' | 'primary';
export type ReadReason = 'replica' | 'down' | 'lagging' | 'own_write' | 'failed_over';

export interface ReplicaState {
  up: boolean;
  /** How long ago the replica held everything the primary had; null when not known. */
  lagMs: number | null;
  usable: boolean;
}

/** Reads for one request, each pinned to one server when the request begins. */
export interface ReadRouting {
  /** For reads that may be a little stale: the catalogue, offers, rewards, operator reports. */
  stale(): Queryable;
  /** For a member's own reads: the replica once it has replayed `writtenLsn` (the member's last write). */
  forMember(writtenLsn: string | null): Queryable;
  /** Called at the end of a member's write request, after the write committed. */
  markWritten(memberId: string): Promise<void>;
  state(): ReplicaState;
  close(): Promise<void>;
}

/** A pg_lsn (`16/B374D848`) as a number that compares. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * Errors after which the same read is retried on the primary: the replica
 * is unreachable or shutting down (no SQLSTATE, class 08, 57P0x), or it
 * cancelled the read for a conflict with recovery (40001). A read that fails
 * on its own SQL fails the same way on the primary and is not retried.
 */
function replicaTrouble(err: unknown): { down: boolean } | null {
  const code = (err as { code?: string }).code;
  if (code === '40001') return { down: false };
  // A SQLSTATE is five characters with a digit among them; anything else is the client's or the network's (ECONNREFUSED, EPIPE).
  const sqlState = code !== undefined && /^(?=.*\d)[0-9A-Z]{5}$/.test(code);
  if (!sqlState || code.startsWith('08') || code.startsWith('57P')) return { down: true };
  return null;
}

interface Sample {
  atMs: number;
  lsn: bigint;
}

export interface ReplicaOptions {
  maxLagMs: number;
  checkIntervalMs?: number;
  /** Counts each read by where it went (for `GET /metrics`). */
  onRead?: (target: ReadTarget, reason: ReadReason) => void;
  log?: (message: string) => void;
}

export function readReplica(primary: Db, replica: Db, opts: ReplicaOptions): ReadRouting {
  const intervalMs = opts.checkIntervalMs ?? CHECK_INTERVAL_MS;
  const onRead = opts.onRead ?? (() => {});
  const log = opts.log ?? (() => {});
  let up = false;
  let failures = 0;
  let replayLsn: bigint | null = null;
  let caughtUpAtMs: number | null = null;
  let samples: Sample[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let checking: Promise<void> = Promise.resolve();

  const lagMs = () => (up && caughtUpAtMs !== null ? Date.now() - caughtUpAtMs : null);
  const usable = () => {
    const lag = lagMs();
    return lag !== null && lag <= opts.maxLagMs;
  };

  async function check(): Promise<void> {
    const atMs = Date.now();
    samples = samples.filter((s) => atMs - s.atMs < SAMPLE_KEEP_MS);
    try {
      const [primaryAt] = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      samples.push({ atMs, lsn: lsnValue(primaryAt!.lsn) });
      const [standby] = await replica.query<{ recovering: boolean; lsn: string | null }>(
        'SELECT pg_is_in_recovery() AS recovering, pg_last_wal_replay_lsn()::text AS lsn',
      );
      // A promoted (or wrongly configured) server is no replica of this primary: its data may diverge.
      if (!standby!.recovering || standby!.lsn === null) throw new Error('the read server is not a streaming replica (pg_is_in_recovery() is false)');
      replayLsn = lsnValue(standby!.lsn);
      const passed = samples.filter((s) => s.lsn <= replayLsn!);
      if (passed.length > 0) caughtUpAtMs = Math.max(caughtUpAtMs ?? 0, passed.at(-1)!.atMs);
      // Keep the newest passed sample and everything after it.
      samples = samples.filter((s) => s.atMs >= (passed.at(-1)?.atMs ?? 0));
      if (!up) log(`Read replica answering; reads that may be a little stale go to it (lag bound ${opts.maxLagMs} ms)`);
      up = true;
      failures = 0;
    } catch (err) {
      if (up || failures === 0) log(`Read replica unavailable, reads go to the primary: ${(err as Error).message}`);
      up = false;
      failures++;
    }
  }

  function schedule(): void {
    if (closed) return;
    const delay = failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, MAX_BACKOFF_MS);
    timer = setTimeout(() => {
      checking = check().then(schedule);
    }, delay);
    // The monitor alone keeps no process alive.
    timer.unref();
  }

  /** A failed read marks the replica down at once and lets the monitor's backoff decide when to try again. */
  function replicaFailed(): void {
    if (!up) return;
    up = false;
    failures = Math.max(failures, 1);
    log('Read replica failed a read; reads go to the primary until it answers a check again');
    clearTimeout(timer);
    schedule();
  }

  /** A handle that sends every query to the replica, and to the primary from the first sign of trouble on. */
  function onReplica(): Queryable {
    let target: Db = replica;
    return {
      async query<T extends Row>(sql: Sql, params?: readonly unknown[]) {
        if (target === replica) {
          try {
            const rows = await replica.query<T>(sql, params);
            onRead('replica', 'replica');
            return rows;
          } catch (err) {
            const trouble = replicaTrouble(err);
            if (!trouble) throw err;
            if (trouble.down) replicaFailed();
            target = primary;
          }
        }
        onRead('primary', 'failed_over');
        return primary.query<T>(sql, params);
      },
      exec: (sql) => primary.exec(sql),
    };
  }

  function onPrimary(reason: ReadReason): Queryable {
    return {
      query<T extends Row>(sql: Sql, params?: readonly unknown[]) {
        onRead('primary', reason);
        return primary.query<T>(sql, params);
      },
      exec: (sql) => primary.exec(sql),
    };
  }

  const whyNot = (): ReadReason | null => (!up ? 'down' : !usable() ? 'lagging' : null);

  checking = check().then(schedule);

  return {
    stale() {
      const reason = whyNot();
      return reason ? onPrimary(reason) : onReplica();
    },
    forMember(writtenLsn) {
      const reason = whyNot();
      if (reason) return onPrimary(reason);
      if (writtenLsn !== null && (replayLsn === null || replayLsn < lsnValue(writtenLsn))) return onPrimary('own_write');
      return onReplica();
    },
    async markWritten(memberId) {
      // The insert position, read after the write committed, is at or past the end of its commit record.
      await primary.query('UPDATE members SET written_lsn = pg_current_wal_insert_lsn() WHERE id = $1', [memberId]);
    },
    state: () => ({ up, lagMs: lagMs(), usable: usable() }),
    /** Stops the monitor; the two handles stay open (they are the caller's). */
    async close() {
      closed = true;
      clearTimeout(timer);
      await checking;
    },
  };
}

/**
 * The read routing the environment asks for: none without
 * `DATABASE_READ_URL`, and none on PGlite, which has no replicas (said at
 * start, so nobody believes reads are offloaded).
 */
export async function openReadRouting(
  env: { DATABASE_READ_URL?: string; REPLICA_MAX_LAG_MS: number },
  primary: Db,
  opts: Omit<ReplicaOptions, 'maxLagMs'> = {},
): Promise<ReadRouting | undefined> {
  if (!env.DATABASE_READ_URL) return undefined;
  if (primary.kind === 'pglite') {
    opts.log?.('DATABASE_READ_URL is ignored: the embedded PGlite database has no replicas (set DATABASE_URL for PostgreSQL)');
    return undefined;
  }
  // A replica that does not accept a connection within this is as good as down for this check.
  const replica = await openPostgres(env.DATABASE_READ_URL, { connectTimeoutMs: 2000, applicationName: 'sammelpunkt-reads' });
  const routing = readReplica(primary, replica, { ...opts, maxLagMs: env.REPLICA_MAX_LAG_MS });
  return {
    ...routing,
    async close() {
      await routing.close();
      await replica.close();
    },
  };
}
