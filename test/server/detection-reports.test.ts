/**
 * `POST /v1/detection-reports`: anonymous detection-health counters. What it
 * must do (sum counters per partner, day, detector version and reason), what
 * it must refuse, and what it must never keep (anything naming the member).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { type Account, addPartner, DAY_MS, errorCode, PASSWORD, signUp } from './helpers.ts';

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

describe.each(backends)('detection reports (%s)', (backend) => {
  let server: TestServer;
  let alice: Account;
  let bob: Account;
  let shop: string;
  let today: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    server.clock.set('2026-12-05T12:00:00Z');
    today = utcDay(server.clock.now().getTime());
    [alice, bob] = [await signUp(server), await signUp(server)];
    shop = await addPartner(server);
  });
  afterAll(() => server.close());

  const report = (overrides: Record<string, unknown> = {}) => ({
    partnerId: shop,
    day: today,
    detectorVersion: '2.0.0',
    reason: 'ambiguous_total',
    count: 1,
    ...overrides,
  });
  const send = (body: unknown, opts: { token?: string; headers?: Record<string, string> } = { token: alice.token }) =>
    server.call('POST', '/v1/detection-reports', { ...opts, body });
  const stored = (partnerId: string) =>
    server.db.query<{ day: string; detector_version: string; reason: string; count: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, detector_version, reason, count FROM detection_reports
        WHERE partner_id = $1 ORDER BY day, detector_version, reason`,
      [partnerId],
    );
  /** Asserts a 4xx in the error envelope whose message mentions `mentions`; returns the code. */
  const refused = async (res: Response, status: number, mentions: RegExp) => {
    expect(res.status).toBe(status);
    const body = (await res.clone().json()) as { error: { message: string } };
    expect(body.error.message).toMatch(mentions);
    return errorCode(res);
  };

  describe('happy path', () => {
    it('answers 202 and sums counters from several members, requests and reports into one row per key', async () => {
      const partner = await addPartner(server);
      const first = await send({ reports: [report({ partnerId: partner, count: 3 }), report({ partnerId: partner, count: 2 })] });
      expect(first.status).toBe(202);
      expect(await first.json()).toEqual({ accepted: 2 });
      expect((await send({ reports: [report({ partnerId: partner, count: 4 })] }, { token: bob.token })).status).toBe(202);
      const yesterday = utcDay(server.clock.now().getTime() - DAY_MS);
      expect(
        (await send({ reports: [report({ partnerId: partner, day: yesterday, reason: 'no_order_id' }), report({ partnerId: partner, detectorVersion: '2.1.0' })] }))
          .status,
      ).toBe(202);

      expect(await stored(partner)).toEqual([
        { day: yesterday, detector_version: '2.0.0', reason: 'no_order_id', count: 1 },
        { day: today, detector_version: '2.0.0', reason: 'ambiguous_total', count: 9 },
        { day: today, detector_version: '2.1.0', reason: 'ambiguous_total', count: 1 },
      ]);
    });

    it('accepts a day that is already "today" in the easternmost time zone, and one 30 days back', async () => {
      const partner = await addPartner(server);
      const tomorrow = utcDay(server.clock.now().getTime() + DAY_MS);
      const monthAgo = utcDay(server.clock.now().getTime() - 30 * DAY_MS);
      expect((await send({ reports: [report({ partnerId: partner, day: tomorrow }), report({ partnerId: partner, day: monthAgo })] })).status).toBe(202);
      expect((await stored(partner)).map((r) => r.day)).toEqual([monthAgo, tomorrow]);
    });
  });

  describe('security: nothing identifies the member', () => {
    it('stores only partner, day, detector version, reason and count', async () => {
      const columns = await server.db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'detection_reports' AND table_schema = current_schema()
          ORDER BY column_name`,
      );
      expect(columns.map((c) => c.column_name)).toEqual(['count', 'day', 'detector_version', 'partner_id', 'reason']);
    });

    it('leaves no trace of the member, token or request in the stored rows', async () => {
      const partner = await addPartner(server);
      expect((await send({ reports: [report({ partnerId: partner })] })).status).toBe(202);
      const rows = await server.db.query(`SELECT * FROM detection_reports WHERE partner_id = $1`, [partner]);
      const text = JSON.stringify(rows);
      for (const secret of [alice.id, alice.email, alice.memberNumber, alice.token]) expect(text).not.toContain(secret);
    });

    it('refuses fields the contract does not name (a URL, page text, a member id) instead of dropping them silently', async () => {
      const partner = await addPartner(server);
      for (const extra of [{ url: 'https://shop.example/checkout/success?order=1' }, { pageText: 'Thank you, Alice' }, { memberId: alice.id }]) {
        const res = await send({ reports: [report({ partnerId: partner, ...extra })] });
        expect(await refused(res, 400, new RegExp(Object.keys(extra)[0]!))).toBe('bad_request');
      }
      expect((await send({ reports: [report({ partnerId: partner })], memberId: alice.id })).status).toBe(400);
      expect(await stored(partner)).toEqual([]);
    });
  });

  describe('refusals', () => {
    it('needs a member token: none, or a wrong one, is 401', async () => {
      expect(await refused(await send({ reports: [report()] }, {}), 401, /token/)).toBe('unauthorized');
      expect(await refused(await send({ reports: [report()] }, { token: 'sp_not-a-real-token' }), 401, /token/)).toBe('unauthorized');
    });

    it('refuses an unknown partner with 422 naming it, and counts nothing of that request', async () => {
      const res = await send({ reports: [report(), report({ partnerId: 'no-such-shop' })] });
      expect(await refused(res, 422, /"no-such-shop"/)).toBe('unknown_partner');
      const before = await stored(shop);
      expect((await send({ reports: [report({ partnerId: 'no-such-shop' })] })).status).toBe(422);
      expect(await stored(shop)).toEqual(before);
    });

    it('refuses a day in the future or older than 30 days, naming the report', async () => {
      const future = utcDay(server.clock.now().getTime() + 2 * DAY_MS);
      expect(await refused(await send({ reports: [report(), report({ day: future })] }), 400, new RegExp(`reports\\.1\\.day: ${future} is in the future`))).toBe(
        'bad_request',
      );
      const old = utcDay(server.clock.now().getTime() - 31 * DAY_MS);
      await refused(await send({ reports: [report({ day: old })] }), 400, /reports\.0\.day: .* more than 30 days ago/);
      await refused(await send({ reports: [report({ day: '2026-02-30' })] }), 400, /reports\.0\.day/);
      await refused(await send({ reports: [report({ day: '05.12.2026' })] }), 400, /reports\.0\.day/);
    });

    it('refuses counts below 1, above 1000 or not whole', async () => {
      for (const count of [0, -5, 1001, 1e9, 1.5, '3']) {
        await refused(await send({ reports: [report({ count })] }), 400, /reports\.0\.count/);
      }
    });

    it('refuses reason codes that are not short lowercase codes, and bad detector versions', async () => {
      for (const reason of ['', 'Ambiguous', 'ambiguous total', 'a'.repeat(41), 'no-order-id', '<script>']) {
        await refused(await send({ reports: [report({ reason })] }), 400, /reports\.0\.reason/);
      }
      for (const detectorVersion of ['', 'v 2', '1'.repeat(41), '2.0.0\n']) {
        await refused(await send({ reports: [report({ detectorVersion })] }), 400, /reports\.0\.detectorVersion/);
      }
    });

    it('refuses an empty batch and more than 50 reports', async () => {
      await refused(await send({ reports: [] }), 400, /reports/);
      await refused(await send({ reports: Array.from({ length: 51 }, () => report()) }), 400, /reports/);
      await refused(await send([report()]), 400, /Invalid request body/);
    });

    it('refuses a body that is not JSON: 415 for another content type, 400 for malformed JSON', async () => {
      const body = JSON.stringify({ reports: [report()] });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        expect(await refused(await send(body, { token: alice.token, headers: { 'Content-Type': type } }), 415, /application\/json/)).toBe('unsupported_media_type');
      }
      await refused(await send('{"reports": [', { token: alice.token }), 400, /not valid JSON/);
    });

    it('refuses a body over 16 KB with 413', async () => {
      const padded = `{"reports": [${JSON.stringify(report())}]${' '.repeat(17 * 1024)}}`;
      expect(await refused(await send(padded), 413, /16384 bytes/)).toBe('payload_too_large');
    });
  });

  describe('rate limit', () => {
    let limitedServer: TestServer;
    beforeAll(async () => {
      limitedServer = await startTestServer(backend, { RATE_LIMIT_DETECTION_REPORTS_PER_HOUR: '3' });
    });
    afterAll(() => limitedServer.close());

    it('answers 429 with Retry-After once a member sends too many requests in an hour; other members are unaffected', async () => {
      const [carol, dave] = [await signUp(limitedServer), await signUp(limitedServer)];
      const partner = await addPartner(limitedServer);
      const post = (token: string) =>
        limitedServer.call('POST', '/v1/detection-reports', { token, body: { reports: [report({ partnerId: partner, day: utcDay(limitedServer.clock.now().getTime()) })] } });
      for (let i = 0; i < 3; i++) expect((await post(carol.token)).status).toBe(202);
      const limited = await post(carol.token);
      expect(await refused(limited, 429, /Too many requests/)).toBe('rate_limited');
      expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
      // Per member, not per device: a second token of the same member shares the limit.
      const login = await limitedServer.call('POST', '/v1/auth/login', { body: { email: carol.email, password: PASSWORD } });
      const secondDevice = ((await login.json()) as { token: string }).token;
      expect((await post(secondDevice)).status).toBe(429);
      expect((await post(dave.token)).status).toBe(202);
      const counted = await limitedServer.db.query<{ total: number }>('SELECT sum(count) AS total FROM detection_reports WHERE partner_id = $1', [partner]);
      expect(counted[0]!.total).toBe(4);

      limitedServer.clock.advance(3600 * 1000);
      expect((await post(carol.token)).status).toBe(202);
    });
  });
});

describe('detection reports in /openapi.json', () => {
  it('describes the intake and the operator view with their contract schemas', async () => {
    const server = await startTestServer('pglite');
    try {
      const doc = (await (await server.call('GET', '/openapi.json')).json()) as {
        paths: Record<string, Record<string, { security: Record<string, string[]>[]; responses: Record<string, unknown>; requestBody?: unknown }>>;
        components: { schemas: Record<string, { properties?: Record<string, { maxItems?: number; items?: { required?: string[]; additionalProperties?: unknown } }> }> };
      };
      const intake = doc.paths['/v1/detection-reports']!.post!;
      expect(intake.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(intake.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '413', '415', '422', '429']));
      const reports = doc.components.schemas.DetectionReportsRequest!.properties!.reports!;
      expect(reports.maxItems).toBe(50);
      expect(reports.items!.required).toEqual(['partnerId', 'day', 'detectorVersion', 'reason', 'count']);
      expect(reports.items!.additionalProperties).toBe(false);
      const health = doc.paths['/v1/admin/detection-health']!.get!;
      expect(health.security).toEqual([{ adminBearer: [] }, { operatorSession: [] }]);
      expect(doc.components.schemas.DetectionHealth).toBeDefined();
    } finally {
      await server.close();
    }
  });
});
