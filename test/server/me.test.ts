/** The member's own routes: profile, sync, transactions, export and erasure. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Purchase, SyncResponse, Transaction } from '../../lib/contract/index.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { EXPORT_PAGE } from '../../server/routes/me.ts';
import { addPartner, DAY_MS, errorCode, expectLedgerBalanced, ingest, PASSWORD, purchase, signUp } from './helpers.ts';

describe.each(backends)('member routes (%s)', (backend) => {
  let server: TestServer;
  let shop: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    shop = await addPartner(server);
  });
  afterAll(async () => {
    await expectLedgerBalanced(server.db);
    await server.close();
  });

  const get = (token: string, path: string) => server.call('GET', `/v1/me${path}`, { token });
  const sync = async (token: string, cursor?: string) => {
    const res = await get(token, `/sync${cursor === undefined ? '' : `?cursor=${cursor}`}`);
    expect(res.status).toBe(200);
    return (await res.json()) as SyncResponse;
  };
  const transactions = async (token: string, query = '') => {
    const res = await get(token, `/transactions${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { transactions: Transaction[]; nextCursor?: string };
  };

  describe('profile', () => {
    it('shows the member, the tier and a zero balance to start with', async () => {
      const member = await signUp(server);
      const res = await get(member.token, '');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        member: {
          id: member.id,
          email: member.email,
          memberNumber: member.memberNumber,
          createdAt: expect.any(String),
          referralCode: expect.stringMatching(/^[A-Z2-9]{8}$/),
          emailVerified: true,
        },
        tier: 'basis',
        balance: { available: 0, pending: 0, lifetime: 0 },
        tierProgress: { tier: 'basis', nextTier: 'silber', pointsInWindow: 0, pointsToNext: 2000, multiplierPercent: 100 },
      });
    });
  });

  describe('sync', () => {
    it('returns balance, versions and the purchases changed since the cursor, then nothing new', async () => {
      const member = await signUp(server);
      const items = [purchase(shop, { amountMinor: 1000 }), purchase(shop, { amountMinor: 2000 })];
      await ingest(server, member.token, items);
      const first = await sync(member.token);
      expect(first.purchases.map((p) => p.id)).toEqual(items.map((i) => i.id));
      expect(first).toMatchObject({ tier: 'basis', balance: { pending: 30 }, hasMore: false, member: { id: member.id } });
      expect(first.catalogVersion).toMatch(/^\d+$/);
      expect(first.offersVersion).toMatch(/^\d+$/);

      const quiet = await sync(member.token, first.cursor);
      expect(quiet.purchases).toEqual([]);
      expect(quiet.cursor).toBe(first.cursor);

      const third = purchase(shop, { amountMinor: 500 });
      await ingest(server, member.token, [third]);
      const next = await sync(member.token, first.cursor);
      expect(next.purchases.map((p: Purchase) => p.id)).toEqual([third.id]);
      expect(next.balance.pending).toBe(35);
      expect(await sync(member.token, '0')).toMatchObject({ purchases: expect.any(Array) });
      expect((await sync(member.token, '0')).purchases).toHaveLength(3);
    });

    it('pages a long history 500 purchases at a time, with hasMore', async () => {
      const member = await signUp(server);
      for (let batch = 0; batch < 6; batch++) {
        await ingest(server, member.token, Array.from({ length: 100 }, () => purchase(shop, { amountMinor: 100 })));
      }
      const first = await sync(member.token);
      expect(first.purchases).toHaveLength(500);
      expect(first.hasMore).toBe(true);
      const second = await sync(member.token, first.cursor);
      expect(second.purchases).toHaveLength(100);
      expect(second.hasMore).toBe(false);
      const ids = new Set([...first.purchases, ...second.purchases].map((p) => p.id));
      expect(ids.size).toBe(600);
    });

    it("shows only the member's own purchases", async () => {
      const a = await signUp(server);
      const b = await signUp(server);
      await ingest(server, a.token, [purchase(shop)]);
      expect((await sync(b.token)).purchases).toEqual([]);
    });

    it('refuses a malformed cursor: 400', async () => {
      const member = await signUp(server);
      for (const cursor of ['abc', '-1', '1.5', '99999999999999999999']) {
        const res = await get(member.token, `/sync?cursor=${cursor}`);
        expect(res.status, cursor).toBe(400);
        expect(await errorCode(res)).toBe('bad_request');
      }
    });
  });

  describe('transactions', () => {
    it('lists ledger entries newest first, paged with a cursor', async () => {
      const member = await signUp(server);
      const items = [1000, 2000, 3000, 4000, 5000].map((amountMinor) => purchase(shop, { amountMinor }));
      for (const item of items) await ingest(server, member.token, [item]);
      const page1 = await transactions(member.token, '?limit=2');
      expect(page1.transactions.map((t) => t.delta)).toEqual([50, 40]);
      expect(page1.transactions[0]).toMatchObject({ account: 'pending', reason: 'purchase', purchaseId: items[4]!.id });
      const page2 = await transactions(member.token, `?limit=2&cursor=${page1.nextCursor}`);
      expect(page2.transactions.map((t) => t.delta)).toEqual([30, 20]);
      const page3 = await transactions(member.token, `?limit=2&cursor=${page2.nextCursor}`);
      expect(page3.transactions.map((t) => t.delta)).toEqual([10]);
      expect(page3.nextCursor).toBeUndefined();
      expect((await transactions(member.token)).transactions).toHaveLength(5);
    });

    it("never shows another member's entries", async () => {
      const a = await signUp(server);
      const b = await signUp(server);
      await ingest(server, a.token, [purchase(shop)]);
      expect((await transactions(b.token)).transactions).toEqual([]);
    });

    it('refuses a limit outside 1..200 or a malformed cursor: 400', async () => {
      const member = await signUp(server);
      for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?cursor=x']) {
        expect((await get(member.token, `/transactions${query}`)).status, query).toBe(400);
      }
    });
  });

  describe('export (right of access)', () => {
    it('hands over everything held about the member as a JSON attachment, without token hashes', async () => {
      const member = await signUp(server);
      const item = purchase(shop, { amountMinor: 1234 });
      await ingest(server, member.token, [item]);
      await server.call('POST', `/v1/purchases/${randomUUID()}/claim`, {
        token: member.token,
        body: { partnerId: shop, orderId: 'A-1', amountMinor: 999, currency: 'EUR', detectedAt: new Date().toISOString() },
      });
      const res = await get(member.token, '/export');
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Disposition')).toMatch(/^attachment; filename=".+\.json"$/);
      const text = await res.text();
      expect(text).not.toContain(member.token);
      expect(text).not.toMatch(/token_?hash|password/i);
      const data = JSON.parse(text) as Record<string, unknown[]> & { member: { email: string }; balance: { pending: number } };
      expect(data.member.email).toBe(member.email);
      expect(data.balance.pending).toBe(12);
      expect(data.purchases).toEqual([expect.objectContaining({ id: item.id, amountMinor: 1234 })]);
      expect(data.transactions).toEqual([expect.objectContaining({ delta: 12, reason: 'purchase' })]);
      expect(data.claims).toEqual([expect.objectContaining({ receipt: expect.objectContaining({ orderId: 'A-1' }) })]);
      expect(data.redemptions).toEqual([]);
      expect(data.devices).toEqual([{ device: null, createdAt: expect.any(String), revokedAt: null }]);
    });

    it('streams a member with more purchases than a page, every one exactly once, in order', async () => {
      const member = await signUp(server);
      const items = Array.from({ length: EXPORT_PAGE + 30 }, (_, i) => purchase(shop, { orderId: `PAGE-${i}`, amountMinor: 100 + i }));
      for (let i = 0; i < items.length; i += 100) await ingest(server, member.token, items.slice(i, i + 100));
      const res = await get(member.token, '/export');
      expect(res.status).toBe(200);
      const data = (await res.json()) as { purchases: { id: string }[]; transactions: unknown[] };
      expect(data.purchases.map((p) => p.id).sort()).toEqual(items.map((i) => i.id).sort());
      expect(new Set(data.purchases.map((p) => p.id)).size).toBe(items.length);
      expect(data.transactions).toHaveLength(items.length);
    });

    it('a purchase that changes while its export is being read is in the export once', async () => {
      const member = await signUp(server);
      const items = Array.from({ length: 3 * EXPORT_PAGE + 30 }, (_, i) => purchase(shop, { orderId: `MOVE-${i}`, amountMinor: 100 + i }));
      for (let i = 0; i < items.length; i += 100) await ingest(server, member.token, items.slice(i, i + 100));
      const res = await get(member.token, '/export');
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!/"purchases":\[\{"id":"([^"]+)"/.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the export ended before its first purchase');
        text += decoder.decode(value, { stream: true });
      }
      // The first purchase read changes now (as a partner's confirmation would change it), so it moves past the pages still to come.
      const firstId = /"purchases":\[\{"id":"([^"]+)"/.exec(text)![1]!;
      await server.db.query("UPDATE purchases SET change_seq = nextval('purchase_changes') WHERE id = $1", [firstId]);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const ids = (JSON.parse(text) as { purchases: { id: string }[] }).purchases.map((p) => p.id);
      expect(ids).toHaveLength(items.length);
      expect(new Set(ids)).toEqual(new Set(items.map((i) => i.id)));
    });

    it('tried: 7 exports in one day; the 6th and 7th are refused with 429, the next day it works', async () => {
      const member = await signUp(server);
      const statuses = [];
      let refused: Response | undefined;
      for (let i = 0; i < 7; i++) {
        const res = await get(member.token, '/export');
        await res.text();
        statuses.push(res.status);
        refused = res;
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // The refusal's RateLimit fields are the export limit's, and agree with its Retry-After (not the per-minute member limit's).
      expect(refused?.headers.get('RateLimit')).toBe(`"export";r=0;t=${refused?.headers.get('Retry-After')}`);
      server.clock.advance(DAY_MS);
      const nextDay = await get(member.token, '/export');
      expect(nextDay.status).toBe(200);
      await nextDay.text();
    });

    it('tried: 10 exports of one member at once, then exports of 3 members at once; one per member and two in all run, the rest wait with 429', async () => {
      const member = await signUp(server);
      const parallel = await Promise.all(Array.from({ length: 10 }, () => get(member.token, '/export')));
      expect(parallel.filter((r) => r.status === 200)).toHaveLength(1);
      expect(parallel.filter((r) => r.status === 429).every((r) => Number(r.headers.get('Retry-After')) > 0)).toBe(true);
      await Promise.all(parallel.map((r) => r.text()));
      // Once read to the end, the member's next export runs.
      const again = await get(member.token, '/export');
      expect(again.status).toBe(200);
      await again.text();

      const three = await Promise.all([signUp(server), signUp(server), signUp(server)]);
      const answers = await Promise.all(three.map((m) => get(m.token, '/export')));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 429]);
      await Promise.all(answers.map((r) => r.text()));
    });
  });

  describe('erasure', () => {
    it('erases the account: 204, every token dead, the email free again, the bookkeeping kept', async () => {
      const member = await signUp(server);
      const login = await server.call('POST', '/v1/auth/login', { body: { email: member.email, password: PASSWORD, device: 'Anna’s phone' } });
      const phone = ((await login.json()) as { token: string }).token;
      const item = purchase(shop, { amountMinor: 5000 });
      await ingest(server, member.token, [item]);
      await server.call('POST', `/v1/purchases/${item.id}/claim`, {
        token: member.token,
        body: { partnerId: shop, orderId: item.orderId, amountMinor: 5000, currency: 'EUR', detectedAt: item.detectedAt, note: 'Anna, Hauptstr. 1' },
      });

      const res = await server.call('DELETE', '/v1/me', { token: member.token, body: { password: PASSWORD } });
      expect(res.status).toBe(204);
      expect((await get(member.token, '')).status).toBe(401);
      expect((await get(phone, '')).status).toBe(401);
      const relogin = await server.call('POST', '/v1/auth/login', { body: { email: member.email, password: PASSWORD } });
      expect(relogin.status).toBe(401);

      // Personal data is gone; the purchase and its points stay for the books.
      const [row] = await server.db.query<{ email: string | null; password_hash: string | null; erased_at: Date | null }>(
        'SELECT email, password_hash, erased_at FROM members WHERE id = $1',
        [member.id],
      );
      expect(row).toEqual({ email: null, password_hash: null, erased_at: expect.any(Date) });
      const claims = await server.db.query<{ receipt: unknown }>('SELECT receipt FROM claims WHERE member_id = $1', [member.id]);
      expect(claims.map((c) => c.receipt)).toEqual([{}]);
      const devices = await server.db.query<{ device: string | null }>('SELECT device FROM tokens WHERE member_id = $1', [member.id]);
      expect(devices.every((d) => d.device === null)).toBe(true);
      expect(await server.db.query('SELECT id FROM purchases WHERE id = $1', [item.id])).toHaveLength(1);

      // The same email can start over as a new member with nothing.
      const again = await signUp(server, member.email);
      expect(again.id).not.toBe(member.id);
      expect((await sync(again.token)).purchases).toEqual([]);
    });
  });

  describe('refusals', () => {
    it('refuses every member route without a token or with a revoked one: 401', async () => {
      const member = await signUp(server);
      await server.call('POST', '/v1/auth/logout', { token: member.token });
      for (const path of ['', '/sync', '/transactions', '/export']) {
        const anonymous = await server.call('GET', `/v1/me${path}`);
        expect(anonymous.status, path).toBe(401);
        expect(await errorCode(anonymous)).toBe('unauthorized');
        expect((await get(member.token, path)).status, path).toBe(401);
      }
      expect((await server.call('DELETE', '/v1/me')).status).toBe(401);
    });
  });
});
