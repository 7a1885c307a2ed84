/**
 * Property test of missions (issue 18, item 3) through the real app: random
 * sequences of purchases at three partners, confirmations (replayed, and
 * every confirmation of a member replayed at once), partial and full returns
 * and cancellations, with four missions running (distinct partners, spend,
 * a first purchase in a category, a purchase count at one partner). After
 * every step, for every member and mission: the bonus the ledger holds is
 * the mission's bonus exactly when `lib/missions/evaluate.ts` says the
 * mission holds on the member's confirmed purchases, and nothing otherwise
 * (booked once however often confirmations are replayed, taken back when a
 * return makes it no longer hold, kept while it still holds). After every
 * sequence `ledger:verify` finds nothing: balances, valuations, expiries and
 * missions.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MissionInput } from '../../lib/contract/index.ts';
import { evaluate, type MissionPurchase } from '../../lib/missions/evaluate.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from '../server/harness.ts';
import { LIMITS_OFF } from '../server/helpers.ts';
import { registerMember, report, type TestMember, type TestPartner } from '../server/lifecycle-helpers.ts';
import { ROOMY_LIMITS, runs, SEED, SOAK } from './commands.ts';

const MEMBERS = 2;
const START = new Date('2026-12-03T10:00:00.000Z');
const CATEGORIES = ['garden', 'fashion', 'garden'];

type Cmd =
  | { kind: 'buy'; member: number; partner: number; euros: number }
  | { kind: 'confirm'; pick: number }
  | { kind: 'replay'; member: number }
  | { kind: 'return'; pick: number; share?: number }
  | { kind: 'cancel'; pick: number };

const pick = fc.nat();
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('buy' as const), member: fc.integer({ min: 0, max: MEMBERS - 1 }), partner: fc.integer({ min: 0, max: CATEGORIES.length - 1 }), euros: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('confirm' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), member: fc.integer({ min: 0, max: MEMBERS - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('return' as const), pick, share: fc.option(fc.constantFrom(30, 70, 99), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick }) },
);
const cmdsArb = fc.array(cmdArb, { minLength: 10, maxLength: SOAK ? 80 : 30 });

interface Bought {
  id: string;
  member: number;
  partner: number;
  orderId: string;
}

interface World {
  run: number;
  members: TestMember[];
  partners: TestPartner[];
  missions: MissionInput[];
  bought: Bought[];
}

let sequences = 0;
let steps = 0;
const reached = { completions: 0, reversals: 0 };

async function setUp(server: TestServer, run: number): Promise<World> {
  const members: TestMember[] = [];
  for (let i = 0; i < MEMBERS; i++) members.push(await registerMember(server));
  const partners: TestPartner[] = [];
  for (const [i, category] of CATEGORIES.entries()) {
    const id = `m${run}-shop-${i}`;
    const secret = `secret-${crypto.randomUUID()}`;
    const res = await server.call('PUT', `/v1/admin/partners/${id}`, {
      token: ADMIN_TOKEN,
      body: { id, name: `Shop ${id}`, domains: [`${id}.example`], category, earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: false, secret, fraud: LIMITS_OFF },
    });
    expect(res.status).toBe(201);
    partners.push({ id, secret });
  }
  // Each sequence gets missions of its own over a window of its own, so earlier sequences' purchases never count.
  const window = { startsAt: new Date(START.getTime() + run * 600_000).toISOString(), endsAt: new Date(START.getTime() + (run + 1) * 600_000).toISOString() };
  const title = { de: 'Mission', en: 'Mission' };
  const missions: MissionInput[] = [
    { id: `m${run}-two-shops`, title, rule: { kind: 'distinct-partners', count: 2 }, bonusPoints: 100, ...window },
    { id: `m${run}-spend`, title, rule: { kind: 'spend', amountMinor: 15_000, currency: 'EUR' }, bonusPoints: 40, ...window },
    { id: `m${run}-first-garden`, title, rule: { kind: 'category-purchase', category: 'garden', first: true }, bonusPoints: 25, ...window },
    { id: `m${run}-three-at-one`, title, rule: { kind: 'purchase-count', count: 3, partnerId: partners[0]!.id }, bonusPoints: 10, ...window },
  ];
  for (const mission of missions) {
    const res = await server.call('PUT', `/v1/admin/missions/${mission.id}`, { token: ADMIN_TOKEN, body: mission });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  server.clock.set(window.startsAt);
  return { run, members, partners, missions, bought: [] };
}

async function step(server: TestServer, w: World, cmd: Cmd): Promise<void> {
  const chosen = (n: number) => w.bought[n % Math.max(w.bought.length, 1)];
  switch (cmd.kind) {
    case 'buy': {
      const orderId = `m${w.run}-${w.bought.length}`;
      const id = crypto.randomUUID();
      const res = await server.call('POST', '/v1/purchases', {
        token: w.members[cmd.member]!.token,
        body: { purchases: [{ id, partnerId: w.partners[cmd.partner]!.id, orderId, amountMinor: cmd.euros * 100 + 37, currency: 'EUR', detectedAt: server.clock.now().toISOString(), method: 'jsonld' }] },
      });
      expect(res.status).toBe(200);
      const [result] = ((await res.json()) as { results: { status: string; reason?: string }[] }).results;
      expect(result, JSON.stringify(result)).toMatchObject({ status: 'accepted' });
      w.bought.push({ id, member: cmd.member, partner: cmd.partner, orderId });
      return;
    }
    case 'replay': {
      // Every order of the member reported confirmed again, partner by partner: nothing may change.
      for (const [i, partner] of w.partners.entries()) {
        const orders = w.bought.filter((b) => b.member === cmd.member && b.partner === i).map((b) => ({ orderId: b.orderId, status: 'confirmed' as const }));
        if (orders.length) await report(server, partner, orders);
      }
      return;
    }
    case 'confirm':
    case 'return':
    case 'cancel': {
      const b = chosen(cmd.pick);
      if (!b) return;
      const rows = await server.db.query<{ amount_minor: number }>('SELECT amount_minor FROM purchases WHERE id = $1', [b.id]);
      const amountMinor = cmd.kind === 'return' && cmd.share !== undefined ? Math.floor((Number(rows[0]!.amount_minor) * cmd.share) / 100) : undefined;
      const status = cmd.kind === 'confirm' ? 'confirmed' : cmd.kind === 'return' ? 'returned' : 'cancelled';
      const [r] = await report(server, w.partners[b.partner]!, [{ orderId: b.orderId, status, ...(amountMinor ? { amountMinor } : {}) }]);
      expect(['applied', 'unchanged', 'invalid']).toContain(r?.status);
      return;
    }
  }
}

/** The member's purchases as the rules read them, straight from the database. */
async function purchasesOf(server: TestServer, m: TestMember): Promise<MissionPurchase[]> {
  const rows = await server.db.query<{ id: string; partner_id: string; category: string; amount_minor: number; currency: string; detected_at: Date; status: MissionPurchase['status'] }>(
    `SELECT p.id, p.partner_id, pa.doc->>'category' AS category, p.amount_minor, p.currency, p.detected_at, p.status
       FROM purchases p JOIN partners pa ON pa.id = p.partner_id WHERE p.member_id = $1`,
    [m.id],
  );
  return rows.map((r) => ({ id: r.id, partnerId: r.partner_id, category: r.category, amountMinor: Number(r.amount_minor), currency: r.currency, at: r.detected_at.toISOString(), status: r.status }));
}

