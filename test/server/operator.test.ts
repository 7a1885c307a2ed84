/**
 * The operator's tools (server/operator/*, behind `npm run admin`): onboard a
 * partner from a file, confirm a month of its orders from a CSV, review
 * claims, and the ledger still balances. A couple of tests spawn the real CLI.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalog, importCatalogFile } from '../../server/operator/catalog-import.ts';
import { approveClaim, expireClaims, listClaims, rejectClaim } from '../../server/operator/claims.ts';
import { importConfirmations, importConfirmationsFile } from '../../server/operator/confirmations.ts';
import { OperatorError } from '../../server/operator/errors.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { showMember } from '../../server/operator/members.ts';
import { openPglite } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { balanceOf, buy, DAY_MS, purchaseBody, registerMember, unique, type TestMember } from './lifecycle-helpers.ts';
import { expectLedgerBalanced } from './helpers.ts';

const SECRET = 'secret-0123456789abcdef';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sammelpunkt-operator-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, `${randomUUID()}-${name}`);
  await writeFile(path, text);
  return path;
}

const partnerCsvHeader = 'id,name,domains,category,earn_points,earn_per,currency,hold_days,auto_confirm,secret';

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OperatorError);
  return (err as Error).message;
}

describe.each(backends)('operator tools on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server?.close());

  describe('catalogue import', () => {
    it('onboards partners from a JSON file and a CSV file, and reports what changed on a second import', async () => {
      const a = unique('json-shop');
      const b = unique('csv-shop');
      const c = unique('csv-shop');
      const json = await file('partners.json', JSON.stringify([
        { id: a, name: 'Json Shop', domains: [`${a}.example`], category: 'fashion', earn: { points: 1, per: 2 }, currency: 'EUR', secret: SECRET },
      ]));
      expect(await importCatalogFile(server.db, 'partners', json)).toEqual({ created: [a], updated: [], unchanged: [] });

      const csv = [
        partnerCsvHeader,
        `${b},"Schuhhaus, Mitte",${b}.example|www.${b}.example,fashion,1,2,EUR,21,false,${SECRET}`,
        `${c},Buchladen,${c}.example ${c}.shop.example,books,3,1,EUR,,,${SECRET}`,
      ].join('\n');
      expect(await importCatalogFile(server.db, 'partners', await file('partners.csv', csv))).toEqual({ created: [b, c], updated: [], unchanged: [] });

      const res = await server.call('GET', '/v1/partners');
      const { partners } = (await res.json()) as { partners: { id: string; name: string; domains: string[]; holdDays: number; autoConfirm: boolean; secret?: string }[] };
      const byId = new Map(partners.map((p) => [p.id, p]));
      expect(byId.get(b)).toMatchObject({ name: 'Schuhhaus, Mitte', domains: [`${b}.example`, `www.${b}.example`], holdDays: 21, autoConfirm: false });
      // An empty auto_confirm is the default, off: nothing is confirmed at the hold's end unless the operator asks for it.
      expect(byId.get(c)).toMatchObject({ domains: [`${c}.example`, `${c}.shop.example`], holdDays: 30, autoConfirm: false, earn: { points: 3, per: 1 } });
      expect(byId.get(a)?.secret).toBeUndefined();

      const renamed = csv.replace('Buchladen', 'Buchladen am Markt');
      expect(await importCatalogFile(server.db, 'partners', await file('partners.csv', renamed))).toEqual({ created: [], updated: [c], unchanged: [b] });
    });

    it('refuses a CSV with bad rows whole, naming each bad line, and imports nothing of it', async () => {
      const good = unique('good-shop');
      const csv = [
        partnerCsvHeader,
        `${good},Good,${good}.example,fashion,1,2,EUR,30,true,${SECRET}`,
        `Bad Shop,Bad,bad.example,fashion,x,2,EUR,30,true,${SECRET}`,
        `${unique('shop')},Short,short.example,fashion,1,2,EUR,3,maybe,short`,
        `${unique('shop')},Money,money.example,fashion,1,2,XYZ,30,true,${SECRET}`,
        `${good},Again,again.example,fashion,1,2,EUR,30,true,${SECRET}`,
      ].join('\n');
      const message = await refusal(importCatalogFile(server.db, 'partners', await file('bad.csv', csv)));
      expect(message).toMatch(/nothing was imported/);
      expect(message).toMatch(/line 3: earn_points: "x" is not a whole number; id:/);
      expect(message).toMatch(/line 4: auto_confirm: "maybe" is not true or false; .*holdDays/);
      expect(message).toMatch(/line 5: currency: XYZ is not an ISO 4217 code/);
      expect(message).toMatch(/line 6: id ".*" appears again \(first at line 2\)/);
      expect(message).not.toMatch(/line 2:/);
      expect(await server.db.query('SELECT 1 FROM partners WHERE id = $1', [good])).toEqual([]);

      expect(await refusal(importCatalogFile(server.db, 'partners', await file('cols.csv', 'id,name,colour\nx,y,z\n')))).toMatch(/line 1: unknown column\(s\) colour/);
      expect(await refusal(importCatalogFile(server.db, 'partners', await file('partners.txt', 'x')))).toMatch(/\.json or \.csv/);
    });

    it('imports offers and rewards, all or nothing when one names a partner that does not exist', async () => {
      const partner = unique('shop');
      await importCatalog(server.db, 'partners', JSON.stringify({ partners: [
        { id: partner, name: 'P', domains: [`${partner}.example`], category: 'x', earn: { points: 1, per: 1 }, currency: 'EUR', secret: SECRET },
      ] }), 'json');
      const offer = unique('offer');
      const offersCsv = [
        'id,title,partner_id,kind,multiplier,bonus_points,min_amount_minor,starts_at,ends_at,tier,per_member_limit',
        `${offer},Double points,${partner},multiplier,2,,,2026-01-01T00:00:00Z,2027-01-01T00:00:00Z,,`,
      ].join('\n');
      expect((await importCatalog(server.db, 'offers', offersCsv, 'csv')).created).toEqual([offer]);

      const reward = unique('reward');
      const ghost = unique('reward');
      const rewardsCsv = ['id,title,kind,points_cost,partner_id,active', `${reward},Voucher,voucher,500,${partner},true`, `${ghost},Ghost,voucher,500,no-such-partner,`].join('\n');
      expect(await refusal(importCatalog(server.db, 'rewards', rewardsCsv, 'csv'))).toMatch(/line 3: .*no-such-partner/);
      expect(await server.db.query('SELECT 1 FROM rewards WHERE id = $1', [reward])).toEqual([]);
      const fixed = rewardsCsv.split('\n').slice(0, 2).join('\n');
      expect((await importCatalog(server.db, 'rewards', fixed, 'csv')).created).toEqual([reward]);
    });
  });

  describe('confirmations import', () => {
    it('confirms a month of a partner\'s orders from a CSV, and a second import changes nothing', async () => {
      const partner = unique('shop');
      const partnerCsv = [partnerCsvHeader, `${partner},Monatsshop,${partner}.example,fashion,1,1,EUR,30,false,${SECRET}`].join('\n');
      await importCatalogFile(server.db, 'partners', await file('p.csv', partnerCsv));
      const members: TestMember[] = [];
      for (let i = 0; i < 3; i++) members.push(await registerMember(server));
      const bought = [];
      for (let i = 0; i < 30; i++) bought.push(await buy(server, members[i % 3]!, partner, 2_000 + i * 100));

      const rows = ['order_id,status,amount_minor'];
      bought.slice(0, 25).forEach((p) => rows.push(`${p.orderId},confirmed,`));
      rows.push(`${bought[0]!.orderId},returned,1000`, `${bought[1]!.orderId},returned,500`, `${bought[2]!.orderId},returned,`);
      rows.push(`${bought[25]!.orderId},cancelled,`, `${bought[26]!.orderId},CANCELLED,`);
      const path = await file('month.csv', `${rows.join('\r\n')}\r\n`);

      const first = await importConfirmationsFile(server.db, partner, path, server.clock.now());
      expect(first.counts).toEqual({ applied: 30, unchanged: 0, unknown: 0, invalid: 0 });
      const statuses = await server.db.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM purchases WHERE partner_id = $1 GROUP BY status ORDER BY status',
        [partner],
      );
      expect(statuses).toEqual([
        { status: 'confirmed', n: 24 },
        { status: 'pending', n: 3 },
        { status: 'rejected', n: 2 },
        { status: 'reversed', n: 1 },
      ]);
      // 1 point per EUR: a partial return to 10.00 leaves 10 points of the first purchase.
      expect(first.rows[25]).toMatchObject({ line: 27, outcome: 'applied', purchase: { status: 'confirmed', amountMinor: 1000, points: 10 } });

      const second = await importConfirmationsFile(server.db, partner, path, server.clock.now());
      expect(second.counts).toEqual({ applied: 0, unchanged: 30, unknown: 0, invalid: 0 });
      expect(second.alreadyImportedAt).toBeInstanceOf(Date);
      // The same rows in another file go through the lifecycle again: nothing changes twice, and confirming the reversed one is invalid.
      const confirmedOnly = await importConfirmations(server.db, partner, rows.slice(0, 26).join('\n'), server.clock.now());
      expect(confirmedOnly.counts).toEqual({ applied: 0, unchanged: 24, unknown: 0, invalid: 1 });

      const lifetime = bought.slice(0, 25).reduce((s, p) => s + p.points, 0) - bought[0]!.points + 10 - bought[1]!.points + 5 - bought[2]!.points;
      const balances = await Promise.all(members.map((m) => balanceOf(server, m)));
      expect(balances.reduce((s, b) => s + b.available, 0)).toBe(lifetime);
      expect(balances.reduce((s, b) => s + b.pending, 0)).toBe(bought.slice(27).reduce((s, p) => s + p.points, 0));
      await expectLedgerBalanced(server.db);
      expect((await ledgerVerification(server.db)).ok).toBe(true);
    });

    it('refuses a file with bad rows whole, with line numbers, before applying anything', async () => {
      const partner = unique('shop');
      await importCatalog(server.db, 'partners', JSON.stringify([
        { id: partner, name: 'P', domains: [`${partner}.example`], category: 'x', earn: { points: 1, per: 1 }, currency: 'EUR', secret: SECRET },
      ]), 'json');
      const member = await registerMember(server);
      const p = await buy(server, member, partner, 5_000);
      const csv = ['order_id,status,amount_minor', `${p.orderId},confirmed,`, `${p.orderId},shipped,`, `,returned,12.50`].join('\n');
      const message = await refusal(importConfirmations(server.db, partner, csv, server.clock.now()));
      expect(message).toMatch(/line 3: status "shipped"/);
      expect(message).toMatch(/line 4: order_id is empty; amount_minor "12.50" is not a whole number/);
      expect(await balanceOf(server, member)).toMatchObject({ pending: p.points, available: 0 });

      expect(await refusal(importConfirmations(server.db, 'no-such-partner', csv, server.clock.now()))).toMatch(/No partner/);
      const unknown = await importConfirmations(server.db, partner, `order_id,status\nnever-sold,confirmed\n${p.orderId},confirmed\n`, server.clock.now());
      expect(unknown.counts).toEqual({ applied: 1, unchanged: 0, unknown: 1, invalid: 0 });
    });
  });

  describe('claims and members', () => {
    async function claim(member: TestMember, partnerId: string, orderId: string, amountMinor = 4_000): Promise<{ id: string; purchaseId: string }> {
      const purchaseId = randomUUID();
      const res = await server.call('POST', `/v1/purchases/${purchaseId}/claim`, {
        token: member.token,
        body: { partnerId, orderId, amountMinor, currency: 'EUR', detectedAt: server.clock.now().toISOString(), method: 'json-ld' },
      });
      expect(res.status).toBe(201);
      return { id: ((await res.json()) as { claim: { id: string } }).claim.id, purchaseId };
    }

    it('approves a claim by booking the purchase for the member, rejects others, and expires old ones', async () => {
      const partner = unique('shop');
      await importCatalog(server.db, 'partners', JSON.stringify([
        { id: partner, name: 'P', domains: [`${partner}.example`], category: 'x', earn: { points: 1, per: 1 }, currency: 'EUR', secret: SECRET },
      ]), 'json');
      const alice = await registerMember(server);
      const bob = await registerMember(server);
      const missing = await claim(alice, partner, unique('order'), 4_000);
      expect((await listClaims(server.db, { status: 'open' })).map((c) => c.id)).toContain(missing.id);

      const approved = await approveClaim(server.db, missing.id, server.clock.now());
      expect(approved.booking).toBe('booked');
      expect(await balanceOf(server, alice)).toMatchObject({ pending: 40, available: 0 });
      const rows = await server.db.query<{ member_id: string; status: string }>('SELECT member_id, status FROM purchases WHERE id = $1', [missing.purchaseId]);
      expect(rows).toEqual([{ member_id: alice.id, status: 'pending' }]);
      expect(await refusal(approveClaim(server.db, missing.id, server.clock.now()))).toMatch(/already approved/);

      // Bob claims the order Alice holds: approving it is refused, and the claim stays open to be rejected.
      const [held] = await server.db.query<{ order_id: string }>('SELECT order_id FROM purchases WHERE id = $1', [missing.purchaseId]);
      const stolen = await claim(bob, partner, held!.order_id);
      expect(await refusal(approveClaim(server.db, stolen.id, server.clock.now()))).toMatch(/another member/);
      expect(await balanceOf(server, bob)).toMatchObject({ pending: 0, available: 0 });
      expect((await rejectClaim(server.db, stolen.id, server.clock.now(), 'order belongs to another member')).status).toBe('rejected');
      expect((await listClaims(server.db, { status: 'rejected' })).find((c) => c.id === stolen.id)?.reason).toBe('order belongs to another member');

      const old = await claim(bob, partner, unique('order'));
      expect(await expireClaims(server.db, new Date(server.clock.now().getTime() + 89 * DAY_MS))).toBe(0);
      expect(await expireClaims(server.db, new Date(server.clock.now().getTime() + 91 * DAY_MS))).toBeGreaterThanOrEqual(1);
      expect((await listClaims(server.db)).find((c) => c.id === old.id)).toMatchObject({ status: 'rejected', reason: 'expired' });

      const shown = await showMember(server.db, (await server.db.query<{ email: string }>('SELECT email FROM members WHERE id = $1', [alice.id]))[0]!.email.toUpperCase());
      expect(shown).toMatchObject({ id: alice.id, tier: expect.any(String), balance: { pending: 40 }, openClaims: 0 });
      expect(shown.purchases.map((p) => p.id)).toEqual([missing.purchaseId]);
      expect(await refusal(showMember(server.db, 'nobody@example.test'))).toMatch(/No member/);
      await expectLedgerBalanced(server.db);
    });
  });
});

describe('npm run admin (the real CLI)', () => {
  const run = promisify(execFile);
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sammelpunkt-admin-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const admin = async (...args: string[]) => {
    // Always the PGlite data directory: never a DATABASE_URL this test run may have set.
    const { DATABASE_URL: _ignored, ...env } = process.env;
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'server/cli/admin.ts', ...args], { env: { ...env, DATA_DIR: dataDir }, timeout: 150_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('imports a partners file, refuses a bad one with exit code 1, and verifies the ledger', { timeout: 180_000 }, async () => {
    const good = await file('partners.csv', [partnerCsvHeader, `cli-shop,CLI Shop,cli-shop.example,fashion,1,2,EUR,30,true,${SECRET}`].join('\n'));
    const ok = await admin('partners', 'import', good);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/partners: 1 created, 0 changed, 0 unchanged/);

    const bad = await file('bad.csv', [partnerCsvHeader, `other-shop,Other,other.example,fashion,one,2,EUR,30,true,${SECRET}`].join('\n'));
    const refused = await admin('partners', 'import', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 2: earn_points: "one" is not a whole number/);

    const verified = await admin('ledger', 'verify');
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/ledger ok/);

    // An empty review queue lists nothing; deciding a purchase that is not waiting is refused.
    const queue = await admin('review', 'list');
    expect(queue).toMatchObject({ code: 0 });
    expect(queue.stdout).toMatch(/0 purchases to review/);
    const notWaiting = await admin('review', 'release', '00000000-0000-4000-8000-000000000000');
    expect(notWaiting.code).toBe(1);
    expect(notWaiting.stderr).toMatch(/is not waiting for review/);
  });

  it('lists a referral held for review with its reason, and releases it once', { timeout: 180_000 }, async () => {
    // A referral made from the referrer's own network, written straight into the CLI's data directory.
    const db = await openPglite(dataDir);
    const [referrer, referred] = [randomUUID(), randomUUID()];
    try {
      await migrate(db);
      for (const [i, id] of [referrer, referred].entries()) {
        await db.query('INSERT INTO members (id, email, member_number, referral_code) VALUES ($1, $2, $3, $4)', [id, `ring-${i}@example.test`, `99900000${i}`, `RING000${i}`]);
        await db.query('INSERT INTO balances (member_id) VALUES ($1)', [id]);
      }
      await db.query(`INSERT INTO referrals (referred_id, referrer_id, review, reason) VALUES ($1, $2, 'held', 'same_address_as_referrer')`, [referred, referrer]);
    } finally {
      await db.close();
    }
    const queue = await admin('review', 'list');
    expect(queue).toMatchObject({ code: 0 });
    expect(queue.stdout).toMatch(/1 referral to review/);
    expect(queue.stdout).toContain(`${referred}  same_address_as_referrer`);
    expect(queue.stdout).toContain(`referred by ${referrer}`);
    const released = await admin('review', 'release', referred);
    expect(released).toMatchObject({ code: 0 });
    expect(released.stdout).toMatch(/referral of member .* released/);
    expect((await admin('review', 'release', referred)).stderr).toMatch(/is not waiting for review/);
    expect((await admin('review', 'list')).stdout).toMatch(/0 referrals to review/);
  });

  it('answers a wrong command with the usage and exit code 2', async () => {
    const wrong = await admin('partners', 'delete');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/confirmations import <partner> <file.csv>/);
  });
});
