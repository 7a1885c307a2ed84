/**
 * The audit log: each operator change, made through the API by operators of
 * the right role (and by the token), read back with who, what, target,
 * before and after; paging, filters, the CSV export; append-only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../lib/contract/console.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { partnerBody } from './helpers.ts';
import { ingest, purchaseBody, registerMember, unique } from './lifecycle-helpers.ts';
import { asOperator, operatorSession, type SignedIn } from './operator-console-helpers.ts';

describe.each(backends)('audit log (%s)', (backend) => {
  let server: TestServer;
  let admin: SignedIn;
  let reviewer: SignedIn;
  let manager: SignedIn;

  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await operatorSession(server, 'admin');
    reviewer = await operatorSession(server, 'reviewer');
    manager = await operatorSession(server, 'partner-manager');
  });
  afterAll(() => server.close());

  async function entries(query: string): Promise<AuditEntry[]> {
    const res = await server.call('GET', `/v1/admin/audit?${query}`, { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    return ((await res.json()) as { entries: AuditEntry[] }).entries;
  }
  async function lastOf(action: string, targetId: string): Promise<AuditEntry> {
    const [entry] = await entries(`action=${action}&targetId=${encodeURIComponent(targetId)}&limit=1`);
    expect(entry, `${action} ${targetId} is in the log`).toBeDefined();
    return entry!;
  }
  async function claim(member: { token: string }, partnerId: string): Promise<string> {
    const res = await server.call('POST', `/v1/purchases/${randomUUID()}/claim`, {
      token: member.token,
      body: { partnerId, orderId: unique('order'), amountMinor: 4_000, currency: 'EUR', detectedAt: server.clock.now().toISOString(), method: 'json-ld' },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { claim: { id: string } }).claim.id;
  }

  it('records every change with who, when, what, target, before and after', async () => {
    // Partner changed by a partner manager: before and after, never the secret.
    const partnerId = unique('shop').toLowerCase();
    expect((await asOperator(server, manager, 'PUT', `/v1/admin/partners/${partnerId}`, partnerBody(partnerId, { secret: 'first-secret-0123456789' }))).status).toBe(201);
    expect((await asOperator(server, manager, 'PUT', `/v1/admin/partners/${partnerId}`, partnerBody(partnerId, { secret: 'second-secret-0123456789', holdDays: 21 }))).status).toBe(200);
    const changed = await lastOf('partner.changed', partnerId);
    expect(changed).toMatchObject({ actorKind: 'operator', actor: manager.email, operatorId: manager.id, targetType: 'partner', before: { holdDays: 30 }, after: { holdDays: 21, secretChanged: true } });
    expect(JSON.stringify(await entries(`targetId=${partnerId}`))).not.toMatch(/secret-0123456789/);
    expect(Date.parse(changed.at)).toBe(server.clock.now().getTime());
    // The same partner again changes nothing and logs nothing.
    const before = (await entries(`targetId=${partnerId}`)).length;
    await asOperator(server, manager, 'PUT', `/v1/admin/partners/${partnerId}`, partnerBody(partnerId, { secret: 'second-secret-0123456789', holdDays: 21 }));
    expect(await entries(`targetId=${partnerId}`)).toHaveLength(before);

    // Offer and reward.
    const offerId = unique('offer').toLowerCase();
    const offer = { id: offerId, title: 'Double', kind: 'multiplier', multiplier: 2, startsAt: new Date(Date.now() - 86_400_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString() };
    await asOperator(server, manager, 'PUT', `/v1/admin/offers/${offerId}`, offer);
    await asOperator(server, manager, 'PUT', `/v1/admin/offers/${offerId}`, { ...offer, multiplier: 3 });
    expect(await lastOf('offer.changed', offerId)).toMatchObject({ before: { multiplier: 2 }, after: { multiplier: 3 } });
    const rewardId = unique('reward').toLowerCase();
    await server.call('PUT', `/v1/admin/rewards/${rewardId}`, { token: ADMIN_TOKEN, body: { id: rewardId, title: 'Voucher', kind: 'voucher', pointsCost: 100, active: true } });
    expect(await lastOf('reward.changed', rewardId)).toMatchObject({ actorKind: 'token', actor: 'token', operatorId: null, before: null, after: { pointsCost: 100 } });

    // Catalogue import: one entry for the file, one per item changed.
    const importedId = unique('imported').toLowerCase();
    const imported = await asOperator(server, manager, 'POST', '/v1/admin/imports/rewards', { format: 'csv', content: `id,title,kind,points_cost,active\n${importedId},Imported,voucher,250,true\n` });
    expect(imported.status).toBe(200);
    expect((await entries('action=catalog.imported&limit=1'))[0]).toMatchObject({ actor: manager.email, targetType: 'rewards', after: { format: 'csv', created: [importedId] } });
    expect(await lastOf('reward.changed', importedId)).toMatchObject({ actor: manager.email, after: { pointsCost: 250 } });

    // A confirmation file.
    const member = await registerMember(server);
    const [bought] = await ingest(server, member, [purchaseBody(partnerId, 5_000)]);
    const orderId = bought!.purchase!.orderId;
    const applied = await asOperator(server, manager, 'POST', `/v1/admin/confirmations/${partnerId}`, { csv: `order_id,status,amount_minor\n${orderId},confirmed,5000\n` });
    expect(applied.status).toBe(200);
    expect(await lastOf('confirmations.imported', partnerId)).toMatchObject({
      actor: manager.email,
      after: { counts: { applied: 1 }, rows: [{ orderId, outcome: 'applied', purchaseStatus: 'confirmed' }] },
    });

    // Claims decided by a reviewer.
    const approveId = await claim(member, partnerId);
    const approved = await asOperator(server, reviewer, 'POST', `/v1/admin/claims/${approveId}/approve`);
    expect(approved.status).toBe(200);
    expect(await lastOf('claim.approved', approveId)).toMatchObject({ actor: reviewer.email, before: { status: 'open' }, after: { status: 'approved', booking: 'booked', purchaseStatus: 'pending' } });
    const rejectId = await claim(member, partnerId);
    expect((await asOperator(server, reviewer, 'POST', `/v1/admin/claims/${rejectId}/reject`, { reason: 'no such order at the shop' })).status).toBe(200);
    expect(await lastOf('claim.rejected', rejectId)).toMatchObject({ before: { status: 'open' }, after: { status: 'rejected', reason: 'no such order at the shop' } });
    // Deciding it again is refused, and logs nothing.
    expect((await asOperator(server, reviewer, 'POST', `/v1/admin/claims/${rejectId}/reject`, {})).status).toBe(422);
    expect(await entries(`targetId=${rejectId}`)).toHaveLength(1);

    // Holds: two members with one order are both held (contested); one released, one rejected.
    const other = await registerMember(server);
    const contested = purchaseBody(partnerId, 3_000);
    const [first] = await ingest(server, member, [contested]);
    const [second] = await ingest(server, other, [{ ...contested, id: randomUUID() }]);
    expect(second!.reason).toBe('contested');
    const queue = (await (await asOperator(server, reviewer, 'GET', '/v1/admin/review')).json()) as { purchases: { purchaseId: string }[] };
    expect(queue.purchases.map((p) => p.purchaseId)).toEqual(expect.arrayContaining([first!.id, second!.id]));
    expect((await asOperator(server, reviewer, 'POST', `/v1/admin/review/${first!.id}/release`)).status).toBe(200);
    expect((await asOperator(server, reviewer, 'POST', `/v1/admin/review/${second!.id}/reject`)).status).toBe(200);
    expect(await lastOf('hold.released', first!.id!)).toMatchObject({ actor: reviewer.email, targetType: 'purchase', before: { review: 'held' }, after: { review: 'released' } });
    expect(await lastOf('hold.rejected', second!.id!)).toMatchObject({ before: { status: 'pending' }, after: { status: 'rejected', review: 'rejected' } });

    // Operators added and changed by an admin.
    const added = await asOperator(server, admin, 'POST', '/v1/admin/operators', { email: `${unique('finance')}@ops.example.test`, role: 'viewer', password: 'copper lantern harbour 9' });
    const { operator } = (await added.json()) as { operator: { id: string; email: string } };
    expect(await lastOf('operator.added', operator.id)).toMatchObject({ actor: admin.email, before: null, after: { email: operator.email, role: 'viewer' } });
    await asOperator(server, admin, 'PUT', `/v1/admin/operators/${operator.id}`, { role: 'reviewer', active: false });
    expect(await lastOf('operator.changed', operator.id)).toMatchObject({ before: { role: 'viewer', active: true }, after: { role: 'reviewer', active: false } });
    expect(JSON.stringify(await entries(`targetId=${operator.id}`))).not.toMatch(/copper lantern/);

    // A member erased by an admin: the log names the member by id, never by email.
    const erased = await asOperator(server, admin, 'POST', `/v1/admin/members/${other.id}/erase`, { reason: 'asked by letter of 3 Dec' });
    expect(erased.status).toBe(204);
    expect(await lastOf('member.erased', other.id)).toMatchObject({ actor: admin.email, after: { erased: true, reason: 'asked by letter of 3 Dec' } });
    expect(JSON.stringify(await entries('limit=500'))).not.toContain(other.email!);
    expect((await server.call('GET', `/v1/admin/members?email=${encodeURIComponent(other.email!)}`, { token: ADMIN_TOKEN })).status).toBe(422);

    // Sign-ins are in the log too.
    expect((await entries(`action=operator.signed_in&actor=${encodeURIComponent(admin.email)}`)).length).toBe(1);
    // Every entry carries the request it came with.
    expect((await entries('limit=500')).every((e) => e.actorKind !== 'operator' || e.requestId !== null)).toBe(true);
  });

  it('pages newest first and filters', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `page-reward-${i}`;
      server.clock.advance(1000);
      await server.call('PUT', `/v1/admin/rewards/${id}`, { token: ADMIN_TOKEN, body: { id, title: `Page ${i}`, kind: 'voucher', pointsCost: 10 + i, active: true } });
    }
    const first = await server.call('GET', '/v1/admin/audit?action=reward.changed&actor=token&limit=2', { token: ADMIN_TOKEN });
    const page1 = (await first.json()) as { entries: AuditEntry[]; nextCursor: string };
    expect(page1.entries.map((e) => e.targetId)).toEqual(['page-reward-4', 'page-reward-3']);
    const page2 = (await (await server.call('GET', `/v1/admin/audit?action=reward.changed&actor=token&limit=2&cursor=${page1.nextCursor}`, { token: ADMIN_TOKEN })).json()) as { entries: AuditEntry[] };
    expect(page2.entries.map((e) => e.targetId)).toEqual(['page-reward-2', 'page-reward-1']);
    const from = new Date(server.clock.now().getTime() - 1500).toISOString();
    const recent = await entries(`action=reward.changed&from=${encodeURIComponent(from)}`);
    expect(recent.map((e) => e.targetId)).toEqual(['page-reward-4', 'page-reward-3']);
    for (const bad of ['limit=0', 'limit=501', 'cursor=abc', 'from=yesterday']) {
      expect((await server.call('GET', `/v1/admin/audit?${bad}`, { token: ADMIN_TOKEN })).status, bad).toBe(400);
    }
  });

  it('exports CSV with every cell safe from formula injection', async () => {
    const id = unique('csv').toLowerCase();
    await server.call('PUT', `/v1/admin/rewards/${id}`, { token: ADMIN_TOKEN, body: { id, title: '=HYPERLINK("http://evil.example","x")', kind: 'voucher', pointsCost: 10, active: true } });
    const res = await asOperator(server, reviewer, 'GET', `/v1/admin/audit.csv?targetId=${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/csv/);
    expect(res.headers.get('Content-Disposition')).toMatch(/attachment/);
    const text = await res.text();
    const [header, row] = text.trimEnd().split('\r\n');
    expect(header).toBe('id,at,actor_kind,actor,operator_id,action,target_type,target_id,before,after,request_id');
    expect(row).toContain(',reward.changed,reward,');
    expect(row).toContain('HYPERLINK');
    // No cell starts with a formula character: each is quoted JSON or prefixed with an apostrophe.
    const { writeCsv } = await import('../../server/operator/csv.ts');
    expect(writeCsv(['a', 'b', 'c', 'd'], [['=1+1', '+SUM(A1)', '-2', '@cmd']])).toBe(`a,b,c,d\r\n"'=1+1","'+SUM(A1)","'-2","'@cmd"\r\n`);
    expect(writeCsv(['a'], [['\t=1']])).toBe(`a\r\n"'\t=1"\r\n`);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(server.db.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(server.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(server.db.exec('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await entries('limit=1')).length).toBe(1);
  });
});

describe('npm run admin -- operator add / audit', () => {
  it('adds the first operator with the password from stdin, logs it as cli, and lists the log', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-operators-'));
    try {
      const { DATABASE_URL: _pg, ...inherited } = process.env;
      const env = { ...inherited, DATA_DIR: dir, SCRYPT_LOG_N: '10', LOG_LEVEL: 'silent' };
      // Each run starts PGlite and migrates (a few seconds on a busy machine): as few runs as tell the story.
      const run = (args: string[], input = '') => spawnSync('node_modules/.bin/tsx', ['server/cli/admin.ts', ...args], { env, input, encoding: 'utf8' });
      const weak = run(['operator', 'add', 'first@ops.example.test', 'admin'], 'password\n');
      expect(weak.status).toBe(1);
      expect(weak.stderr).toMatch(/too weak/);
      const added = run(['operator', 'add', 'First@Ops.example.test', 'admin'], 'violet tractor mountain 42\n');
      expect(added.stderr).toBe('');
      expect(added.status).toBe(0);
      expect(added.stdout).toMatch(/operator first@ops\.example\.test added as admin/);
      expect(added.stdout).not.toContain('violet');
      const listed = run(['audit']);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/cli:\S+ {2}operator\.added {2}operator/);
      const csv = run(['audit', '--csv', '--action', 'operator.added']);
      expect(csv.stdout.split('\r\n')[0]).toBe('id,at,actor_kind,actor,operator_id,action,target_type,target_id,before,after,request_id');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
