/**
 * Detection health for the operator: member-confirmed purchases booked like
 * any other, the figures per partner and day (`GET /v1/admin/detection-health`
 * and `npm run admin -- detection health`), and the drop flag.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionHealth, MEMBER_CONFIRMED_METHOD, type Purchase } from '../../lib/contract/index.ts';
import { openPglite } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { createApp } from '../../server/index.ts';
import { formatDetectionHealth, printable } from '../../server/operator/detection-health-report.ts';
import { showMember } from '../../server/operator/members.ts';
import { parseEnv } from '../../server/platform/env.ts';
import { ADMIN_TOKEN, backends, startTestServer, testClock, type TestServer } from './harness.ts';
import { addPartner, DAY_MS, errorCode, expectLedgerBalanced, ingest, purchase, signUp } from './helpers.ts';

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

interface Scenario {
  /** 12 automatic in the baseline, 10 automatic in the last 7 days. */
  steady: string;
  /** 12 automatic in the baseline; in the last 7 days 2 automatic, 3 member-confirmed, 6 pages without record. */
  broken: string;
  /** Its rate drops too, but the last 7 days hold only 6 events: too few to judge. */
  quiet: string;
}

/**
 * Books purchases and sends reports through the API, relative to the
 * server's clock: "baseline" days lie 10 to 30 days back, "recent" ones 1 day back.
 */
async function seedScenario(server: TestServer): Promise<Scenario> {
  const now = server.clock.now().getTime();
  const at = (daysBack: number) => new Date(now - daysBack * DAY_MS).toISOString();
  const member = await signUp(server);
  const [steady, broken, quiet] = [await addPartner(server), await addPartner(server), await addPartner(server)];
  const items = (partnerId: string, n: number, daysBack: (i: number) => number, method = 'json-ld') =>
    Array.from({ length: n }, (_, i) => purchase(partnerId, { detectedAt: at(daysBack(i)), method }));

  const booked = await ingest(server, member.token, [
    ...items(steady, 12, (i) => 10 + i),
    ...items(steady, 10, () => 1),
    ...items(broken, 12, (i) => 10 + i),
    ...items(broken, 2, () => 1, 'ga4'),
    ...items(broken, 3, () => 1, MEMBER_CONFIRMED_METHOD),
    ...items(quiet, 12, (i) => 10 + i),
    ...items(quiet, 1, () => 1),
  ]);
  expect(booked.map((r) => r.status)).toEqual(booked.map(() => 'accepted'));

  const day = utcDay(now - DAY_MS);
  const reports = [
    { partnerId: broken, day, detectorVersion: '2.0.0', reason: 'ambiguous_total', count: 4 },
    { partnerId: broken, day, detectorVersion: '2.1.0', reason: 'no_order_id', count: 2 },
    // The member confirmed these: they arrive as purchases, so they are shown by reason but not counted twice.
    { partnerId: broken, day, detectorVersion: '2.0.0', reason: 'member_confirmed', count: 3 },
    { partnerId: quiet, day, detectorVersion: '2.0.0', reason: 'no_total', count: 5 },
  ];
  const res = await server.call('POST', '/v1/detection-reports', { token: member.token, body: { reports } });
  expect(res.status).toBe(202);
  return { steady, broken, quiet };
}

