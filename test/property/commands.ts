/**
 * Random command sequences for the ledger property tests, and a runner that
 * sends each command through the real app and the reference model and checks
 * every invariant after every step.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Balance, PurchaseStatus } from '../../lib/contract/index.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { autoConfirmDue } from '../../server/purchases/lifecycle.ts';
import type { TestServer } from '../server/harness.ts';
import { balanceOf, createPartner, createReward, registerMember, report, type TestMember, type TestPartner } from '../server/lifecycle-helpers.ts';
import { DAY_MS, LedgerModel, PARTNERS, REWARD_COSTS, VALID_PATHS, isFinal, type ReportStatus, type SentBody } from './model.ts';

/** SOAK=1 (`npm run test:soak`) raises the run counts; CI keeps them small and the seed fixed. */
export const SOAK = process.env.SOAK === '1';
export const SEED = Number(process.env.PROPERTY_SEED ?? 20261123);
/** PROPERTY_RUNS overrides how many sequences a property file runs (e.g. a longer hunt with another seed). */
export const runs = (ci: number, soak: number) => Number(process.env.PROPERTY_RUNS ?? (SOAK ? soak : ci));

export const MEMBERS = 3;
/** Every property run starts its servers' clocks here. */
export const START = new Date('2026-03-02T09:00:00.000Z');
/** High enough that the property runs never meet a rate limit. */
export const ROOMY_LIMITS = { RATE_LIMIT_MEMBER_PER_MIN: '100000', RATE_LIMIT_PARTNER_PER_MIN: '100000' };
const ORDERS_PER_PARTNER = 5;

export type Command =
  | { kind: 'ingest'; member: number; items: { partner: number; order: number; amountMinor: number }[] }
  /** Resends, byte for byte, a body this member sent before (a retry after a lost answer). */
  | { kind: 'replay'; member: number; pick: number }
  /** Another member's body, id and all: a forged or leaked id must never touch the other member's purchase. */
  | { kind: 'stolenId'; member: number; pick: number }
  /** The same order from another device of the member: a new id. */
  | { kind: 'secondDevice'; member: number; pick: number }
  /** `share` is the percentage of the standing amount reported; undefined sends no amount. */
  | { kind: 'report'; partner: number; order: number; status: ReportStatus; share?: number }
  | { kind: 'redeem'; member: number; reward: number; key: number }
  /** Moves the clock on and runs the auto-confirmation job. */
  | { kind: 'advance'; days: number };

const member = fc.integer({ min: 0, max: MEMBERS - 1 });
const partner = fc.integer({ min: 0, max: PARTNERS.length - 1 });
const order = fc.integer({ min: 0, max: ORDERS_PER_PARTNER - 1 });
const share = fc.option(fc.constantFrom(0, 40, 75, 99, 100, 130), { nil: undefined });

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({
    kind: fc.constant('ingest' as const),
    member,
    items: fc.array(fc.record({ partner, order, amountMinor: fc.integer({ min: 50, max: 30_000 }) }), { minLength: 1, maxLength: 3 }),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), member, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('secondDevice' as const), member, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stolenId' as const), member, pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({
    kind: fc.constant('report' as const),
    partner,
    order,
    status: fc.constantFrom<ReportStatus>('placed', 'placed', 'confirmed', 'confirmed', 'returned', 'cancelled'),
    share,
  }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeem' as const), member, reward: fc.integer({ min: 0, max: REWARD_COSTS.length - 1 }), key: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 20 }) }) },
);

export const sequenceArb = fc.array(commandArb, { minLength: SOAK ? 20 : 10, maxLength: SOAK ? 80 : 20, size: 'max' });

/** Purchase ids the way the extension mints them (UUIDv7 layout), unique per run and step, the same on every database. */
function purchaseId(run: number, n: number): string {
  const hex = (v: number, len: number) => v.toString(16).padStart(len, '0');
  return `0190a000-${hex(run % 0x10000, 4)}-7000-8000-${hex(n, 12)}`;
}

interface World {
  members: TestMember[];
  partners: TestPartner[];
  rewards: string[];
  /** Bodies each member has sent, for replays and second devices. */
  sent: SentBody[][];
  model: LedgerModel;
  /** Every status each purchase was seen in, in order. */
  paths: Map<string, string[]>;
  /** Rows seen in a final state: amount and points must never move again. */
  finals: Map<string, { amount: number; points: number }>;
  minted: number;
}

export interface RunStats {
  steps: number;
}

