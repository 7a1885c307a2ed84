/**
 * `GET /metrics` in the Prometheus text format, on the API's own port. It
 * tells how busy the programme is, so it is the operator's: by default it
 * needs `Authorization: Bearer $ADMIN_TOKEN` (Prometheus's
 * `authorization.credentials`) or a console session of any role; with METRICS_PUBLIC=1 (a scraper on a
 * private network) it answers anyone.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/app.ts';
import { METRICS_CONTENT_TYPE } from '../platform/metrics.ts';
import { requirePermission } from '../accounts/operator-auth.ts';

export const metricsRoute = new Hono<AppEnv>();
const readers = requirePermission('read');

metricsRoute.get('/metrics', async (c, next) => (c.get('deps').env.METRICS_PUBLIC ? next() : readers(c, next)), (c) =>
  c.body(c.get('metrics').render(), 200, { 'Content-Type': METRICS_CONTENT_TYPE }),
);
