/** Operational routes without auth: the health check and the API description. */
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { buildOpenApi } from '../openapi.ts';

export const system = new Hono<AppEnv>();

system.get('/health', async (c) => {
  try {
    await c.get('deps').db.query('SELECT 1');
    return c.json({ status: 'ok' }, 200);
  } catch {
    // A load balancer takes the replica out of rotation until the database answers again.
    return c.json({ status: 'unavailable' }, 503);
  }
});

let openApi: Record<string, unknown> | undefined;

system.get('/openapi.json', (c) => c.json((openApi ??= buildOpenApi()), 200));
