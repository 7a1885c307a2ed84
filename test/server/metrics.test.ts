/** `GET /metrics`: Prometheus text, operator-only unless METRICS_PUBLIC is set. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../server/platform/env.ts';
import { createApp, type App } from '../../server/index.ts';
import { Metrics } from '../../server/platform/metrics.ts';
import { startScheduler } from '../../server/jobs/scheduler.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { createPartner, DAY_MS, ingest, purchaseBody, registerMember, reportPlaced } from './lifecycle-helpers.ts';

/** One exposition line: a comment, or `name{labels} value`. */
const LINE = /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{([a-z_]+="[^"\\]*(\\.[^"\\]*)*",?)*\})? (-?[0-9.e+]+|\+Inf|-Inf|NaN))$/;

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe.each(backends)('GET /metrics on %s', (backend) => {
  let server: TestServer;
  let metrics: Metrics;
  let app: App;
  beforeAll(async () => {
    server = await startTestServer(backend);
    metrics = new Metrics();
    // The same database and clock as the test server, with a metrics set the test can also hand to a scheduler.
    app = createApp({ ...server.deps, metrics });
  });
  afterAll(() => server?.close());

  const scrape = (token?: string) => app.request('/metrics', { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('is refused without the operator token, and served with it', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('wrong-token-0123456789')).status).toBe(401);
    const res = await scrape(ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts requests by route and status, ingest results, sync lag and auto-confirmations', async () => {
    const partner = await createPartner(server, { holdDays: 14, autoConfirm: true });
    const member = await registerMember(server);
    const detected = new Date(server.clock.now().getTime() - 90_000).toISOString();
    const fresh = { ...purchaseBody(partner.id, 5_000), detectedAt: detected };
    const body = { purchases: [fresh, purchaseBody(partner.id, 2_000), { ...purchaseBody(partner.id, 1_000), currency: 'USD' }] };
    const res = await app.request('/v1/purchases', {
      method: 'POST',
      headers: { Authorization: `Bearer ${member.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    await app.request('/v1/me', { headers: { Authorization: 'Bearer not-a-token' } });
    // Purchases through the harness app are not counted here: it has its own metrics.
    const third = purchaseBody(partner.id, 3_000);
    await ingest(server, member, [third]);
    // The partner vouches for the three orders it had; only those auto-confirm.
    await reportPlaced(server, partner, [fresh, body.purchases[1]!, third] as { orderId: string; amountMinor: number }[]);

    server.clock.advance(15 * DAY_MS);
    const scheduler = startScheduler(server.db, { now: server.clock.now, intervalMs: 3_600_000, log: () => {}, metrics });
    await scheduler.stop();

    const text = await (await scrape(ADMIN_TOKEN)).text();
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(LINE);
    expect(sample(text, 'sammelpunkt_http_requests_total', { method: 'POST', route: '/v1/purchases', status: '200' })).toBe(1);
    // Refused by the auth middleware: labelled with the pattern that answered, never the concrete path.
    expect(sample(text, 'sammelpunkt_http_requests_total', { route: '/v1/me/*', status: '401' })).toBe(1);
    expect(sample(text, 'sammelpunkt_http_request_duration_seconds_count', { method: 'POST', route: '/v1/purchases' })).toBe(1);
    expect(sample(text, 'sammelpunkt_http_request_duration_seconds_bucket', { route: '/v1/purchases', le: '+Inf' })).toBe(1);
    expect(sample(text, 'sammelpunkt_ingest_results_total', { status: 'accepted' })).toBe(2);
    expect(sample(text, 'sammelpunkt_ingest_results_total', { status: 'rejected' })).toBe(1);
    // Two accepted purchases: one detected 90 s before it was booked, one at once.
    expect(sample(text, 'sammelpunkt_sync_lag_seconds_count')).toBe(2);
    expect(sample(text, 'sammelpunkt_sync_lag_seconds_sum')).toBe(90);
    expect(sample(text, 'sammelpunkt_sync_lag_seconds_bucket', { le: '60' })).toBe(1);
    expect(sample(text, 'sammelpunkt_sync_lag_seconds_bucket', { le: '300' })).toBe(2);
    expect(sample(text, 'sammelpunkt_auto_confirmed_total')).toBe(3);
    expect(sample(text, 'sammelpunkt_job_runs_total', { job: 'auto-confirm', outcome: 'ran' })).toBe(1);
  });
});

describe('GET /metrics access settings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { METRICS_PUBLIC: '1' });
  });
  afterAll(() => server?.close());

  it('answers anyone with METRICS_PUBLIC set', async () => {
    const res = await server.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/# TYPE sammelpunkt_http_requests_total counter/);
  });

  it('is closed (403) when neither METRICS_PUBLIC nor ADMIN_TOKEN is set', async () => {
    const app = createApp({ ...server.deps, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    expect((await app.request('/metrics')).status).toBe(403);
  });
});
