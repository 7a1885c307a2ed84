/** Operational routes without auth: the health check and the API description. */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/app.ts';
import { buildOpenApi } from '../platform/openapi.ts';

/** A database that has not answered by then counts as down: a load balancer must not wait on the check. */
const HEALTH_TIMEOUT_MS = 2000;

export const system = new Hono<AppEnv>();

system.get('/health', async (c) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database check timed out')), HEALTH_TIMEOUT_MS);
  });
  try {
    await Promise.race([c.get('deps').db.query('SELECT 1'), timeout]);
    return c.json({ status: 'ok' }, 200);
  } catch {
    // The replica leaves the load balancer's rotation until its database answers again.
    return c.json({ status: 'unavailable' }, 503);
  } finally {
    clearTimeout(timer);
  }
});

let openApi: Record<string, unknown> | undefined;

system.get('/openapi.json', (c) => c.json((openApi ??= buildOpenApi()), 200));
