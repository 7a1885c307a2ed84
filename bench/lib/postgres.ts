/**
 * The PostgreSQL every benchmark that needs one uses, and the naming of the
 * schemas they run in, so any benchmark drops the leftovers of a run that
 * was killed (by its timeout) before it could drop its own.
 */
import { randomBytes } from 'node:crypto';

export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name, `bench_<pid>_<hex>`. */
export function benchSchemaName(): string {
  return `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Drops the bench schemas whose process is gone, through whatever connection the caller has. */
export async function dropOrphanSchemas(query: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<void> {
  const rows = await query(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^bench_[0-9]+_[0-9a-f]{6}$'`);
  for (const nspname of rows.map((r) => String(r.nspname))) {
    if (!processAlive(Number(nspname.split('_')[1]))) await query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  }
}