async function setUp(server: TestServer): Promise<World> {
  const members: TestMember[] = [];
  for (let i = 0; i < MEMBERS; i++) members.push(await registerMember(server));
  const partners: TestPartner[] = [];
  for (const spec of PARTNERS) partners.push(await createPartner(server, spec));
  const rewards: string[] = [];
  for (const pointsCost of REWARD_COSTS) rewards.push(await createReward(server, { kind: 'voucher', pointsCost }));
  return { members, partners, rewards, sent: members.map(() => []), model: new LedgerModel(MEMBERS), paths: new Map(), finals: new Map(), minted: 0 };
}

const orderNumber = (world: World, order: number) => `${world.partners[0]!.id}-order-${order}`;

function toWire(world: World, body: SentBody) {
  return {
    id: body.id,
    partnerId: world.partners[body.partner]!.id,
    orderId: orderNumber(world, body.order),
    amountMinor: body.amountMinor,
    currency: 'EUR',
    detectedAt: body.detectedAt,
    method: 'jsonld',
  };
}

async function sendIngest(server: TestServer, world: World, m: number, bodies: SentBody[]): Promise<void> {
  const nowMs = server.clock.now().getTime();
  const res = await server.call('POST', '/v1/purchases', { token: world.members[m]!.token, body: { purchases: bodies.map((b) => toWire(world, b)) } });
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as { results: { status: string }[] };
  const expected = bodies.map((b) => world.model.ingest(m, b, nowMs));
  expect(results.map((r) => r.status)).toEqual(expected);
  for (const b of bodies) if (!world.sent[m]!.some((s) => s.id === b.id)) world.sent[m]!.push(b);
}

async function step(server: TestServer, world: World, cmd: Command, run: number): Promise<void> {
  const now = () => server.clock.now();
  const fresh = (partner: number, order: number, amountMinor: number): SentBody => ({
    id: purchaseId(run, world.minted++),
    partner,
    order,
    amountMinor,
    detectedAt: now().toISOString(),
  });
  switch (cmd.kind) {
    case 'ingest':
      return sendIngest(server, world, cmd.member, cmd.items.map((i) => fresh(i.partner, i.order, i.amountMinor)));
    case 'replay':
    case 'secondDevice': {
      const sent = world.sent[cmd.member]!;
      if (sent.length === 0) return;
      const earlier = sent[cmd.pick % sent.length]!;
      const body = cmd.kind === 'replay' ? earlier : fresh(earlier.partner, earlier.order, earlier.amountMinor);
      return sendIngest(server, world, cmd.member, [body]);
    }
    case 'stolenId': {
      const victim = world.sent[(cmd.member + 1) % MEMBERS]!;
      if (victim.length === 0) return;
      return sendIngest(server, world, cmd.member, [victim[cmd.pick % victim.length]!]);
    }
    case 'report': {
      const holder = [...world.model.purchases.values()].find((p) => p.partner === cmd.partner && p.order === cmd.order && p.duplicateOf === null);
      const standing = holder?.amountMinor ?? 1000;
      const amountMinor = cmd.share === undefined ? undefined : Math.floor((standing * cmd.share) / 100);
      const orderId = orderNumber(world, cmd.order);
      const results = await report(server, world.partners[cmd.partner]!, [
        { orderId, status: cmd.status, ...(amountMinor === undefined ? {} : { amountMinor }) },
      ]);
      expect(results.map((r) => r.status)).toEqual([world.model.report(cmd.partner, cmd.order, cmd.status, amountMinor)]);
      return;
    }
    case 'redeem': {
      const before = world.model.redemptions;
      const res = await server.call('POST', '/v1/redemptions', {
        token: world.members[cmd.member]!.token,
        body: { rewardId: world.rewards[cmd.reward] },
        headers: { 'Idempotency-Key': `key-${cmd.key}` },
      });
      expect(res.status).toBe(world.model.redeem(cmd.member, cmd.reward, cmd.key, now().getTime()));
      // Available may go below zero through the reversal of points already spent (DESIGN.md), never through a redemption.
      if (world.model.redemptions > before) expect((await balanceOf(server, world.members[cmd.member]!)).available).toBeGreaterThanOrEqual(0);
      return;
    }
    case 'advance':
      server.clock.advance(cmd.days * DAY_MS);
      await autoConfirmDue(server.db, now());
      world.model.autoConfirm(now().getTime());
      return;
  }
}