async function checkMissions(server: TestServer, w: World): Promise<void> {
  for (const [i, m] of w.members.entries()) {
    const purchases = await purchasesOf(server, m);
    for (const mission of w.missions) {
      const [held] = await server.db.query<{ net: number; bonuses: number }>(
        `SELECT COALESCE(SUM(delta), 0)::bigint AS net, COUNT(*) FILTER (WHERE reason = 'mission_bonus')::int AS bonuses
           FROM ledger_entries WHERE member_id = $1 AND mission_id = $2`,
        [m.id, mission.id],
      );
      const holds = evaluate({ ...mission, rule: mission.rule }, purchases, { confirmedOnly: true }).complete;
      expect({ member: i, mission: mission.id, held: Number(held!.net) }).toEqual({ member: i, mission: mission.id, held: holds ? mission.bonusPoints : 0 });
    }
  }
}

async function runSequence(server: TestServer, cmds: readonly Cmd[]): Promise<void> {
  const w = await setUp(server, sequences++);
  for (const cmd of cmds) {
    await step(server, w, cmd);
    steps++;
    await checkMissions(server, w);
  }
  const verified = await ledgerVerification(server.db);
  expect(verified.ok, verified.lines.join('\n')).toBe(true);
  const [counts] = await server.db.query<{ bonuses: number; reversals: number }>(
    `SELECT COUNT(*) FILTER (WHERE reason = 'mission_bonus')::int AS bonuses, COUNT(*) FILTER (WHERE reason = 'mission_bonus_reversal')::int AS reversals
       FROM ledger_entries WHERE mission_id LIKE $1`,
    [`m${w.run}-%`],
  );
  reached.completions += counts!.bonuses;
  reached.reversals += counts!.reversals;
}

const REGRESSIONS: readonly { name: string; cmds: Cmd[] }[] = [
  {
    name: 'two partners confirmed complete it once, replays change nothing, a return at one of them takes it back',
    cmds: [
      { kind: 'buy', member: 0, partner: 0, euros: 10 },
      { kind: 'buy', member: 0, partner: 1, euros: 10 },
      { kind: 'confirm', pick: 0 },
      { kind: 'confirm', pick: 1 },
      { kind: 'replay', member: 0 },
      { kind: 'confirm', pick: 1 },
      { kind: 'return', pick: 0 },
    ],
  },
  {
    name: 'a return that leaves another partner in place keeps the bonus; spending below the threshold after a partial return takes that one back',
    cmds: [
      { kind: 'buy', member: 1, partner: 0, euros: 90 },
      { kind: 'buy', member: 1, partner: 1, euros: 70 },
      { kind: 'buy', member: 1, partner: 2, euros: 5 },
      { kind: 'confirm', pick: 0 },
      { kind: 'confirm', pick: 1 },
      { kind: 'confirm', pick: 2 },
      { kind: 'cancel', pick: 2 },
      { kind: 'return', pick: 1, share: 30 },
    ],
  },
];

describe.each(backends)('mission properties (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, ROOMY_LIMITS);
  }, 120_000);
  afterAll(() => server?.close());

  it.each(REGRESSIONS)('regression: $name', async ({ cmds }) => {
    await runSequence(server, cmds);
  });

  it('books each completion once, takes it back exactly when it no longer holds, and keeps the ledger balanced', async () => {
    await fc.assert(fc.asyncProperty(cmdsArb, (cmds) => runSequence(server, cmds)), { seed: SEED, numRuns: runs(12, 300), endOnFailure: !SOAK });
  }, SOAK ? 3_600_000 : 300_000);
});

afterAll(() => {
  console.log(`mission properties: ${sequences} sequences, ${steps} steps; ${reached.completions} completions booked, ${reached.reversals} taken back`);
});
