import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler } from '../../server/jobs/scheduler.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { balanceOf, buy, createPartner, DAY_MS, registerMember, reportPlaced } from './lifecycle-helpers.ts';

describe.each(backends)('auto-confirmation job on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server?.close());

  const schedulerFor = (s: TestServer) => startScheduler(s.db, { now: s.clock.now, intervalMs: 3_600_000, log: () => {} });

  it('confirms a purchase the partner reported placed once its hold period has passed, and only then', async () => {
    const partner = await createPartner(server, { holdDays: 14, autoConfirm: true });
    const partnerId = partner.id;
    const member = await registerMember(server);
    const purchase = await buy(server, member, partnerId, 5_000);
    await reportPlaced(server, partner, [purchase]);
    const scheduler = schedulerFor(server);
    try {
      await scheduler.runOnce();
      expect(await balanceOf(server, member)).toMatchObject({ pending: purchase.points, available: 0 });

      server.clock.advance(14 * DAY_MS + 1000);
      await scheduler.runOnce();
      expect(await balanceOf(server, member)).toEqual({ pending: 0, available: purchase.points, lifetime: purchase.points });
    } finally {
      await scheduler.stop();
    }
  });

  it('leaves purchases of a partner without auto-confirmation pending past the hold period, even when reported placed', async () => {
    const partner = await createPartner(server, { holdDays: 14, autoConfirm: false });
    const partnerId = partner.id;
    const member = await registerMember(server);
    const purchase = await buy(server, member, partnerId, 2_000);
    await reportPlaced(server, partner, [purchase]);
    server.clock.advance(60 * DAY_MS);
    const scheduler = schedulerFor(server);
    await scheduler.runOnce();
    await scheduler.stop();
    expect(await balanceOf(server, member)).toMatchObject({ pending: purchase.points, available: 0 });
  });

  it('confirms each purchase exactly once when two replicas run the job at the same moment', async () => {
    const partner = await createPartner(server, { holdDays: 14, autoConfirm: true });
    const partnerId = partner.id;
    const member = await registerMember(server);
    const bought = [];
    for (let i = 0; i < 5; i++) bought.push(await buy(server, member, partnerId, 1_000 + i * 100));
    await reportPlaced(server, partner, bought);
    const total = bought.reduce((sum, p) => sum + p.points, 0);
    server.clock.advance(15 * DAY_MS);
    const a = schedulerFor(server);
    const b = schedulerFor(server);
    await Promise.all([a.runOnce(), b.runOnce()]);
    await Promise.all([a.stop(), b.stop()]);
    // One confirmation per purchase: a pending debit and an available credit, never twice.
    const rows = await server.db.query<{ purchase_id: string; n: number }>(
      `SELECT purchase_id, count(*)::int AS n FROM ledger_entries WHERE reason = 'confirmation' AND purchase_id = ANY($1::uuid[]) GROUP BY purchase_id`,
      [bought.map((p) => p.id)],
    );
    expect(rows.map((r) => r.n)).toEqual([2, 2, 2, 2, 2]);
    expect(await balanceOf(server, member)).toEqual({ pending: 0, available: total, lifetime: total });
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
  });
});
