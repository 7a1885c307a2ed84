/**
 * Reads from a real streaming replica (DATABASE_READ_URL), which the test
 * starts itself (streaming-replica.ts): catalogue reads are served by it, a
 * replica whose replay is paused serves stale catalogue reads while a
 * member's own sync still sees the member's write, a replica behind the lag
 * bound serves nothing, and a replica that is killed costs no failed
 * request. Where each read went is counted by `sammelpunkt_read_queries_total`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Db } from '../../server/db/index.ts';
import { lsnValue, openReadRouting, readReplica, type ReadRouting } from '../../server/db/read-replica.ts';
import { createApp } from '../../server/index.ts';
import { Metrics } from '../../server/platform/metrics.ts';
import { ADMIN_TOKEN, startTestServerOn, type TestServer } from './harness.ts';
import { addOffer, addPartner, ingest, purchase, signUp, type Account } from './helpers.ts';
import { ADMIN_TOKEN as PROCESS_ADMIN_TOKEN, call, startServerProcess } from './server-process.ts';
import { replicaCaughtUp, startStreamingPair, streamingReplicaAvailable, type StreamingPair } from './streaming-replica.ts';

const reads = (metrics: Metrics, target: string, reason: string) => metrics.readQueries.get({ target, reason });

async function until(what: string, condition: () => boolean | Promise<boolean>, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function putReward(server: TestServer): Promise<string> {
  const id = `reward-${randomUUID().slice(0, 8)}`;
  const res = await server.call('PUT', `/v1/admin/rewards/${id}`, { token: ADMIN_TOKEN, body: { id, title: `Reward ${id}`, kind: 'voucher', pointsCost: 10, active: true } });
  expect(res.status).toBe(201);
  return id;
}

async function rewardIds(server: TestServer, token: string, app = server.app): Promise<string[]> {
  const res = await app.request('/v1/rewards', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rewards: { id: string }[] }).rewards.map((r) => r.id);
}

const OFFER = { kind: 'bonus', bonusPoints: 5, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString() };

async function partnerIds(server: TestServer): Promise<string[]> {
  const res = await server.call('GET', '/v1/partners');
  expect(res.status).toBe(200);
  return ((await res.json()) as { partners: { id: string }[] }).partners.map((p) => p.id);
}

async function offerIds(server: TestServer, token: string): Promise<string[]> {
  const res = await server.call('GET', '/v1/offers', { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { offers: { id: string }[] }).offers.map((o) => o.id);
}

async function syncedPurchaseIds(server: TestServer, token: string): Promise<string[]> {
  const res = await server.call('GET', '/v1/me/sync', { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { purchases: { id: string }[] }).purchases.map((p) => p.id);
}

describe('DATABASE_READ_URL on PGlite', () => {
  it('is ignored, and says so', { timeout: 120_000 }, async () => {
    const db = await openPglite();
    const said: string[] = [];
    try {
      const routing = await openReadRouting({ DATABASE_READ_URL: 'postgres://replica.invalid/x', REPLICA_MAX_LAG_MS: 2000 }, db, { log: (m) => said.push(m) });
      expect(routing).toBeUndefined();
      expect(said.join('\n')).toMatch(/DATABASE_READ_URL is ignored/);
    } finally {
      await db.close();
    }
  });
});

describe('the replica monitor', () => {
  const primaryAt = (lsn: string): Db => fakeDb(async () => [{ lsn }]);

  it('checks a replica that does not answer with backoff, not on every interval', async () => {
    let attempts = 0;
    const down = fakeDb(async () => {
      attempts++;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const routing = readReplica(primaryAt('0/3000000'), down, { maxLagMs: 1000, checkIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 1600));
    await routing.close();
    // Every 50 ms would be 32 checks; 50, 100, 200, 400, 800 ms apart is 5 or 6.
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(attempts).toBeLessThanOrEqual(7);
    expect(routing.state()).toMatchObject({ up: false, usable: false });
  });

  it('uses no server that is not in recovery: a promoted replica may have diverged', async () => {
    const promoted = fakeDb(async () => [{ recovering: false, lsn: null }]);
    const routing = readReplica(primaryAt('0/3000000'), promoted, { maxLagMs: 1000, checkIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 100));
    await routing.close();
    expect(routing.state().usable).toBe(false);
  });

  it('compares WAL positions as numbers, not as text', () => {
    expect(lsnValue('0/A0000000') > lsnValue('0/9FFFFFFF')).toBe(true);
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
    expect(lsnValue('16/B374D848')).toBe(0x16b374d848n);
  });
});

function fakeDb(query: () => Promise<Record<string, unknown>[]>): Db {
  return { kind: 'postgres', query: query as Db['query'], exec: async () => {}, transaction: async () => { throw new Error('not here'); }, close: async () => {} };
}

describe.skipIf(!streamingReplicaAvailable)('reads from a streaming replica', () => {
  let pair: StreamingPair | undefined;
  let server: TestServer;
  let routing: ReadRouting;
  let replicaDb: Db;
  const metrics = new Metrics();
  let member: Account;
  let idle: Account;
  let partner: string;

  beforeAll(async () => {
    pair = await startStreamingPair('sammelpunkt');
    const db = await openPostgres(pair.primaryUrl, { max: 5 });
    replicaDb = await openPostgres(pair.replicaUrl, { max: 5, connectTimeoutMs: 1000 });
    // A generous lag bound here: the test pauses replay to see stale reads; the bound has its own test below.
    routing = readReplica(db, replicaDb, {
      maxLagMs: 60_000,
      checkIntervalMs: 100,
      onRead: (target, reason) => metrics.readQueries.inc({ target, reason }),
    });
    server = await startTestServerOn(db, async () => {
      await routing.close();
      await replicaDb.close();
      await db.close();
    }, {}, { reads: routing, metrics });
    member = await signUp(server);
    idle = await signUp(server);
    partner = await addPartner(server);
    await replicaCaughtUp(pair);
    await until('the replica is in use', () => routing.state().usable);
  }, 90_000);

  afterAll(async () => {
    await server?.close().catch(() => {});
    pair?.stop();
  });

  it('serves the catalogue, offers and rewards from the replica', async () => {
    const reward = await putReward(server);
    const shop = await addPartner(server);
    const offer = await addOffer(server, OFFER);
    await replicaCaughtUp(pair!);
    await until('the monitor saw the replay', async () => (await rewardIds(server, member.token)).includes(reward));
    const before = reads(metrics, 'replica', 'replica');
    expect(await partnerIds(server)).toContain(shop);
    expect(await offerIds(server, member.token)).toContain(offer);
    expect(await rewardIds(server, member.token)).toContain(reward);
    // The partner list (rebuilt for the new version), the offers and the rewards, each with the replica's version check.
    expect(reads(metrics, 'replica', 'replica')).toBeGreaterThanOrEqual(before + 6);
  });

  it('while replay is paused: stale catalogue from the replica, yet the member sees their own write at once', async () => {
    await pair!.pauseReplay();
    try {
      const reward = await putReward(server);
      // The primary has it; the replica, not replaying, does not: the read shows where it came from.
      expect(await rewardIds(server, member.token)).not.toContain(reward);
      // A partner or offer change bumps a version that the sync announces from the primary: a client
      // told of it must get the new list, so those come from the primary until the replica has them.
      const shop = await addPartner(server);
      const offer = await addOffer(server, OFFER);
      expect(await partnerIds(server)).toContain(shop);
      expect(await offerIds(server, idle.token)).toContain(offer);

      const ownBefore = reads(metrics, 'primary', 'own_write');
      const [booked] = await ingest(server, member.token, [purchase(partner)]);
      expect(booked!.status).toBe('accepted');
      expect(await syncedPurchaseIds(server, member.token)).toContain(booked!.id);
      const me = await server.call('GET', '/v1/me', { token: member.token });
      expect(((await me.json()) as { balance: { pending: number } }).balance.pending).toBeGreaterThan(0);
      const history = await server.call('GET', '/v1/me/transactions', { token: member.token });
      expect(((await history.json()) as { transactions: { purchaseId?: string }[] }).transactions.map((t) => t.purchaseId)).toContain(booked!.id);
      expect(reads(metrics, 'primary', 'own_write')).toBeGreaterThanOrEqual(ownBefore + 3);

      // A member registered while the replica lags is not on it yet: read from the primary, not refused.
      const newcomer = await signUp(server, undefined, { verified: false });
      const first = await server.call('GET', '/v1/me/sync', { token: newcomer.token });
      expect(first.status).toBe(200);
      expect(((await first.json()) as { member: { id: string } }).member.id).toBe(newcomer.id);

      // A member who wrote nothing since the pause reads from the replica all the same.
      const replicaBefore = reads(metrics, 'replica', 'replica');
      expect((await server.call('GET', '/v1/me/sync', { token: idle.token })).status).toBe(200);
      expect(reads(metrics, 'replica', 'replica')).toBe(replicaBefore + 1);
    } finally {
      await pair!.resumeReplay();
    }
    // Once replayed, the member's reads go back to the replica.
    await replicaCaughtUp(pair!);
    await until('the member reads from the replica again', async () => {
      const before = reads(metrics, 'replica', 'replica');
      await syncedPurchaseIds(server, member.token);
      return reads(metrics, 'replica', 'replica') > before;
    });
  });

  it('a replica further behind than REPLICA_MAX_LAG_MS serves nothing until it catches up', async () => {
    const strictMetrics = new Metrics();
    const strict = readReplica(server.db, replicaDb, {
      maxLagMs: 300,
      checkIntervalMs: 50,
      onRead: (target, reason) => strictMetrics.readQueries.inc({ target, reason }),
    });
    const app = createApp({ ...server.deps, reads: strict, metrics: strictMetrics });
    try {
      await until('the strict routing uses the replica', () => strict.state().usable);
      await pair!.pauseReplay();
      try {
        const reward = await putReward(server);
        await until('the replica counts as lagging', () => !strict.state().usable);
        expect(await rewardIds(server, member.token, app)).toContain(reward);
        expect(reads(strictMetrics, 'primary', 'lagging')).toBeGreaterThan(0);
      } finally {
        await pair!.resumeReplay();
      }
      await until('the replica is in use again', () => strict.state().usable);
    } finally {
      await strict.close();
    }
  });

  it('npm start with DATABASE_READ_URL sends the catalogue to the replica', async () => {
    const child = await startServerProcess({ DATABASE_URL: pair!.primaryUrl }, { DATABASE_READ_URL: pair!.replicaUrl });
    try {
      const replicaReads = async () => {
        expect((await call(child.base, 'GET', '/v1/partners')).status).toBe(200);
        const metrics = await (await call(child.base, 'GET', '/metrics', { token: PROCESS_ADMIN_TOKEN })).text();
        const line = metrics.split('\n').find((l) => l.startsWith('sammelpunkt_read_queries_total{') && l.includes('target="replica"'));
        return Number(line?.split(' ').at(-1) ?? 0);
      };
      await until('the process reads from the replica', async () => (await replicaReads()) > 0, 10_000);
      expect(child.output()).toMatch(/reads that may be a little stale from DATABASE_READ_URL/);
    } finally {
      await child.stop();
    }
  });

  it('a replica that goes down: every read answered from the primary, and straight there while it stays down', async () => {
    const reward = await putReward(server);
    await pair!.killReplica();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => [
        server.call('GET', '/v1/partners'),
        server.call('GET', '/v1/offers', { token: member.token }),
        server.call('GET', '/v1/rewards', { token: member.token }),
        server.call('GET', '/v1/me/sync', { token: idle.token }),
        server.call('GET', '/v1/me/transactions', { token: idle.token }),
      ]).flat(),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    expect(await rewardIds(server, member.token)).toContain(reward);
    expect(routing.state().up).toBe(false);
    const failedOver = reads(metrics, 'primary', 'failed_over') + reads(metrics, 'primary', 'down');
    expect(failedOver).toBeGreaterThan(0);
    // While it stays down, reads go straight to the primary: no request waits on the dead replica.
    const downBefore = reads(metrics, 'primary', 'down');
    expect((await server.call('GET', '/v1/me/sync', { token: member.token })).status).toBe(200);
    expect(reads(metrics, 'primary', 'down')).toBe(downBefore + 1);
  });
});