describe.each(backends)('detection health (%s)', (backend) => {
  let server: TestServer;
  let scenario: Scenario;

  beforeAll(async () => {
    server = await startTestServer(backend);
    server.clock.set('2026-12-05T12:00:00Z');
    scenario = await seedScenario(server);
  });
  afterAll(() => server.close());

  const health = (query = '', auth: { token?: string } = { token: ADMIN_TOKEN }) => server.call('GET', `/v1/admin/detection-health${query}`, auth);
  const partnerOf = (report: DetectionHealth, id: string) => report.partners.find((p) => p.partnerId === id)!;

  describe('member-confirmed purchases', () => {
    it('are accepted and booked pending like any other, with their method kept for the operator', async () => {
      const member = await signUp(server);
      const partner = await addPartner(server);
      const [confirmed, automatic] = await ingest(server, member.token, [
        purchase(partner, { method: MEMBER_CONFIRMED_METHOD, amountMinor: 11_400 }),
        purchase(partner, { method: 'json-ld' }),
      ]);
      expect(confirmed).toMatchObject({ status: 'accepted', purchase: { status: 'pending', method: MEMBER_CONFIRMED_METHOD, points: 114 } });
      expect(automatic).toMatchObject({ status: 'accepted', purchase: { status: 'pending', method: 'json-ld' } });

      const sync = (await (await server.call('GET', '/v1/me/sync', { token: member.token })).json()) as { purchases: Purchase[] };
      expect(sync.purchases.find((p) => p.id === confirmed!.id)?.method).toBe(MEMBER_CONFIRMED_METHOD);

      const shown = await showMember(server.db, member.email, { method: MEMBER_CONFIRMED_METHOD });
      expect(shown.purchases.map((p) => p.id)).toEqual([confirmed!.id]);
      expect((await showMember(server.db, member.email)).purchases).toHaveLength(2);
      await expectLedgerBalanced(server.db);
    });
  });

  describe('GET /v1/admin/detection-health', () => {
    it('counts per partner and day: automatic, member-confirmed, and pages with evidence but no record by reason', async () => {
      const res = await health('?days=7');
      expect(res.status).toBe(200);
      const report = (await res.json()) as DetectionHealth;
      expect(report).toMatchObject({ from: '2026-11-29', to: '2026-12-05', days: 7, rule: expect.stringMatching(/20 percentage points/) });

      const broken = partnerOf(report, scenario.broken);
      expect(broken.days).toEqual([
        {
          day: '2026-12-04',
          automatic: 2,
          memberConfirmed: 3,
          evidenceWithoutRecord: 6,
          reportsByReason: { ambiguous_total: 4, no_order_id: 2, member_confirmed: 3 },
          reportsByDetectorVersion: { '2.0.0': 7, '2.1.0': 2 },
        },
      ]);
      // Days outside the period asked for are not listed, but the windows of the rule still see them.
      expect(partnerOf(report, scenario.steady).days).toEqual([
        { day: '2026-12-04', automatic: 10, memberConfirmed: 0, evidenceWithoutRecord: 0, reportsByReason: {}, reportsByDetectorVersion: {} },
      ]);
      const longer = (await (await health('?days=35')).json()) as DetectionHealth;
      const steadyDays = partnerOf(longer, scenario.steady).days;
      expect(steadyDays).toHaveLength(13);
      expect(steadyDays.reduce((n, d) => n + d.automatic, 0)).toBe(22);
    });

    it('flags a partner whose automatic rate over 7 days fell more than 20 points below the 28 days before', async () => {
      const report = (await (await health()).json()) as DetectionHealth;
      expect(report.days).toBe(14);
      const broken = partnerOf(report, scenario.broken);
      expect(broken.flagged).toBe(true);
      expect(broken.recent).toMatchObject({ from: '2026-11-29', to: '2026-12-05', automatic: 2, memberConfirmed: 3, evidenceWithoutRecord: 6, events: 11, automaticRatePercent: 18.2 });
      expect(broken.baseline).toMatchObject({ from: '2026-11-01', to: '2026-11-28', automatic: 12, events: 12, automaticRatePercent: 100 });

      const steady = partnerOf(report, scenario.steady);
      expect(steady).toMatchObject({ flagged: false, recent: { events: 10, automaticRatePercent: 100 }, baseline: { events: 12 } });
      // A steep drop on too few events is noise, not a broken template.
      const quiet = partnerOf(report, scenario.quiet);
      expect(quiet).toMatchObject({ flagged: false, recent: { events: 6, automaticRatePercent: 16.7 } });
    });

    it('is for the operator only, and refuses a days value it cannot use', async () => {
      expect(await errorCode(await health('', {}))).toBe('unauthorized');
      expect((await health('', { token: 'sp_member-token' })).status).toBe(401);
      const member = await signUp(server);
      expect((await health('', { token: member.token })).status).toBe(401);
      for (const days of ['0', '367', 'abc', '-1', '1.5', '']) {
        const res = await health(`?days=${encodeURIComponent(days)}`);
        expect(res.status, days).toBe(400);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/days: .* is not a whole number of days from 1 to 366/);
      }
    });
  });
});

