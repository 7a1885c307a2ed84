/** Tiers: Basis, Silber, Gold by points confirmed in the last 12 months, each with its earn multiplier. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Me, SyncResponse } from '../../lib/contract/index.ts';
import { TIERS } from '../../lib/points/tiers.ts';
import { recomputeTiers } from '../../server/programme/tiers.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { expectLedgerBalanced } from './helpers.ts';
import { buy, createPartner, DAY_MS, registerMember, report, type TestMember, type TestPartner } from './lifecycle-helpers.ts';

describe.each(backends)('tiers (%s)', (backend) => {
  let server: TestServer;
  let shop: TestPartner;

  beforeAll(async () => {
    server = await startTestServer(backend);
    // 1 point per EUR, confirmed only when the partner reports.
    shop = await createPartner(server, { earn: { points: 1, per: 1 }, autoConfirm: false });
  });
  afterAll(() => server.close());

  const me = async (member: TestMember): Promise<Me> => {
    const res = await server.call('GET', '/v1/me', { token: member.token });
    expect(res.status).toBe(200);
    return (await res.json()) as Me;
  };

  /** Buys for `points` points at the base rate and has the partner confirm it. */
  async function earnConfirmed(member: TestMember, euros: number) {
    const p = await buy(server, member, shop.id, euros * 100);
    const [result] = await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
    expect(result?.status).toBe('applied');
    return p;
  }

  describe('happy path', () => {
    it('starts a new member at Basis with the way to Silber', async () => {
      const member = await registerMember(server);
      const body = await me(member);
      expect(body.tier).toBe('basis');
      expect(body.tierProgress).toEqual({ tier: 'basis', nextTier: 'silber', pointsInWindow: 0, pointsToNext: 2000, multiplierPercent: 100 });
    });

    it('promotes to Silber on the confirmation that reaches 2,000 points, and Silber earns 10 % more', async () => {
      const member = await registerMember(server);
      await earnConfirmed(member, 1500);
      expect((await me(member)).tierProgress).toMatchObject({ tier: 'basis', pointsInWindow: 1500, pointsToNext: 500 });
      // Pending points do not count towards a tier.
      await buy(server, member, shop.id, 1000_00);
      expect((await me(member)).tier).toBe('basis');

      await earnConfirmed(member, 500);
      const body = await me(member);
      expect(body.tier).toBe('silber');
      expect(body.tierProgress).toEqual({ tier: 'silber', nextTier: 'gold', pointsInWindow: 2000, pointsToNext: 3000, multiplierPercent: 110 });

      const next = await buy(server, member, shop.id, 100_00);
      expect(next.points).toBe(110);
      await expectLedgerBalanced(server.db);
    });

    it('promotes to Gold at 5,000 points: 25 % more, no tier above', async () => {
      const member = await registerMember(server);
      await earnConfirmed(member, 5000);
      const body = await me(member);
      expect(body.tier).toBe('gold');
      expect(body.tierProgress).toEqual({ tier: 'gold', pointsInWindow: 5000, multiplierPercent: 125 });
      expect((await buy(server, member, shop.id, 100_00)).points).toBe(125);
      // A partial return of the Gold purchase takes back points at the multiplier it was booked with.
      await expectLedgerBalanced(server.db);
    });

    it('shows the same progress in /v1/me/sync', async () => {
      const member = await registerMember(server);
      await earnConfirmed(member, 2100);
      const res = await server.call('GET', '/v1/me/sync', { token: member.token });
      const body = (await res.json()) as SyncResponse;
      expect(body.tier).toBe('silber');
      expect(body.tierProgress).toMatchObject({ tier: 'silber', nextTier: 'gold', pointsInWindow: 2100, pointsToNext: 2900 });
    });

    it('documents tierProgress in the OpenAPI document, as an optional field beside the string tier', async () => {
      const doc = (await (await server.call('GET', '/openapi.json')).json()) as {
        components: { schemas: Record<string, { properties: Record<string, { type?: string }>; required?: string[] }> };
      };
      const schema = doc.components.schemas['Me']!;
      expect(schema.properties['tier']?.type).toBe('string');
      expect(schema.properties['tierProgress']).toBeDefined();
      expect(schema.required).not.toContain('tierProgress');
      expect(doc.components.schemas['SyncResponse']!.properties['tierProgress']).toBeDefined();
    });
  });

  describe('losing a tier', () => {
    it('drops back when the purchase that carried the member is reversed', async () => {
      const member = await registerMember(server);
      const p = await earnConfirmed(member, 2000);
      expect((await me(member)).tier).toBe('silber');
      await report(server, shop, [{ orderId: p.orderId, status: 'cancelled' }]);
      expect((await me(member)).tierProgress).toMatchObject({ tier: 'basis', pointsInWindow: 0 });
      await expectLedgerBalanced(server.db);
    });

    it('drops back after a partial return below the threshold', async () => {
      const member = await registerMember(server);
      const p = await earnConfirmed(member, 2000);
      await report(server, shop, [{ orderId: p.orderId, status: 'returned', amountMinor: 1900_00 }]);
      expect((await me(member)).tierProgress).toMatchObject({ tier: 'basis', pointsInWindow: 1900, pointsToNext: 100 });
      await expectLedgerBalanced(server.db);
    });

    it('lapses when the confirmations leave the 12-month window and the tiers are recomputed', async () => {
      const member = await registerMember(server);
      await earnConfirmed(member, 5000);
      expect((await me(member)).tier).toBe('gold');
      server.clock.advance(364 * DAY_MS);
      expect(await recomputeTiers(server.db, server.clock.now())).toBe(0);
      expect((await me(member)).tier).toBe('gold');

      server.clock.advance(2 * DAY_MS);
      // Until the recompute runs the member keeps the tier, but the window already shows the points gone.
      expect((await me(member)).tierProgress).toMatchObject({ tier: 'gold', pointsInWindow: 0 });
      expect(await recomputeTiers(server.db, server.clock.now())).toBeGreaterThanOrEqual(1);
      expect((await me(member)).tierProgress).toEqual({ tier: 'basis', nextTier: 'silber', pointsInWindow: 0, pointsToNext: 2000, multiplierPercent: 100 });
      expect((await buy(server, member, shop.id, 100_00)).points).toBe(100);
      await expectLedgerBalanced(server.db);
    });

    it('recomputes everybody from the purchases, promoting too', async () => {
      const member = await registerMember(server);
      await earnConfirmed(member, 2500);
      // A tier set wrongly by hand is put right by the job.
      await server.db.query(`UPDATE members SET tier = 'gold' WHERE id = $1`, [member.id]);
      await recomputeTiers(server.db, server.clock.now());
      expect((await me(member)).tier).toBe('silber');
      expect(await recomputeTiers(server.db, server.clock.now())).toBe(0);
    });
  });

  it('has one ladder, lowest first, with the multipliers the programme promises', () => {
    expect(TIERS.map((t) => [t.id, t.minPoints, t.multiplierPercent])).toEqual([
      ['basis', 0, 100],
      ['silber', 2000, 110],
      ['gold', 5000, 125],
    ]);
  });
});
