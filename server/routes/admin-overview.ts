/**
 * `GET /v1/admin/overview?from=&to=&interval=` (every operator role): the
 * programme's KPIs over a period, for the console's overview page
 * (operator/overview.ts).
 */
import { Hono } from 'hono';
import { parseOverviewPeriod, programmeOverview } from '../operator/overview.ts';
import { staleReads, type AppEnv } from '../platform/app.ts';
import { badRequest } from '../platform/http.ts';

export const overviewAdmin = new Hono<AppEnv>();
// Guarded with every /v1/admin route by adminGuard (server/accounts/operator-auth.ts): a read, open to every role.

overviewAdmin.get('/', async (c) => {
  const deps = c.get('deps');
  const period = parseOverviewPeriod({ from: c.req.query('from'), to: c.req.query('to'), interval: c.req.query('interval') }, deps.now());
  if (typeof period === 'string') throw badRequest(period);
  return c.json(await programmeOverview(staleReads(deps), period, { primary: deps.db, now: deps.now() }), 200);
});
