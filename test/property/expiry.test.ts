/**
 * Model-based property test of points expiry (issue 18, item 4): random
 * sequences of purchases, confirmations, partial and full returns,
 * cancellations, redemptions, the clock moving by days and weeks, and the
 * expiry job running (sometimes twice at once, as two scheduler processes
 * would), through the real app and through `expiry-model.ts` side by side,
 * with points expiring one month after they were earned so that sequences
 * reach it. After every step each member's available balance, expired and
 * reinstated points and the sync answer's upcoming expiries equal the
 * model's, and available never goes below zero through an expiry; after
 * every sequence `ledger:verify`'s checks (balances, valuations, expiries)
 * find nothing and no lot has two expiries.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncResponse } from '../../lib/contract/index.ts';
import { expireDueLots } from '../../server/ledger/expiry.ts';
import { verifyExpiries } from '../../server/ledger/expiry-verify.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { verifyValuations } from '../../server/ledger/valuations.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from '../server/harness.ts';
import { createPartner, registerMember, report, type TestMember, type TestPartner } from '../server/lifecycle-helpers.ts';
import { ROOMY_LIMITS, runs, SEED, SOAK } from './commands.ts';
import { ExpiryModel } from './expiry-model.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const MEMBERS = 2;
const MONTHS = 1;
const START = new Date('2026-01-20T10:00:00.000Z');
const REWARD_ID = 'expiry-property-voucher';
const REWARD_COST = 30;

export type Cmd =
  | { kind: 'buy'; member: number; euros: number }
  | { kind: 'confirm'; pick: number }
  | { kind: 'return'; pick: number; share?: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'redeem'; member: number }
  | { kind: 'advance'; days: number }
  /** Runs the expiry job; `twice` runs two rounds at once, as two scheduler processes would without the lease. */
  | { kind: 'expire'; twice: boolean };

const pick = fc.nat();
const member = fc.integer({ min: 0, max: MEMBERS - 1 });
export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('buy' as const), member, euros: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('confirm' as const), pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('return' as const), pick, share: fc.option(fc.constantFrom(0, 30, 70, 99), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeem' as const), member }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('expire' as const), twice: fc.boolean() }) },
);
export const cmdsArb = fc.array(cmdArb, { minLength: 10, maxLength: SOAK ? 80 : 40 });

interface World {
  members: TestMember[];
  partner: TestPartner;
  model: ExpiryModel;
  run: number;
}

let sequences = 0;
let steps = 0;
/** What the sequences reached, so a run that never expired or gave back anything shows. */
const reached = { expiredPoints: 0, reinstatedPoints: 0 };

async function setUp(server: TestServer, run: number): Promise<World> {
  // Each sequence starts the clock again at START; the job's progress marker belongs to the previous sequence's clock.
  await server.db.query('UPDATE points_expiry_state SET earned_before = NULL');
  const members: TestMember[] = [];
  for (let i = 0; i < MEMBERS; i++) members.push(await registerMember(server));
  const partner = await createPartner(server, { autoConfirm: false, holdDays: 30 });
  const res = await server.call('PUT', `/v1/admin/rewards/${REWARD_ID}`, {
    token: ADMIN_TOKEN,
    body: { id: REWARD_ID, title: 'Expiry property voucher', kind: 'voucher', pointsCost: REWARD_COST, active: true },
  });
  expect(res.status).toBeLessThan(300);
  return { members, partner, model: new ExpiryModel(MEMBERS, MONTHS), run };
}

async function availableOf(server: TestServer, m: TestMember): Promise<number> {
  return (await server.db.query<{ available: number }>('SELECT available FROM balances WHERE member_id = $1', [m.id]))[0]!.available;
}

async function step(server: TestServer, w: World, cmd: Cmd): Promise<void> {
  const { model } = w;
  const now = server.clock.now();
  const pickPurchase = (n: number) => model.purchases[n % Math.max(model.purchases.length, 1)];
  switch (cmd.kind) {
    case 'buy': {
      const id = crypto.randomUUID();
      const orderId = `x${w.run}-${model.purchases.length}`;
      const amountMinor = cmd.euros * 100 + 37;
      const res = await server.call('POST', '/v1/purchases', {
        token: w.members[cmd.member]!.token,
        body: { purchases: [{ id, partnerId: w.partner.id, orderId, amountMinor, currency: 'EUR', detectedAt: now.toISOString(), method: 'jsonld' }] },
      });
      expect(res.status).toBe(200);
      model.book(id, cmd.member, orderId, amountMinor);
      return;
    }
    case 'confirm':
    case 'return':
    case 'cancel': {
      const p = pickPurchase(cmd.pick);
      if (!p) return;
      const amountMinor = cmd.kind === 'return' && cmd.share !== undefined ? Math.floor((p.amountMinor * cmd.share) / 100) : undefined;
      const status = cmd.kind === 'confirm' ? 'confirmed' : cmd.kind === 'return' ? 'returned' : 'cancelled';
      const [r] = await report(server, w.partner, [{ orderId: p.orderId, status, ...(amountMinor !== undefined ? { amountMinor } : {}) }]);
      const expected = cmd.kind === 'confirm' ? model.confirm(p, now.getTime()) : cmd.kind === 'return' ? model.returned(p, amountMinor) : model.end(p);
      expect(r?.status).toBe(expected);
      return;
    }
    case 'redeem': {
      const res = await server.call('POST', '/v1/redemptions', {
        token: w.members[cmd.member]!.token,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: { rewardId: REWARD_ID },
      });
      const spent = model.redeem(cmd.member, REWARD_COST);
      expect(res.status, await res.clone().text()).toBe(spent ? 201 : 409);
      return;
    }
    case 'advance':
      server.clock.advance(cmd.days * DAY_MS);
      return;
    case 'expire': {
      const before = await Promise.all(w.members.map((m) => availableOf(server, m)));
      const round = () => expireDueLots(server.db, now, MONTHS, async () => true);
      await (cmd.twice ? Promise.all([round(), round()]) : round());
      model.expire(now);
      const after = await Promise.all(w.members.map((m) => availableOf(server, m)));
      for (let i = 0; i < MEMBERS; i++) {
        // An expiry takes only points the member still has: never below zero, never from a debt.
        if (before[i]! >= 0) expect(after[i]).toBeGreaterThanOrEqual(0);
        else expect(after[i]).toBe(before[i]);
      }
      // Run again: nothing more to book.
      expect(await expireDueLots(server.db, now, MONTHS, async () => true)).toBe(0);
      return;
    }
  }
}

