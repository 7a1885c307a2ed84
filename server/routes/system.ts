/** Operational routes without auth: liveness, readiness and the API description. */
import { Hono } from 'hono';
import type { Queryable } from '../db/index.ts';
import type { AppEnv } from '../platform/app.ts';
import { buildOpenApi } from '../platform/openapi.ts';

/** A database that has not answered by then counts as down: a load balancer must not wait on the check. */
const HEALTH_TIMEOUT_MS = 2000;

export const system = new Hono<AppEnv>();

async function databaseAnswers(db: Queryable): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database check timed out')), HEALTH_TIMEOUT_MS);
  });
  try {
    await Promise.race([db.query('SELECT 1'), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

system.get('/health', async (c) => {
  // The replica leaves the load balancer's rotation until its database answers again.
  return (await databaseAnswers(c.get('deps').db)) ? c.json({ status: 'ok' }, 200) : c.json({ status: 'unavailable' }, 503);
});

/**
 * Readiness, for the load balancer's rotation: 503 `draining` from SIGTERM
 * on (the process finishes what it has and goes), 503 `unavailable` while
 * the primary database does not answer. A read replica that is down or
 * behind does not make the process unready: its reads go to the primary.
 */
system.get('/ready', async (c) => {
  const { db, shutdown } = c.get('deps');
  if (shutdown?.draining) return c.json({ status: 'draining' }, 503);
  if (!(await databaseAnswers(db))) return c.json({ status: 'unavailable' }, 503);
  // Checked again: SIGTERM may have come while the database answered.
  if (shutdown?.draining) return c.json({ status: 'draining' }, 503);
  return c.json({ status: 'ready' }, 200);
});

let openApi: Record<string, unknown> | undefined;

system.get('/openapi.json', (c) => c.json((openApi ??= buildOpenApi()), 200));