async function checkInvariants(server: TestServer, world: World): Promise<void> {
  const memberIds = world.members.map((m) => m.id);
  // Every balance equals the sum of its entries (the whole database, not just this run).
  expect((await verifyLedger(server.db)).mismatches).toEqual([]);

  const balances = await server.db.query<Balance & { member_id: string }>(
    'SELECT member_id, available, pending, lifetime FROM balances WHERE member_id = ANY($1::uuid[])',
    [memberIds],
  );
  const byMember = new Map(balances.map((b) => [b.member_id, { available: b.available, pending: b.pending, lifetime: b.lifetime }]));
  expect(memberIds.map((id) => byMember.get(id))).toEqual(world.model.balances);

  const rows = await server.db.query<{ id: string; status: PurchaseStatus; amount_minor: number; points: number }>(
    'SELECT id, status, amount_minor, points FROM purchases WHERE member_id = ANY($1::uuid[]) ORDER BY id',
    [memberIds],
  );
  const expected = [...world.model.purchases.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((p) => ({ id: p.id, status: p.status, amount_minor: p.amountMinor, points: p.points }));
  expect(rows).toEqual(expected);

  // Status paths, seen from the database alone: only the state machine's paths, and final rows never move.
  for (const r of rows) {
    const path = world.paths.get(r.id) ?? [];
    if (path.at(-1) !== r.status) path.push(r.status);
    world.paths.set(r.id, path);
    expect(VALID_PATHS.has(path.join('>')), `status path of ${r.id}: ${path.join('>')}`).toBe(true);
    const final = world.finals.get(r.id);
    if (final) expect({ amount: r.amount_minor, points: r.points }).toEqual(final);
    else if (isFinal(r.status)) world.finals.set(r.id, { amount: r.amount_minor, points: r.points });
  }

  // No transition twice: per purchase at most one booking, one adjustment on confirmation, one confirmation pair, one ending.
  const counts = await server.db.query<{ purchase_id: string; reason: string; n: number }>(
    `SELECT purchase_id, reason, count(*)::int AS n FROM ledger_entries
      WHERE member_id = ANY($1::uuid[]) AND purchase_id IS NOT NULL GROUP BY purchase_id, reason`,
    [memberIds],
  );
  const limits: Record<string, number> = { purchase: 1, purchase_adjusted: 1, confirmation: 2, cancellation: 1, reversal: 1 };
  for (const c of counts) if (c.reason in limits) expect(c.n, `${c.reason} entries of ${c.purchase_id}`).toBeLessThanOrEqual(limits[c.reason]!);

  // A refused redemption writes nothing: entries and rows match the successful ones exactly.
  const spent = await server.db.query<{ entries: number; rows: number }>(
    `SELECT (SELECT count(*)::int FROM ledger_entries WHERE member_id = ANY($1::uuid[]) AND reason = 'redemption') AS entries,
            (SELECT count(*)::int FROM redemptions WHERE member_id = ANY($1::uuid[])) AS rows`,
    [memberIds],
  );
  expect(spent[0]).toEqual({ entries: world.model.redemptions, rows: world.model.redemptions });
}

let runCounter = 0;

/** How much this process ran, for the figures printed at the end of a file. */
export const totals = { sequences: 0, steps: 0 };

/** Runs one command sequence on a server from fresh members and partners; returns the members' normalised ledger. */
export async function runSequence(server: TestServer, commands: readonly Command[], run = ++runCounter): Promise<NormalisedLedger> {
  const world = await setUp(server);
  totals.sequences++;
  for (const cmd of commands) {
    await step(server, world, cmd, run);
    await checkInvariants(server, world);
    totals.steps++;
  }
  return normalisedLedger(server, world);
}

export interface NormalisedLedger {
  entries: unknown[];
  purchases: unknown[];
}

/** The ledger of a run with server-minted ids (members, redemptions) replaced by their order of appearance. */
async function normalisedLedger(server: TestServer, world: World): Promise<NormalisedLedger> {
  const memberIds = world.members.map((m) => m.id);
  const entries = await server.db.query<{ member_id: string; account: string; delta: number; reason: string; purchase_id: string | null; redemption_id: string | null }>(
    `SELECT member_id, account, delta, reason, purchase_id, redemption_id FROM ledger_entries
      WHERE member_id = ANY($1::uuid[]) ORDER BY id`,
    [memberIds],
  );
  const redemptions = new Map<string, number>();
  const purchases = await server.db.query<{ id: string; member_id: string; status: string; amount_minor: number; points: number; reason: string | null }>(
    'SELECT id, member_id, status, amount_minor, points, reason FROM purchases WHERE member_id = ANY($1::uuid[]) ORDER BY id',
    [memberIds],
  );
  return {
    entries: entries.map((e) => ({
      member: memberIds.indexOf(e.member_id),
      account: e.account,
      delta: e.delta,
      reason: e.reason,
      purchase: e.purchase_id,
      redemption: e.redemption_id === null ? null : redemptions.get(e.redemption_id) ?? redemptions.set(e.redemption_id, redemptions.size).size - 1,
    })),
    purchases: purchases.map((p) => ({ ...p, member_id: memberIds.indexOf(p.member_id) })),
  };
}
