/** Donations: the points leave the member's available account and arrive in the charity's account, visibly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../../lib/contract/index.ts';
import { verifyCharities } from '../../server/programme/charity.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { expectLedgerBalanced } from './helpers.ts';
import { balanceOf, buy, createPartner, registerMember, report, unique, type TestMember } from './lifecycle-helpers.ts';

describe.each(backends)('donations (%s)', (backend) => {
  let server: TestServer;
  let tafel: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    tafel = unique('tafel').toLowerCase();
    const res = await server.call('PUT', `/v1/admin/rewards/${tafel}`, {
      token: ADMIN_TOKEN,
      body: { id: tafel, title: 'Spende an die Tafel', kind: 'donation', pointsCost: 200, charityId: 'tafel-de', charityName: 'Tafel Deutschland e.V.' },
    });
    expect(res.status).toBe(201);
  });
  afterAll(() => server.close());

  async function memberWith(points: number): Promise<TestMember> {
    const member = await registerMember(server);
    const shop = await createPartner(server, { autoConfirm: false });
    const p = await buy(server, member, shop.id, points * 100);
    await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
    return member;
  }

  const donate = (member: TestMember, rewardId: string) =>
    server.call('POST', '/v1/redemptions', { token: member.token, body: { rewardId }, headers: { 'Idempotency-Key': unique('key') } });

  const charityBalance = async (id: string) =>
    (await server.db.query<{ balance: number }>('SELECT balance FROM charity_accounts WHERE id = $1', [id]))[0]?.balance;

  it('moves the points to the charity’s account; spent, so lifetime stays', async () => {
    const before = (await charityBalance('tafel-de')) ?? 0;
    const member = await memberWith(500);
    const res = await donate(member, tafel);
    expect(res.status).toBe(201);
    expect(await balanceOf(server, member)).toEqual({ available: 300, pending: 0, lifetime: 500 });
    expect(await charityBalance('tafel-de')).toBe(before + 200);
    await expectLedgerBalanced(server.db);
    const check = await verifyCharities(server.db);
    expect(check.mismatches).toEqual([]);
    expect(check.receivedByCharities).toBe(check.donatedByMembers);
  });

  it('shows the donation in the member’s history with the charity’s name', async () => {
    const member = await memberWith(300);
    const res = await donate(member, tafel);
    const { redemption } = (await res.json()) as { redemption: { id: string } };
    const page = await server.call('GET', '/v1/me/transactions', { token: member.token });
    const { transactions } = (await page.json()) as { transactions: Transaction[] };
    expect(transactions[0]).toMatchObject({ account: 'available', delta: -200, reason: 'donation', redemptionId: redemption.id, charityName: 'Tafel Deutschland e.V.' });
    // Earning entries name no charity.
    expect(transactions.slice(1).every((t) => t.charityName === undefined)).toBe(true);
  });

  it('opens an account named after the reward when the reward names no charity', async () => {
    const plain = unique('spende').toLowerCase();
    await server.call('PUT', `/v1/admin/rewards/${plain}`, { token: ADMIN_TOKEN, body: { id: plain, title: 'Baumpflanzung', kind: 'donation', pointsCost: 50 } });
    const member = await memberWith(100);
    expect((await donate(member, plain)).status).toBe(201);
    expect(await server.db.query('SELECT name, balance FROM charity_accounts WHERE id = $1', [plain])).toEqual([{ name: 'Baumpflanzung', balance: 50 }]);
  });

  it('replays a donation under its key without giving twice', async () => {
    const before = (await charityBalance('tafel-de')) ?? 0;
    const member = await memberWith(1000);
    const key = unique('key');
    const send = () => server.call('POST', '/v1/redemptions', { token: member.token, body: { rewardId: tafel }, headers: { 'Idempotency-Key': key } });
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(201);
    expect(await charityBalance('tafel-de')).toBe(before + 200);
    expect((await balanceOf(server, member)).available).toBe(800);
  });

  it('gives the charity nothing when the member cannot afford it', async () => {
    const before = (await charityBalance('tafel-de')) ?? 0;
    const member = await memberWith(100);
    expect((await donate(member, tafel)).status).toBe(409);
    expect(await charityBalance('tafel-de')).toBe(before);
  });

  it('keeps charity entries append-only', async () => {
    await expect(server.db.query('UPDATE charity_entries SET points = 1')).rejects.toThrow(/append-only/);
    await expect(server.db.query('DELETE FROM charity_entries')).rejects.toThrow(/append-only/);
  });

  it('a voucher stays a redemption and books nothing for a charity', async () => {
    const voucher = unique('voucher').toLowerCase();
    await server.call('PUT', `/v1/admin/rewards/${voucher}`, { token: ADMIN_TOKEN, body: { id: voucher, title: '5 €', kind: 'voucher', pointsCost: 50 } });
    const member = await memberWith(100);
    const res = await donate(member, voucher);
    const { redemption } = (await res.json()) as { redemption: { id: string } };
    expect(await server.db.query('SELECT 1 FROM charity_entries WHERE redemption_id = $1', [redemption.id])).toEqual([]);
    expect(await server.db.query('SELECT reason FROM ledger_entries WHERE redemption_id = $1', [redemption.id])).toEqual([{ reason: 'redemption' }]);
  });

  it('ledger verify reports a charity account that drifted from its entries (tried: a balance edited by hand)', async () => {
    const member = await memberWith(500);
    expect((await donate(member, tafel)).status).toBe(201);
    expect((await ledgerVerification(server.db)).ok).toBe(true);
    await server.db.query("UPDATE charity_accounts SET balance = balance + 1 WHERE id = 'tafel-de'");
    const verdict = await ledgerVerification(server.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.join('\n')).toContain('charity tafel-de');
    await server.db.query("UPDATE charity_accounts SET balance = balance - 1 WHERE id = 'tafel-de'");
  });
});
