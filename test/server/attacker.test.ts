/**
 * What an attacker tries first in a points programme (issue 16, item 5),
 * with nothing but the public API and valid tokens: invented orders at scale,
 * replayed and re-signed partner reports, redemption races, self-referral
 * rings. CI runs the
 * farming run with 500 invented orders across 10 members; `npm run
 * test:soak` (SOAK=1) with 10,000 across 100 members and 5 partners. Each
 * test prints its figures (tried, refused, held, booked) as one JSON line,
 * the figures SECURITY.md quotes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult } from '../../lib/contract/index.ts';
import { startScheduler } from '../../server/jobs/scheduler.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { listReviewQueue } from '../../server/purchases/fraud.ts';
import { listHeldReferrals } from '../../server/programme/referrals.ts';
import { UNVOUCHED_GRACE_DAYS } from '../../server/purchases/unvouched.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import {
  balanceOf,
  buy,
  createPartner,
  createReward,
  DAY_MS,
  purchaseBody,
  registerMember,
  report,
  reportPlaced,
  type TestMember,
  type TestPartner,
} from './lifecycle-helpers.ts';

const SOAK = process.env.SOAK === '1';
const ATTACKERS = SOAK ? 100 : 10;
const PARTNERS = 5;
const INVENTED = SOAK ? 10_000 : 500;
const RING = SOAK ? 200 : 20;

describe.each(backends)('attacker (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // Roomy member limits: the attack is about what gets booked, not about the per-minute rate limit.
    server = await startTestServer(backend, { RATE_LIMIT_MEMBER_PER_MIN: '100000', RATE_LIMIT_PARTNER_PER_MIN: '100000' });
  });
  afterAll(async () => {
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
    await server.close();
  });

  async function runJobs(): Promise<void> {
    const scheduler = startScheduler(server.db, { now: server.clock.now, intervalMs: 3_600_000, log: () => {} });
    await scheduler.runOnce();
    await scheduler.stop();
  }

  const sumOf = async (members: TestMember[], account: 'available' | 'pending') =>
    (await Promise.all(members.map((m) => balanceOf(server, m)))).reduce((s, b) => s + Number(b[account]), 0);

  it(`farming: ${INVENTED} invented orders across ${ATTACKERS} members and ${PARTNERS} auto-confirm partners end with 0 spendable points`, { timeout: 3_600_000 }, async () => {
    // Every partner on autoConfirm with the default limits; the first reports its real orders as placed, as a real shop's feed would.
    const partners: TestPartner[] = [];
    for (let i = 0; i < PARTNERS; i++) partners.push(await createPartner(server, { holdDays: 14, autoConfirm: true, fraud: null }));
    const buyer = await registerMember(server);
    const real = await buy(server, buyer, partners[0]!.id, 49_99);
    await reportPlaced(server, partners[0]!, [real]);

    const attackers: TestMember[] = [];
    for (let i = 0; i < ATTACKERS; i++) attackers.push(await registerMember(server));
    const perMember = INVENTED / ATTACKERS;
    const results: IngestResult[] = [];
    const invented = new Set<string>();
    const started = performance.now();
    for (const [m, attacker] of attackers.entries()) {
      // Tried: orders of 999.99 that no shop ever had, spread over the partners, in batches of 100.
      const bodies = Array.from({ length: perMember }, (_, i) => purchaseBody(partners[(m + i) % PARTNERS]!.id, 999_99, `INV-${m}-${i}-${randomUUID().slice(0, 8)}`));
      for (const b of bodies) invented.add(b.id);
      for (let i = 0; i < bodies.length; i += 100) {
        const res = await server.call('POST', '/v1/purchases', { token: attacker.token, body: { purchases: bodies.slice(i, i + 100) } });
        expect(res.status).toBe(200);
        results.push(...((await res.json()) as { results: IngestResult[] }).results);
      }
    }
    const ingestSeconds = (performance.now() - started) / 1000;
    const byOutcome = new Map<string, number>();
    for (const r of results) byOutcome.set(r.reason ?? r.status, (byOutcome.get(r.reason ?? r.status) ?? 0) + 1);
    const pendingBooked = await sumOf(attackers, 'pending');

    server.clock.advance(14 * DAY_MS + 1000);
    await runJobs();
    expect(await sumOf(attackers, 'available')).toBe(0);
    expect(await balanceOf(server, buyer)).toMatchObject({ available: 49, pending: 0 });
    const queue = await listReviewQueue(server.db, { limit: INVENTED * 2 });
    const queued = queue.filter((q) => invented.has(q.purchaseId));
    expect(queued).toHaveLength(INVENTED);
    const queueReasons = new Map<string, number>();
    for (const q of queued) queueReasons.set(q.reason, (queueReasons.get(q.reason) ?? 0) + 1);

    server.clock.advance(UNVOUCHED_GRACE_DAYS * DAY_MS);
    await runJobs();
    expect(await sumOf(attackers, 'available')).toBe(0);
    expect(await sumOf(attackers, 'pending')).toBe(0);
    const rejected = await server.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM purchases WHERE id = ANY($1::uuid[]) AND status = 'rejected' AND reason = 'not_confirmed_by_shop'`,
      [[...invented]],
    );
    expect(rejected[0]!.n).toBe(INVENTED);
    console.log(JSON.stringify({
      attack: 'farming', backend, tried: INVENTED, members: ATTACKERS, partners: PARTNERS, ingestSeconds: Math.round(ingestSeconds * 10) / 10,
      answers: Object.fromEntries(byOutcome), pendingPointsBooked: pendingBooked, availableAfterHold: 0,
      reviewQueueAfterHold: Object.fromEntries(queueReasons), rejectedAfterGrace: rejected[0]!.n, realOrderConfirmedPoints: 49,
    }));
  });

  it('replayed, re-signed and altered partner reports are refused before they touch anything', async () => {
    const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
    const member = await registerMember(server);
    const p = await buy(server, member, shop.id, 20_00);
    const body = JSON.stringify({ orders: [{ orderId: p.orderId, status: 'placed', amountMinor: 20_00 }] });
    const timestamp = String(Math.floor(server.clock.now().getTime() / 1000));
    const send = (raw: string, signature: string, partnerId = shop.id) =>
      server.call('POST', '/v1/partner-api/confirmations', {
        body: raw,
        headers: { 'X-Sammelpunkt-Partner': partnerId, 'X-Sammelpunkt-Timestamp': timestamp, 'X-Sammelpunkt-Signature': signature },
      });
    const signature = signConfirmation(shop.secret, timestamp, body);
    expect((await send(body, signature)).status).toBe(200);
    const tried = {
      // The same request again, byte for byte.
      replayed: await send(body, signature),
      // The body re-signed with a guessed secret, and with the demo's well-known one.
      guessedSecret: await send(body, signConfirmation('secret-guess-0123456789', timestamp, body)),
      // A confirmation under the placed report's signature.
      altered: await send(body.replace('placed', 'confirmed'), signature),
      // The same body and signature presented as another partner.
      otherPartner: await send(body, signature, (await createPartner(server)).id),
    };
    const statuses = Object.fromEntries(Object.entries(tried).map(([k, r]) => [k, r.status]));
    expect(statuses).toEqual({ replayed: 401, guessedSecret: 401, altered: 401, otherPartner: 401 });
    expect((await balanceOf(server, member)).available).toBe(0);
    console.log(JSON.stringify({ attack: 'partner-reports', backend, tried: 4, refused: Object.values(statuses).filter((s) => s === 401).length }));
  });

  it('a redemption race spends the points once', async () => {
    const shop = await createPartner(server);
    const member = await registerMember(server);
    const p = await buy(server, member, shop.id, 100_00);
    await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
    const voucher = await createReward(server, { kind: 'voucher', pointsCost: 100 });
    // Tried: 10 redemptions of the whole balance at once, each under its own key.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        server.call('POST', '/v1/redemptions', { token: member.token, body: { rewardId: voucher }, headers: { 'Idempotency-Key': randomUUID() } }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    expect(await balanceOf(server, member)).toMatchObject({ available: 0 });
    console.log(JSON.stringify({ attack: 'redemption-race', backend, tried: 10, completed: 1, refused: 9 }));
  });

  it(`self-referral ring: ${RING} accounts from one address, each referring the next, earn 0 bonus points`, { timeout: 3_600_000 }, async () => {
    const shop = await createPartner(server, { holdDays: 14, autoConfirm: false });
    const mailbox = `ring${randomUUID().slice(0, 8)}`;
    const ring: (TestMember & { referred: boolean })[] = [];
    let code: string | undefined;
    for (let i = 0; i < RING; i++) {
      // Every other account is the first one's own Gmail again (dotted, googlemail.com, plus-tagged); the rest look like new people.
      const email = i === 0 ? `${mailbox}@gmail.com` : i % 2 === 1 ? `${mailbox.slice(0, 2)}.${mailbox.slice(2)}+${i}@googlemail.com` : `${mailbox}-friend-${i}@example.test`;
      const res = await server.call('POST', '/v1/auth/register', {
        body: { email, password: 'correct horse battery', ...(code ? { referralCode: code } : {}) },
        // A forged X-Forwarded-For changes nothing: no proxy hop is trusted, the socket's address counts.
        headers: { 'X-Forwarded-For': `203.0.113.${i % 250}` },
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { token: string; member: { id: string; referralCode: string } };
      ring.push({ id: body.member.id, token: body.token, referred: code !== undefined });
      code = body.member.referralCode;
    }
    // Each account then buys what might qualify, and the shop confirms it: a 1-minor-unit order, and a real 10.00 one.
    for (const member of ring) {
      const tiny = await buy(server, member, shop.id, 1);
      const real = await buy(server, member, shop.id, 10_00);
      await report(server, shop, [{ orderId: tiny.orderId, status: 'confirmed' }, { orderId: real.orderId, status: 'confirmed' }]);
    }
    server.clock.advance(15 * DAY_MS);
    await runJobs();

    const ids = ring.map((m) => m.id);
    const states = await server.db.query<{ status: string; review: string | null; reason: string | null }>(
      'SELECT status, review, reason FROM referrals WHERE referred_id = ANY($1::uuid[])',
      [ids],
    );
    const byReason = new Map<string, number>();
    for (const r of states) byReason.set(r.reason ?? r.status, (byReason.get(r.reason ?? r.status) ?? 0) + 1);
    const bonus = await server.db.query<{ account: string; points: number }>(
      `SELECT account, COALESCE(SUM(delta), 0)::int AS points FROM ledger_entries
        WHERE member_id = ANY($1::uuid[]) AND reason LIKE 'referral%' GROUP BY account`,
      [ids],
    );
    const points = (account: string) => bonus.find((b) => b.account === account)?.points ?? 0;
    const refused = states.filter((r) => r.status === 'ineligible').length;
    const held = states.filter((r) => r.review === 'held').length;
    expect(states).toHaveLength(RING - 1);
    expect(refused + held).toBe(RING - 1);
    expect(refused).toBeGreaterThanOrEqual(Math.floor((RING - 1) / 2));
    // Nothing spendable; the held referrals' bonuses wait in pending for the operator.
    expect(points('available')).toBe(0);
    expect((await listHeldReferrals(server.db, { limit: RING * 2 })).filter((r) => ids.includes(r.referredId))).toHaveLength(held);
    console.log(JSON.stringify({
      attack: 'referral-ring', backend, accounts: RING, tried: RING - 1, refused, held, answers: Object.fromEntries(byReason),
      bonusAvailable: points('available'), bonusPendingForReview: points('pending'),
    }));
  });
});
