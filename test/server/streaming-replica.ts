/**
 * A real PostgreSQL primary and streaming replica, started by the test from
 * the machine's binaries (PG_BIN, default /usr/lib/postgresql/15/bin) in a
 * temporary directory: `initdb` with wal_level=replica and a replication
 * entry in pg_hba, `pg_basebackup -R` for the standby, each on a free port.
 * initdb refuses to run as root, so as root every command runs as the
 * `postgres` user. `stop()` kills both servers and removes the directory;
 * it also runs when the test process exits, so a failed test leaves nothing
 * behind.
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, appendFileSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './server-process.ts';

const run = promisify(execFile);
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

function postgresUser(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

const asRoot = process.getuid?.() === 0;

/** Whether this machine can start clusters: the binaries, and as root a `postgres` user and `runuser` to run them as. */
export const streamingReplicaAvailable: boolean = (() => {
  try {
    for (const tool of TOOLS) accessSync(join(PG_BIN, tool), constants.X_OK);
  } catch {
    return false;
  }
  return !asRoot || (postgresUser() !== null && runs('runuser', ['--version']));
})();

function runs(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function command(tool: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]] : [join(PG_BIN, tool), args];
}

async function pgTool(tool: string, args: string[]): Promise<void> {
  const [file, argv] = command(tool, args);
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`${tool} ${args.join(' ')}: ${(err as Error).message}\n${stderr ?? ''}${stdout ?? ''}`);
  }
}

export interface StreamingPair {
  primaryUrl: string;
  replicaUrl: string;
  /** Stops replaying WAL on the replica (it keeps receiving it): a replica that lags. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** The replica goes away at once, as in a crash. */
  killReplica(): Promise<void>;
  stop(): void;
}

export async function startStreamingPair(database: string): Promise<StreamingPair> {
  const dir = mkdtempSync(join(tmpdir(), 'sammelpunkt-replica-'));
  const user = asRoot ? postgresUser() : null;
  if (user) chownSync(dir, user.uid, user.gid);
  const primaryDir = join(dir, 'primary');
  const standbyDir = join(dir, 'standby');
  const started: string[] = [];
  const stop = () => {
    for (const data of started.splice(0).reverse()) {
      try {
        const [file, argv] = command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        execFileSync(file, argv, { stdio: 'ignore', timeout: 30_000 });
      } catch {
        // Already stopped.
      }
    }
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', stop);
  };
  process.on('exit', stop);

  const startServer = async (data: string, port: number, extra: string[]) => {
    const options = ['-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', ...extra].join(' ');
    started.push(data);
    await pgTool('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, `${port}.log`), '-w', '-t', '60', 'start']);
  };

  try {
    const [primaryPort, replicaPort] = [await freePort(), await freePort()];
    await pgTool('initdb', ['-D', primaryDir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    appendFileSync(join(primaryDir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    await startServer(primaryDir, primaryPort, ['-c', 'wal_level=replica', '-c', 'max_wal_senders=4']);
    const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/${database}`;
    await sql(`postgres://postgres@127.0.0.1:${primaryPort}/postgres`, `CREATE DATABASE "${database}"`);
    await pgTool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standbyDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
    // The test pauses replay on purpose: no standby query is to be cancelled meanwhile.
    await startServer(standbyDir, replicaPort, ['-c', 'max_standby_streaming_delay=-1']);
    const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/${database}`;
    return {
      primaryUrl,
      replicaUrl,
      pauseReplay: () => sql(replicaUrl, 'SELECT pg_wal_replay_pause()'),
      resumeReplay: () => sql(replicaUrl, 'SELECT pg_wal_replay_resume()'),
      async killReplica() {
        started.splice(started.indexOf(standbyDir), 1);
        await pgTool('pg_ctl', ['-D', standbyDir, '-m', 'immediate', '-w', 'stop']);
      },
      stop,
    };
  } catch (err) {
    stop();
    throw err;
  }
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Waits until the replica has replayed everything the primary has written so far. */
export async function replicaCaughtUp(pair: StreamingPair, withinMs = 10_000): Promise<void> {
  const primary = new pg.Client({ connectionString: pair.primaryUrl });
  const replica = new pg.Client({ connectionString: pair.replicaUrl });
  await Promise.all([primary.connect(), replica.connect()]);
  try {
    const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const deadline = Date.now() + withinMs;
    for (;;) {
      const r = await replica.query<{ caught_up: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up', [rows[0]!.lsn]);
      if (r.rows[0]!.caught_up) return;
      if (Date.now() > deadline) throw new Error('the replica did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await Promise.all([primary.end(), replica.end()]);
  }
}
