/**
 * `GET /metrics` in the Prometheus text format, on the API's own port. It
 * tells how busy the programme is, so it is the operator's: by default it
 * needs `Authorization: Bearer $ADMIN_TOKEN` (Prometheus's
 * `authorization.credentials`); with METRICS_PUBLIC=1 (a scraper on a
 * private network) it answers anyone.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/app.ts';
import { METRICS_CONTENT_TYPE } from '../platform/metrics.ts';
import { requireAdmin } from './admin.ts';

export const metricsRoute = new Hono<AppEnv>();

metricsRoute.get('/metrics', async (c, next) => (c.get('deps').env.METRICS_PUBLIC ? next() : requireAdmin(c, next)), (c) =>
  c.body(c.get('metrics').render(), 200, { 'Content-Type': METRICS_CONTENT_TYPE }),
);
