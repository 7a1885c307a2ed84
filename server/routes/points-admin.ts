/**
 * `GET /v1/admin/points-liability?months=N` (operator): the outstanding
 * points liability and the breakage (expired points) per month
 * (ledger/liability.ts).
 */
import { Hono } from 'hono';
import { DEFAULT_LIABILITY_MONTHS, MAX_LIABILITY_MONTHS } from '../../lib/contract/index.ts';
import { pointsLiability } from '../ledger/liability.ts';
import { staleReads, type AppEnv } from '../platform/app.ts';
import { badRequest } from '../platform/http.ts';

export const LIABILITY_MONTHS_EXPECTED = `a whole number from 1 to ${MAX_LIABILITY_MONTHS}`;

/** `months` as the route and the CLI take it: absent is the default, anything but 1…MAX is null. */
export function parseLiabilityMonths(raw: string | undefined): number | null {
  if (raw === undefined) return DEFAULT_LIABILITY_MONTHS;
  if (!/^\d{1,3}$/.test(raw)) return null;
  const months = Number(raw);
  return months >= 1 && months <= MAX_LIABILITY_MONTHS ? months : null;
}

export const pointsLiabilityAdmin = new Hono<AppEnv>();
// Guarded with every /v1/admin route by adminGuard (server/accounts/operator-auth.ts): a read, open to every role.

pointsLiabilityAdmin.get('/', async (c) => {
  const deps = c.get('deps');
  const raw = c.req.query('months');
  const months = parseLiabilityMonths(raw);
  if (months === null) throw badRequest(`months: ${JSON.stringify(raw?.slice(0, 20))} is not ${LIABILITY_MONTHS_EXPECTED}`);
  return c.json(await pointsLiability(staleReads(deps), deps.now(), months, deps.env.POINTS_EXPIRY_MONTHS), 200);
});
