/**
 * Missions through the real app (docs/missions.md): the operator defines
 * them (audited, role-guarded), the member's progress in `GET /v1/me/sync`
 * with pending purchases apart, the bonus booked once when the purchases
 * that count are confirmed, taken back when a return makes the mission no
 * longer hold (and not when it still holds), and `ledger:verify` covering it.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MissionInput, SyncResponse } from '../../lib/contract/index.ts';
import { reviewMissionsJob } from '../../server/jobs/scheduler.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode, LIMITS_OFF } from './helpers.ts';
import { balanceOf, registerMember, report, unique, type TestMember, type TestPartner } from './lifecycle-helpers.ts';

const NOW = '2026-12-10T10:00:00.000Z';
const DECEMBER = { startsAt: '2026-12-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };

describe.each(backends)('missions on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  }, 120_000);
  afterAll(() => server?.close());

  async function partner(category = 'fashion'): Promise<TestPartner> {
    const id = unique('shop').toLowerCase();
    const secret = `secret-${randomUUID()}`;
    const res = await server.call('PUT', `/v1/admin/partners/${id}`, {
      token: ADMIN_TOKEN,
      body: { id, name: `Shop ${id}`, domains: [`${id}.example`], category, earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: false, secret, fraud: LIMITS_OFF },
    });
    expect(res.status).toBe(201);
    return { id, secret };
  }

  async function putMission(mission: Partial<MissionInput> & Pick<MissionInput, 'rule'>, token = ADMIN_TOKEN): Promise<Response> {
    const id = mission.id ?? unique('mission').toLowerCase();
    return server.call('PUT', `/v1/admin/missions/${id}`, {
      token,
      body: { id, title: { de: 'Drei Shops im Dezember', en: 'Three shops in December' }, bonusPoints: 300, ...DECEMBER, ...mission },
    });
  }

  async function defineMission(mission: Partial<MissionInput> & Pick<MissionInput, 'rule'>): Promise<string> {
    const res = await putMission(mission);
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { mission: { id: string } }).mission.id;
  }

  /** A purchase placed at `at` (default: the clock's now), booked pending. */
  async function buy(member: TestMember, shop: TestPartner, euros: number, at = server.clock.now().toISOString()) {
    const p = { id: randomUUID(), partnerId: shop.id, orderId: unique('order'), amountMinor: euros * 100, currency: 'EUR', detectedAt: at, method: 'jsonld' };
    const res = await server.call('POST', '/v1/purchases', { token: member.token, body: { purchases: [p] } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: { status: string }[] }).results[0]?.status).toBe('accepted');
    return { ...p, shop };
  }

  async function partnerSays(p: { orderId: string; shop: TestPartner }, status: 'confirmed' | 'returned' | 'cancelled', amountMinor?: number) {
    const [r] = await report(server, p.shop, [{ orderId: p.orderId, status, ...(amountMinor !== undefined ? { amountMinor } : {}) }]);
    return r?.status;
  }

  async function standingOf(member: TestMember, missionId: string) {
    const res = await server.call('GET', '/v1/me/sync', { token: member.token });
    expect(res.status).toBe(200);
    const sync = SyncResponse.parse(await res.json());
    return sync.missions?.find((m) => m.mission.id === missionId);
  }

  /** The member's entries of one mission (other tests' missions may run at the same time). */
  async function missionEntries(member: TestMember, missionId: string) {
    return server.db.query<{ reason: string; delta: number }>(
      `SELECT reason, delta FROM ledger_entries WHERE member_id = $1 AND mission_id = $2 ORDER BY id`,
      [member.id, missionId],
    );
  }

  async function expectVerified() {
    const verified = await ledgerVerification(server.db);
    expect(verified.lines.join('\n')).toMatch(/missions ok/);
    expect(verified.ok, verified.lines.join('\n')).toBe(true);
  }

  describe('.happy', () => {
    it('shows progress with pending purchases apart and books +300 once when the third partner confirms', async () => {
      server.clock.set(NOW);
      // A category of this test's own, so the other tests' purchases never count here.
      const category = unique('books');
      const shops = [await partner(category), await partner(category), await partner(category)];
      const missionId = await defineMission({ rule: { kind: 'distinct-partners', count: 3, category } });
      const member = await registerMember(server);

      const purchases = [await buy(member, shops[0]!, 20), await buy(member, shops[0]!, 15), await buy(member, shops[1]!, 30)];
      expect(await standingOf(member, missionId)).toMatchObject({ progress: 2, confirmedProgress: 0, target: 3, completed: false });

      expect(await partnerSays(purchases[0]!, 'confirmed')).toBe('applied');
      expect(await partnerSays(purchases[2]!, 'confirmed')).toBe('applied');
      expect(await standingOf(member, missionId)).toMatchObject({ progress: 2, confirmedProgress: 2, completed: false });
      // A purchase before the window does not count.
      const november = await buy(member, shops[2]!, 40, '2026-11-30T23:59:59Z');
      expect(await partnerSays(november, 'confirmed')).toBe('applied');
      expect((await standingOf(member, missionId))?.completed).toBe(false);

      const third = await buy(member, shops[2]!, 25);
      expect((await standingOf(member, missionId))?.progress).toBe(3);
      const before = await balanceOf(server, member);
      expect(await partnerSays(third, 'confirmed')).toBe('applied');
      const after = await balanceOf(server, member);
      expect(after.available - before.available).toBe(25 + 300);
      expect(await standingOf(member, missionId)).toMatchObject({ progress: 3, confirmedProgress: 3, completed: true, completedAt: expect.any(String) });

      // Replayed confirmations change nothing: one bonus.
      for (const p of [purchases[0]!, purchases[2]!, third]) expect(await partnerSays(p, 'confirmed')).toBe('unchanged');
      expect(await missionEntries(member, missionId)).toEqual([{ reason: 'mission_bonus', delta: 300 }]);
      expect((await balanceOf(server, member)).available).toBe(after.available);

      // The member reads it in the ledger; the operator sees one completion.
      const tx = await server.call('GET', '/v1/me/transactions', { token: member.token });
      expect(((await tx.json()) as { transactions: { reason: string; delta: number }[] }).transactions[0]).toMatchObject({ reason: 'mission_bonus', delta: 300 });
      const list = await server.call('GET', '/v1/admin/missions', { token: ADMIN_TOKEN });
      expect(list.status).toBe(200);
      const listed = ((await list.json()) as { missions: { mission: { id: string }; completed: number; revoked: number }[] }).missions.find((m) => m.mission.id === missionId);
      expect(listed).toMatchObject({ completed: 1, revoked: 0 });
      await expectVerified();
    });

    it('keeps the bonus after a return while the mission still holds, and takes it back once it no longer does', async () => {
      server.clock.set(NOW);
      const category = unique('toys');
      const shops = [await partner(category), await partner(category), await partner(category), await partner(category)];
      const missionId = await defineMission({ rule: { kind: 'distinct-partners', count: 3, category } });
      const member = await registerMember(server);
      const bought = [];
      for (const shop of shops) bought.push(await buy(member, shop, 10));
      for (const p of bought) expect(await partnerSays(p, 'confirmed')).toBe('applied');
      expect(await missionEntries(member, missionId)).toEqual([{ reason: 'mission_bonus', delta: 300 }]);

      // Four partners: one returned leaves three.
      expect(await partnerSays(bought[0]!, 'returned')).toBe('applied');
      expect((await standingOf(member, missionId))?.completed).toBe(true);
      expect(await missionEntries(member, missionId)).toHaveLength(1);

      const before = await balanceOf(server, member);
      expect(await partnerSays(bought[1]!, 'cancelled')).toBe('applied');
      expect(await missionEntries(member, missionId)).toEqual([
        { reason: 'mission_bonus', delta: 300 },
        { reason: 'mission_bonus_reversal', delta: -300 },
      ]);
      expect((await balanceOf(server, member)).available).toBe(before.available - 10 - 300);
      expect(await standingOf(member, missionId)).toMatchObject({ progress: 2, confirmedProgress: 2, completed: false });
      await expectVerified();

      // A new partner in the window makes it hold again: the bonus comes back, still one at a time.
      const fifth = await buy(member, await partner(category), 12);
      expect(await partnerSays(fifth, 'confirmed')).toBe('applied');
      expect((await missionEntries(member, missionId)).map((e) => e.delta)).toEqual([300, -300, 300]);
      expect((await standingOf(member, missionId))?.completed).toBe(true);
      await expectVerified();
    });

    it('judges a spend mission at the amount that stands after a partial return', async () => {
      server.clock.set(NOW);
      const shop = await partner();
      const missionId = await defineMission({ rule: { kind: 'spend', amountMinor: 10_000, currency: 'EUR' }, bonusPoints: 50 });
      const member = await registerMember(server);
      const p = await buy(member, shop, 120);
      expect(await partnerSays(p, 'confirmed')).toBe('applied');
      expect(await missionEntries(member, missionId)).toEqual([{ reason: 'mission_bonus', delta: 50 }]);
      expect(await partnerSays(p, 'returned', 10_500)).toBe('applied');
      expect(await missionEntries(member, missionId)).toHaveLength(1);
      expect(await partnerSays(p, 'returned', 8_000)).toBe('applied');
      expect((await missionEntries(member, missionId)).map((e) => e.delta)).toEqual([50, -50]);
      await expectVerified();
    });

    it('gives a first purchase in a category only to a member new to it, and hides it from the others', async () => {
      server.clock.set(NOW);
      const garden = await partner('Garden');
      const missionId = await defineMission({ rule: { kind: 'category-purchase', category: 'garden', first: true }, bonusPoints: 50, title: { de: 'Erster Gartenkauf', en: 'First garden purchase' } });

      const newcomer = await registerMember(server);
      const p = await buy(newcomer, garden, 8);
      expect(await standingOf(newcomer, missionId)).toMatchObject({ progress: 1, confirmedProgress: 0, target: 1, completed: false });
      expect(await partnerSays(p, 'confirmed')).toBe('applied');
      expect(await missionEntries(newcomer, missionId)).toEqual([{ reason: 'mission_bonus', delta: 50 }]);

      const gardener = await registerMember(server);
      const old = await buy(gardener, garden, 9, '2026-10-01T10:00:00Z');
      expect(await partnerSays(old, 'confirmed')).toBe('applied');
      expect(await standingOf(gardener, missionId)).toBeUndefined();
      const again = await buy(gardener, garden, 9);
      expect(await partnerSays(again, 'confirmed')).toBe('applied');
      expect(await missionEntries(gardener, missionId)).toEqual([]);
      await expectVerified();
    });

    it('records each change in the audit log, and an edit never moves a bonus already booked', async () => {
      server.clock.set(NOW);
      const shop = await partner();
      const id = unique('mission').toLowerCase();
      expect((await putMission({ id, rule: { kind: 'purchase-count', count: 1 }, bonusPoints: 40 })).status).toBe(201);
      expect((await putMission({ id, rule: { kind: 'purchase-count', count: 1 }, bonusPoints: 40 })).status).toBe(200);
      const member = await registerMember(server);
      const p = await buy(member, shop, 5);
      expect(await partnerSays(p, 'confirmed')).toBe('applied');
      expect((await putMission({ id, rule: { kind: 'purchase-count', count: 2 }, bonusPoints: 80 })).status).toBe(200);
      expect((await standingOf(member, id))?.completed).toBe(true);
      expect(await missionEntries(member, id)).toEqual([{ reason: 'mission_bonus', delta: 40 }]);
      await expectVerified();

      const audit = await server.db.query<{ before: unknown; after: { bonusPoints: number } }>(
        `SELECT before, after FROM audit_log WHERE action = 'mission.changed' AND target_id = $1 ORDER BY id`,
        [id],
      );
      expect(audit.map((a) => [a.before === null, a.after.bonusPoints])).toEqual([
        [true, 40],
        [false, 80],
      ]);
    });

    it('books a mission defined after its purchases were confirmed at the scheduler\'s next round, once', async () => {
      server.clock.set(NOW);
      const category = unique('garden');
      const shops = [await partner(category), await partner(category)];
      const member = await registerMember(server);
      for (const shop of shops) expect(await partnerSays(await buy(member, shop, 10), 'confirmed')).toBe('applied');
      const missionId = await defineMission({ rule: { kind: 'distinct-partners', count: 2, category }, bonusPoints: 80 });
      expect(await standingOf(member, missionId)).toMatchObject({ progress: 2, confirmedProgress: 2, completed: false });

      const round = () => reviewMissionsJob.run({ db: server.db, now: server.clock.now(), keepAlive: async () => true });
      expect(await round()).toBeGreaterThanOrEqual(1);
      expect(await missionEntries(member, missionId)).toEqual([{ reason: 'mission_bonus', delta: 80 }]);
      expect((await standingOf(member, missionId))?.completed).toBe(true);
      // Nothing changed since: nothing to do. An edit is looked at again, and books nothing twice.
      expect(await round()).toBe(0);
      expect((await putMission({ id: missionId, rule: { kind: 'distinct-partners', count: 2, category }, bonusPoints: 90 })).status).toBe(200);
      await round();
      expect(await missionEntries(member, missionId)).toEqual([{ reason: 'mission_bonus', delta: 80 }]);
      await expectVerified();
    });

    it('leaves a withdrawn mission out of the member\'s list', async () => {
      server.clock.set(NOW);
      const id = await defineMission({ rule: { kind: 'purchase-count', count: 2 } });
      const member = await registerMember(server);
      expect(await standingOf(member, id)).toMatchObject({ progress: 0, target: 2 });
      expect((await putMission({ id, rule: { kind: 'purchase-count', count: 2 }, active: false })).status).toBe(200);
      expect(await standingOf(member, id)).toBeUndefined();
    });
  });

  describe('.error', () => {
    it('refuses a mission with a malformed rule, window or title, an unknown partner, or two ids', async () => {
      expect(await errorCode(await putMission({ rule: { kind: 'distinct-partners', count: 1 } }))).toBe('bad_request');
      expect((await putMission({ rule: { kind: 'purchase-count', count: 2 }, startsAt: DECEMBER.endsAt, endsAt: DECEMBER.startsAt })).status).toBe(400);
      expect((await putMission({ rule: { kind: 'purchase-count', count: 2 }, title: { de: 'Nur Deutsch' } as MissionInput['title'] })).status).toBe(400);
      expect((await putMission({ rule: { kind: 'purchase-count', count: 2, partnerId: 'no-such-shop' } })).status).toBe(422);
      const res = await server.call('PUT', '/v1/admin/missions/one-id', {
        token: ADMIN_TOKEN,
        body: { id: 'another-id', title: { de: 'x', en: 'x' }, rule: { kind: 'purchase-count', count: 1 }, bonusPoints: 1, ...DECEMBER },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('.security', () => {
    it('answers a member token on the operator routes with 401 or 403', async () => {
      const member = await registerMember(server);
      expect([401, 403]).toContain((await server.call('GET', '/v1/admin/missions', { token: member.token })).status);
      expect([401, 403]).toContain((await putMission({ rule: { kind: 'purchase-count', count: 1 } }, member.token)).status);
    });

    it('catches a bonus booked behind the ledger\'s back, even with the balance moved to match', async () => {
      server.clock.set(NOW);
      const shop = await partner();
      const missionId = await defineMission({ rule: { kind: 'purchase-count', count: 1 }, bonusPoints: 70 });
      const member = await registerMember(server);
      const p = await buy(member, shop, 5);
      expect(await partnerSays(p, 'confirmed')).toBe('applied');
      await expectVerified();
      await server.db.query(`INSERT INTO ledger_entries (member_id, account, delta, reason, mission_id) VALUES ($1, 'available', 70, 'mission_bonus', $2)`, [member.id, missionId]);
      await server.db.query('UPDATE balances SET available = available + 70, lifetime = lifetime + 70 WHERE member_id = $1', [member.id]);
      const verified = await ledgerVerification(server.db);
      expect(verified.ok).toBe(false);
      expect(verified.lines.join('\n')).toContain('a bonus booked while one was already held');
    });
  });
});

describe('npm run admin -- missions', () => {
  const run = promisify(execFile);
  it('imports missions from JSON all or nothing, lists them, and ledger verify reports on them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'missions-cli-'));
    try {
      // The CLI on its embedded database, whatever this run's DATABASE_URL.
      const { DATABASE_URL: _postgres, ...rest } = process.env;
      const env = { ...rest, DATA_DIR: join(dir, 'data') };
      const admin = (...args: string[]) => run('node_modules/.bin/tsx', ['server/cli/admin.ts', ...args], { env, timeout: 60_000 });
      const file = join(dir, 'missions.json');
      await writeFile(file, JSON.stringify({ missions: [{ id: 'three-shops-december', title: { de: 'Drei Shops im Dezember', en: 'Three shops in December' }, rule: { kind: 'distinct-partners', count: 3 }, bonusPoints: 300, ...DECEMBER }] }));
      expect((await admin('missions', 'import', file)).stdout).toContain('created   three-shops-december');
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify([{ id: 'half-a-mission', title: { en: 'Only English' }, rule: { kind: 'spend' } }]));
      await expect(admin('missions', 'import', bad)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('nothing was imported') });
      const listed = (await admin('missions', 'list')).stdout;
      expect(listed).toContain('1 mission\n');
      expect(listed).toContain('Three shops in December: 0 completed, 0 taken back');
      expect((await admin('ledger', 'verify')).stdout).toContain('missions ok: 0 completions held');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