async function checkAgainstModel(server: TestServer, w: World): Promise<void> {
  const now = server.clock.now();
  for (let i = 0; i < MEMBERS; i++) {
    const m = w.members[i]!;
    const [row] = await server.db.query<{ expired: number; reinstated: number }>(
      `SELECT COALESCE(-SUM(delta) FILTER (WHERE reason = 'expiry'), 0)::bigint AS expired,
              COALESCE(SUM(delta) FILTER (WHERE reason = 'expiry_reinstated'), 0)::bigint AS reinstated
         FROM ledger_entries WHERE member_id = $1`,
      [m.id],
    );
    expect({ member: i, available: await availableOf(server, m), expired: row!.expired, reinstated: row!.reinstated }).toEqual({
      member: i,
      available: w.model.available(i),
      expired: w.model.expired(i),
      reinstated: w.model.reinstated(i),
    });
    const res = await server.call('GET', '/v1/me/sync', { token: m.token });
    expect(res.status).toBe(200);
    const sync = (await res.json()) as SyncResponse;
    expect({ member: i, upcoming: sync.expiry?.upcoming }).toEqual({ member: i, upcoming: w.model.upcoming(i, now) });
  }
}

export async function runExpirySequence(server: TestServer, cmds: readonly Cmd[]): Promise<void> {
  server.clock.set(START);
  const w = await setUp(server, sequences++);
  for (const cmd of cmds) {
    await step(server, w, cmd);
    steps++;
    await checkAgainstModel(server, w);
  }
  expect((await verifyLedger(server.db)).mismatches).toEqual([]);
  expect((await verifyValuations(server.db)).mismatches).toEqual([]);
  expect((await verifyExpiries(server.db)).mismatches).toEqual([]);
  const twice = await server.db.query(
    `SELECT earning_entry_id FROM ledger_entries WHERE reason = 'expiry' GROUP BY earning_entry_id HAVING COUNT(*) > 1`,
  );
  expect(twice).toEqual([]);
  for (let i = 0; i < MEMBERS; i++) {
    reached.expiredPoints += w.model.expired(i);
    reached.reinstatedPoints += w.model.reinstated(i);
  }
}

/** Sequences kept as regression tests for the cases an auditor asks about first. */
export const REGRESSIONS: readonly { name: string; cmds: Cmd[] }[] = [
  { name: 'what was not spent expires at the end of the month after; spending took the oldest points first', cmds: [
    { kind: 'buy', member: 0, euros: 40 },
    { kind: 'confirm', pick: 0 },
    { kind: 'advance', days: 20 },
    { kind: 'buy', member: 0, euros: 50 },
    { kind: 'confirm', pick: 1 },
    { kind: 'redeem', member: 0 },
    { kind: 'advance', days: 35 },
    { kind: 'expire', twice: true },
    { kind: 'advance', days: 30 },
    { kind: 'expire', twice: false },
  ] },
  { name: 'a return after a partial redemption leaves a debt that later points pay before anything expires', cmds: [
    { kind: 'buy', member: 0, euros: 40 },
    { kind: 'confirm', pick: 0 },
    { kind: 'redeem', member: 0 },
    { kind: 'cancel', pick: 0 },
    { kind: 'buy', member: 0, euros: 20 },
    { kind: 'confirm', pick: 1 },
    { kind: 'advance', days: 80 },
    { kind: 'expire', twice: false },
  ] },
  { name: 'a return of a purchase whose points expired gives them back first, so they are not lost twice', cmds: [
    { kind: 'buy', member: 1, euros: 60 },
    { kind: 'confirm', pick: 0 },
    { kind: 'redeem', member: 1 },
    { kind: 'advance', days: 75 },
    { kind: 'expire', twice: true },
    { kind: 'buy', member: 1, euros: 50 },
    { kind: 'confirm', pick: 1 },
    { kind: 'return', pick: 0, share: 30 },
    { kind: 'return', pick: 0 },
    { kind: 'expire', twice: false },
  ] },
];

describe.each(backends)('expiry properties (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { ...ROOMY_LIMITS, POINTS_EXPIRY_MONTHS: String(MONTHS) });
  }, 120_000);
  afterAll(() => server?.close());

  it.each(REGRESSIONS)('regression: $name', async ({ cmds }) => {
    await runExpirySequence(server, cmds);
  });

  it('expires what is left of each lot once, oldest first, never below zero, and follows returns', async () => {
    await fc.assert(
      fc.asyncProperty(cmdsArb, (cmds) => runExpirySequence(server, cmds)),
      { seed: SEED, numRuns: runs(15, 300), endOnFailure: !SOAK },
    );
  }, SOAK ? 3_600_000 : 240_000);
});

afterAll(() => {
  console.log(
    `expiry properties: ${sequences} random sequences, ${steps} steps, balances, expiries and forecasts checked against the model after each step; ` +
      `${reached.expiredPoints} points expired, ${reached.reinstatedPoints} given back on returns`,
  );
});
