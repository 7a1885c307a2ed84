/**
 * One query layer for both databases: PGlite (embedded, the default) and
 * PostgreSQL (production). Plain SQL with positional parameters; both speak
 * the same dialect, so there is one schema and one set of migrations.
 *
 * Why not an ORM: the hot paths (ingest, ledger postings, sync) are a handful
 * of hand-tuned statements with row locks and `ON CONFLICT`, which read more
 * plainly as SQL than through a query builder, and a thin layer keeps the
 * ingest path free of per-row mapping overhead.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type Row = Record<string, unknown>;

/**
 * A statement of the hot paths, parsed and planned by PostgreSQL once per
 * connection instead of on every call: for the small statements of a
 * single purchase, planning cost more than running them. Only fixed SQL
 * texts, so each connection holds a bounded set.
 */
export interface Prepared {
  readonly name: string;
  readonly text: string;
}

const preparedNames = new Map<string, string>();

export function prepared(name: string, text: string): Prepared {
  const known = preparedNames.get(name);
  if (known !== undefined && known !== text) throw new Error(`two prepared statements are named ${name}`);
  preparedNames.set(name, text);
  return { name, text };
}

export type Sql = string | Prepared;

const textOf = (sql: Sql) => (typeof sql === 'string' ? sql : sql.text);

export interface Queryable {
  query<T extends Row = Row>(sql: Sql, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; retried on serialization failures and deadlocks. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;

/** Counts (bigint) come back as numbers: points and minor units stay far below 2^53. */
const toNumber = (v: string) => Number(v);

export async function openPglite(dataDir?: string): Promise<Db> {
  // PGlite applies constructor-level parsers to INT8 but not to NUMERIC (a SUM of
  // bigints), so they go with every query too.
  const parsers = { [INT8]: toNumber, [NUMERIC]: toNumber };
  const db = new PGlite(dataDir, { parsers });
  await db.waitReady;
  return {
    kind: 'pglite',
    async query<T extends Row>(sql: Sql, params: readonly unknown[] = []) {
      const res = await db.query<T>(textOf(sql), params as unknown[], { parsers });
      return res.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      // PGlite is one connection: its transaction() holds it exclusively, so
      // concurrent requests queue rather than interleave.
      return db.transaction((tx) =>
        fn({
          async query<R extends Row>(sql: Sql, params: readonly unknown[] = []) {
            return (await tx.query<R>(textOf(sql), params as unknown[], { parsers })).rows;
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        }),
      );
    },
    close: () => db.close(),
  };
}

const RETRYABLE = new Set(['40001', '40P01']);

function pgQuery(sql: Sql, params: readonly unknown[]): pg.QueryConfig {
  return typeof sql === 'string' ? { text: sql, values: params as unknown[] } : { name: sql.name, text: sql.text, values: params as unknown[] };
}

export interface PostgresOptions {
  /** Every connection uses this schema (tests give each run its own). */
  schema?: string;
  max?: number;
  /** Give up on a connection attempt after this (default: wait as long as the OS does). */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity, so an operator sees which pool a session belongs to. */
  applicationName?: string;
}

export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    application_name: opts.applicationName,
    options: opts.schema ? `-c search_path=${opts.schema}` : undefined,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8 || oid === NUMERIC ? toNumber : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (a restarted server) must not crash the process.
  pool.on('error', () => {});
  if (opts.schema) {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
    } finally {
      client.release();
    }
  }
  return {
    kind: 'postgres',
    async query<T extends Row>(sql: Sql, params: readonly unknown[] = []) {
      return (await pool.query(pgQuery(sql, params))).rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn({
            async query<R extends Row>(sql: Sql, params: readonly unknown[] = []) {
              return (await client.query(pgQuery(sql, params))).rows as R[];
            },
            async exec(sql: string) {
              await client.query(sql);
            },
          });
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          const code = (err as { code?: string }).code;
          if (code && RETRYABLE.has(code) && attempt < 5) continue;
          throw err;
        } finally {
          client.release();
        }
      }
    },
    close: () => pool.end(),
  };
}

/** Opens the database the environment names: PostgreSQL with `DATABASE_URL`, else PGlite in `DATA_DIR`. */
export function openDatabase(env: { DATABASE_URL?: string; DATA_DIR: string }): Promise<Db> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openPglite(env.DATA_DIR);
}

/** True for a unique-constraint violation (PostgreSQL code 23505, same in PGlite). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}
