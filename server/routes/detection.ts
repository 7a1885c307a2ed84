/**
 * Detection health: `POST /v1/detection-reports`, the extension's anonymous
 * counters, and `GET /v1/admin/detection-health`, the operator's view of them.
 */
import { Hono } from 'hono';
import { DetectionReportsRequest } from '../../lib/contract/index.ts';
import { requireMemberWithinLimit } from '../accounts/auth.ts';
import { detectionHealth, HEALTH_DAYS_EXPECTED, parseHealthDays } from '../catalog/detection-health.ts';
import { recordDetectionReports } from '../catalog/detection-reports.ts';
import { staleReads, type AppEnv } from '../platform/app.ts';
import { ApiError, badRequest, readJson, requireJsonContentType } from '../platform/http.ts';
import { enforce } from '../platform/ratelimit.ts';

/** 50 reports take about 8 KB; a quarter of the API's general limit leaves room and no more. */
const MAX_REPORT_BODY_BYTES = 16 * 1024;

export const detectionReports = new Hono<AppEnv>();

// The token only identifies whose rate limit a request counts against; the
// member id goes no further than the rate-limit key.
detectionReports.use('*', requireMemberWithinLimit);

detectionReports.post('/', async (c) => {
  const { db, env, now: clock } = c.get('deps');
  const now = clock();
  await enforce(db, `detection-reports:${c.get('memberId')}`, env.RATE_LIMIT_DETECTION_REPORTS_PER_HOUR, 3600, now);
  requireJsonContentType(c);
  // The API's general 64 KB limit bounds this read; Hono keeps the text for readJson.
  if (Buffer.byteLength(await c.req.text()) > MAX_REPORT_BODY_BYTES) throw tooLarge();
  const { reports } = await readJson(c, DetectionReportsRequest);
  const accepted = await recordDetectionReports(db, reports, now);
  return c.json({ accepted }, 202);
});

const tooLarge = () => new ApiError(413, 'payload_too_large', `Detection reports are limited to ${MAX_REPORT_BODY_BYTES} bytes per request`);

/** Mounted under `/v1/admin`, where `adminGuard` (server/index.ts) lets every operator role read it. */
export const detectionHealthAdmin = new Hono<AppEnv>();

detectionHealthAdmin.get('/', async (c) => {
  const deps = c.get('deps');
  const raw = c.req.query('days');
  const days = parseHealthDays(raw);
  if (days === null) throw badRequest(`days: ${JSON.stringify(raw?.slice(0, 20))} is not ${HEALTH_DAYS_EXPECTED}`);
  return c.json(await detectionHealth(staleReads(deps), { now: deps.now(), days }), 200);
});
