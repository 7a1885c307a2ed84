/**
 * The console's members page on the server: a member found by email or by
 * card number with balance and purchases, the ledger newest first in pages,
 * and erasure on request for admins only, written to the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry } from '../../lib/contract/console.ts';
import { TransactionsPage } from '../../lib/contract/index.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode } from './helpers.ts';
import { createPartner, ingest, purchaseBody, registerMember, report, type TestMember, type TestPartner } from './lifecycle-helpers.ts';
import { asOperator, operatorSession, type SignedIn } from './operator-console-helpers.ts';

describe.each(backends)('members for the console (%s)', (backend) => {
  let server: TestServer;
  let viewer: SignedIn;
  let reviewer: SignedIn;
  let admin: SignedIn;
  let partner: TestPartner;
  let member: TestMember;
  let memberNumber: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    [viewer, reviewer, admin] = [await operatorSession(server, 'viewer'), await operatorSession(server, 'reviewer'), await operatorSession(server, 'admin')];
    partner = await createPartner(server);
    member = await registerMember(server);
    const me = (await (await server.call('GET', '/v1/me', { token: member.token })).json()) as { member: { memberNumber: string } };
    memberNumber = me.member.memberNumber;
    // 60 purchases confirmed: 120 ledger entries, more than one page.
    const bodies = Array.from({ length: 60 }, (_, i) => purchaseBody(partner.id, 1_000 + i));
    await ingest(server, member, bodies.slice(0, 50));
    await ingest(server, member, bodies.slice(50));
    await report(server, partner, bodies.slice(0, 50).map((b) => ({ orderId: b.orderId, status: 'confirmed' as const })));
  });
  afterAll(() => server.close());

  interface Found {
    member: { id: string; email: string; memberNumber: string; balance: { available: number; pending: number }; purchases: { orderId: string }[] };
  }

  it('finds a member by email and by card number, with balance and purchases', async () => {
    const byEmail = await asOperator(server, viewer, 'GET', `/v1/admin/members?email=${encodeURIComponent(member.email!)}`);
    expect(byEmail.status).toBe(200);
    const found = ((await byEmail.json()) as Found).member;
    expect(found).toMatchObject({ id: member.id, memberNumber, balance: { available: 500, pending: 100 } });
    expect(found.purchases).toHaveLength(50);
    const byNumber = await asOperator(server, viewer, 'GET', `/v1/admin/members?number=${memberNumber}`);
    expect(((await byNumber.json()) as Found).member.id).toBe(member.id);
  });

  it('pages the ledger newest first', async () => {
    const first = TransactionsPage.parse(await (await asOperator(server, viewer, 'GET', `/v1/admin/members/${member.id}/ledger`)).json());
    expect(first.transactions).toHaveLength(50);
    expect(first.transactions[0]).toMatchObject({ reason: 'confirmation' });
    const ids = first.transactions.map((t) => Number(t.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const rest: unknown[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = TransactionsPage.parse(await (await asOperator(server, viewer, 'GET', `/v1/admin/members/${member.id}/ledger?cursor=${cursor}`)).json());
      rest.push(...page.transactions);
      cursor = page.nextCursor;
    }
    // 60 pending entries, and for 50 confirmed ones a pending debit and an available credit each.
    expect(first.transactions.length + rest.length).toBe(160);
  });

  it('answers an unknown card number, a malformed one and a bad cursor', async () => {
    expect((await asOperator(server, viewer, 'GET', '/v1/admin/members?number=1234567890')).status).toBe(422);
    expect((await asOperator(server, viewer, 'GET', '/v1/admin/members?number=12ab')).status).toBe(400);
    expect((await asOperator(server, viewer, 'GET', `/v1/admin/members/${member.id}/ledger?cursor=-1`)).status).toBe(400);
    expect((await asOperator(server, viewer, 'GET', '/v1/admin/members/not-a-uuid/ledger')).status).toBe(400);
  });

  it('erases on request for an admin only, and logs it', async () => {
    const leaving = await registerMember(server);
    const refused = await asOperator(server, reviewer, 'POST', `/v1/admin/members/${leaving.id}/erase`, { reason: 'asked by mail' });
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('forbidden_role');
    expect((await asOperator(server, admin, 'POST', `/v1/admin/members/${leaving.id}/erase`, { reason: 'asked by mail on 5 Dec' })).status).toBe(204);
    expect((await asOperator(server, viewer, 'GET', `/v1/admin/members?email=${encodeURIComponent(leaving.email!)}`)).status).toBe(422);
    const log = (await (await server.call('GET', `/v1/admin/audit?action=member.erased&targetId=${leaving.id}`, { token: ADMIN_TOKEN })).json()) as { entries: AuditEntry[] };
    expect(log.entries[0]).toMatchObject({ actor: admin.email, after: { erased: true, reason: 'asked by mail on 5 Dec' } });
  });
});
