/**
 * Offers and rewards for the console: listed for every role (ended offers
 * on request, inactive rewards too), changed by a partner manager with an
 * audit entry, refused to a reviewer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminOffers, AdminRewards, type AuditEntry } from '../../lib/contract/console.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode } from './helpers.ts';
import { unique } from './lifecycle-helpers.ts';
import { asOperator, operatorSession, type SignedIn } from './operator-console-helpers.ts';

const DAY = 86_400_000;

describe.each(backends)('offers and rewards for the console (%s)', (backend) => {
  let server: TestServer;
  let viewer: SignedIn;
  let reviewer: SignedIn;
  let manager: SignedIn;
  const at = (days: number) => new Date(server.clock.now().getTime() + days * DAY).toISOString();
  const ids = { running: unique('running'), upcoming: unique('upcoming'), ended: unique('ended'), voucher: unique('voucher'), retired: unique('retired') };

  beforeAll(async () => {
    server = await startTestServer(backend);
    [viewer, reviewer, manager] = [await operatorSession(server, 'viewer'), await operatorSession(server, 'reviewer'), await operatorSession(server, 'partner-manager')];
    const put = (kind: string, body: Record<string, unknown>) => server.call('PUT', `/v1/admin/${kind}/${body.id as string}`, { token: ADMIN_TOKEN, body });
    await put('offers', { id: ids.running, title: 'Double points', kind: 'multiplier', multiplier: 2, startsAt: at(-1), endsAt: at(6) });
    await put('offers', { id: ids.upcoming, title: 'Bonus 100', kind: 'bonus', bonusPoints: 100, startsAt: at(3), endsAt: at(10) });
    await put('offers', { id: ids.ended, title: 'Last week', kind: 'multiplier', multiplier: 3, startsAt: at(-10), endsAt: at(-3) });
    await put('rewards', { id: ids.voucher, title: '5 EUR voucher', kind: 'voucher', pointsCost: 500, active: true });
    await put('rewards', { id: ids.retired, title: 'Old voucher', kind: 'voucher', pointsCost: 900, active: false });
  });
  afterAll(() => server.close());

  it('lists running and upcoming offers, the ended ones on request, and every reward', async () => {
    const current = AdminOffers.parse(await (await asOperator(server, viewer, 'GET', '/v1/admin/offers')).json());
    expect(current.offers.map((o) => o.id)).toEqual([ids.running, ids.upcoming]);
    const all = AdminOffers.parse(await (await asOperator(server, viewer, 'GET', '/v1/admin/offers?include=ended')).json());
    expect(all.offers.map((o) => o.id)).toEqual([ids.upcoming, ids.running, ids.ended]);
    const rewards = AdminRewards.parse(await (await asOperator(server, viewer, 'GET', '/v1/admin/rewards')).json());
    expect(rewards.rewards.map((r) => [r.id, r.active])).toEqual(expect.arrayContaining([[ids.voucher, true], [ids.retired, false]]));
    expect((await asOperator(server, viewer, 'GET', '/v1/admin/offers?include=everything')).status).toBe(400);
  });

  it('a partner manager changes an offer and a reward, each logged with before and after', async () => {
    const offer = { id: ids.running, title: 'Triple points', kind: 'multiplier', multiplier: 3, startsAt: at(-1), endsAt: at(6) };
    expect((await asOperator(server, manager, 'PUT', `/v1/admin/offers/${ids.running}`, offer)).status).toBe(200);
    expect((await asOperator(server, manager, 'PUT', `/v1/admin/rewards/${ids.voucher}`, { id: ids.voucher, title: '5 EUR voucher', kind: 'voucher', pointsCost: 450, active: true })).status).toBe(200);
    const listed = AdminOffers.parse(await (await asOperator(server, viewer, 'GET', '/v1/admin/offers')).json());
    expect(listed.offers.find((o) => o.id === ids.running)).toMatchObject({ title: 'Triple points', multiplier: 3 });
    const log = async (targetId: string) => ((await (await server.call('GET', `/v1/admin/audit?targetId=${targetId}&limit=1`, { token: ADMIN_TOKEN })).json()) as { entries: AuditEntry[] }).entries[0];
    expect(await log(ids.running)).toMatchObject({ action: 'offer.changed', actor: manager.email, before: { multiplier: 2 }, after: { multiplier: 3 } });
    expect(await log(ids.voucher)).toMatchObject({ action: 'reward.changed', actor: manager.email, before: { pointsCost: 500 }, after: { pointsCost: 450 } });
  });

  it('a reviewer may not change an offer', async () => {
    const res = await asOperator(server, reviewer, 'PUT', `/v1/admin/offers/${ids.upcoming}`, { id: ids.upcoming, title: 'Bonus 1000', kind: 'bonus', bonusPoints: 1000, startsAt: at(3), endsAt: at(10) });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('forbidden_role');
  });
});