describe('detection health, printed', () => {
  it('escapes text that came from input, so nothing can steer the terminal', () => {
    expect(printable('A-1001')).toBe('A-1001');
    expect(printable('\u001b[31mred\u001b[0m')).toBe('\\u{001b}[31mred\\u{001b}[0m');
    expect(printable('evil\u202eputin\u2028fake line\\')).toBe('evil\\u{202e}putin\\u{2028}fake line\\\\');
    const report: DetectionHealth = {
      from: '2026-12-05',
      to: '2026-12-05',
      days: 1,
      rule: 'r',
      partners: [
        {
          partnerId: 'shop\nFAKE ok',
          flagged: true,
          recent: { from: '2026-11-29', to: '2026-12-05', automatic: 0, memberConfirmed: 0, evidenceWithoutRecord: 1, events: 1, automaticRatePercent: 0 },
          baseline: { from: '2026-11-01', to: '2026-11-28', automatic: 0, memberConfirmed: 0, evidenceWithoutRecord: 0, events: 0 },
          days: [{ day: '2026-12-05', automatic: 0, memberConfirmed: 0, evidenceWithoutRecord: 1, reportsByReason: { 'x\u001b[2J': 1 }, reportsByDetectorVersion: { '1\u0007': 1 } }],
        },
      ],
    };
    const text = formatDetectionHealth(report).join('\n');
    expect(text).not.toMatch(/\u001b|\u0007|\nFAKE/);
    expect(text).toContain('shop\\u{000a}FAKE ok');
  });
});

describe('npm run admin -- detection health (the real CLI)', () => {
  const run = promisify(execFile);
  let dataDir: string;
  let scenario: Scenario;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sammelpunkt-health-'));
    // The CLI reads the PGlite data directory with the real clock: seed it through the API at today's date.
    const db = await openPglite(dataDir);
    await migrate(db);
    const env = parseEnv({ ADMIN_TOKEN, LOG_LEVEL: 'silent' });
    const clock = testClock();
    const deps = { db, env, now: clock.now, log: () => {} };
    const app = createApp(deps);
    const server: TestServer = {
      app,
      db,
      deps,
      clock,
      env,
      logs: [],
      call: async (method, path, opts = {}) => {
        const headers: Record<string, string> = { 'Content-Type': 'application/json', ...opts.headers };
        if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
        return app.request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      },
      close: () => db.close(),
    };
    scenario = await seedScenario(server);
    await server.close();
  }, 120_000);
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const admin = async (...args: string[]) => {
    // Always the PGlite data directory: never a DATABASE_URL this test run may have set.
    const { DATABASE_URL: _ignored, ...env } = process.env;
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'server/cli/admin.ts', ...args], { env: { ...env, DATA_DIR: dataDir }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('prints the figures per partner and day and flags the partner whose template broke', { timeout: 120_000 }, async () => {
    const { code, stdout } = await admin('detection', 'health', '--days', '7');
    expect(code).toBe(0);
    const yesterday = utcDay(Date.now() - DAY_MS);
    expect(stdout).toMatch(/\(7 days, UTC\)/);
    expect(stdout).toMatch(/20 percentage points/);
    expect(stdout).toContain(`1 partner flagged: ${scenario.broken}`);
    // One block per partner, separated by blank lines, headed by the partner id.
    const section = (id: string) => stdout.split('\n\n').find((block) => block.startsWith(`${id}  `)) ?? '';
    const broken = section(scenario.broken);
    expect(broken).toMatch(new RegExp(`^${scenario.broken}  FLAGGED`));
    expect(broken).toMatch(/last 7 days: 18\.2 % \(11 events,.*28 days before: 100\.0 % \(12 events/);
    expect(broken).toMatch(new RegExp(`${yesterday} +2 +3 +6  ambiguous_total 4, member_confirmed 3, no_order_id 2  \\(detector 2\\.0\\.0 7, 2\\.1\\.0 2\\)`));
    expect(section(scenario.steady)).toMatch(new RegExp(`^${scenario.steady}  ok`));
    expect(section(scenario.quiet)).toMatch(new RegExp(`${yesterday} +1 +0 +5  no_total 5`));
  });

  it('refuses a bad --days with the usage and exit code 2', { timeout: 120_000 }, async () => {
    const { code, stderr } = await admin('detection', 'health', '--days', 'lots');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--days is a whole number of days from 1 to 366/);
    expect(stderr).toMatch(/detection health \[--days N\]/);
  });
});
