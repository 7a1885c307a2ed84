/**
 * Bulk decisions: a reviewer selects several claims or holds and decides
 * them with one action. Each is decided on its own, answered per item, and
 * written to the audit log; a viewer may not decide at all.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, DecisionResults } from '../../lib/contract/console.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode } from './helpers.ts';
import { createPartner, ingest, purchaseBody, registerMember, reportPlaced, type TestMember, type TestPartner, unique } from './lifecycle-helpers.ts';
import { asOperator, operatorSession, type SignedIn } from './operator-console-helpers.ts';

describe.each(backends)('bulk decisions (%s)', (backend) => {
  let server: TestServer;
  let reviewer: SignedIn;
  let viewer: SignedIn;
  let manager: SignedIn;
  let partner: TestPartner;
  let member: TestMember;

  beforeAll(async () => {
    server = await startTestServer(backend);
    reviewer = await operatorSession(server, 'reviewer');
    viewer = await operatorSession(server, 'viewer');
    manager = await operatorSession(server, 'partner-manager');
    partner = await createPartner(server);
    member = await registerMember(server);
  });
  afterAll(() => server.close());

  async function claim(orderId = unique('order'), who: TestMember = member): Promise<string> {
    const res = await server.call('POST', `/v1/purchases/${randomUUID()}/claim`, {
      token: who.token,
      body: { partnerId: partner.id, orderId, amountMinor: 4_000, currency: 'EUR', detectedAt: server.clock.now().toISOString(), method: 'json-ld' },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { claim: { id: string } }).claim.id;
  }

  /** Two members send one order: both purchases are held as contested. */
  async function contestedPair(): Promise<[string, string]> {
    const other = await registerMember(server);
    const order = purchaseBody(partner.id, 3_000);
    const [first] = await ingest(server, member, [order]);
    const [second] = await ingest(server, other, [{ ...order, id: randomUUID() }]);
    expect(second!.reason).toBe('contested');
    return [first!.id!, second!.id!];
  }

  async function auditOf(targetId: string): Promise<AuditEntry[]> {
    const res = await server.call('GET', `/v1/admin/audit?targetId=${targetId}`, { token: ADMIN_TOKEN });
    return ((await res.json()) as { entries: AuditEntry[] }).entries;
  }

  async function claimStatus(id: string): Promise<string> {
    const res = await server.call('GET', '/v1/admin/claims', { token: ADMIN_TOKEN });
    return ((await res.json()) as { claims: { id: string; status: string }[] }).claims.find((c) => c.id === id)!.status;
  }

  describe('.happy', () => {
    it('rejects several claims with one reason, answering each and logging each', async () => {
      const ids = [await claim(), await claim(), await claim()];
      const res = await asOperator(server, reviewer, 'POST', '/v1/admin/claims/decisions', { decision: 'reject', ids, reason: 'not a partner order' });
      expect(res.status).toBe(200);
      const { results } = DecisionResults.parse(await res.json());
      expect(results).toEqual(ids.map((id) => ({ id, outcome: 'decided', status: 'rejected' })));
      for (const id of ids) {
        expect(await claimStatus(id)).toBe('rejected');
        const [entry] = await auditOf(id);
        expect(entry).toMatchObject({ action: 'claim.rejected', actor: reviewer.email, after: { status: 'rejected', reason: 'not a partner order' } });
      }
    });

    it('approves several claims; one decided already is refused and the others go through', async () => {
      const [a, b, c] = [await claim(), await claim(), await claim()];
      expect((await asOperator(server, reviewer, 'POST', `/v1/admin/claims/${b}/reject`, { reason: 'duplicate' })).status).toBe(200);
      const unknown = randomUUID();
      const res = await asOperator(server, reviewer, 'POST', '/v1/admin/claims/decisions', { decision: 'approve', ids: [a, b, unknown, c] });
      expect(res.status).toBe(200);
      const { results } = DecisionResults.parse(await res.json());
      expect(results.map((r) => [r.id, r.outcome, r.status])).toEqual([
        [a, 'decided', 'approved'],
        [b, 'refused', undefined],
        [unknown, 'refused', undefined],
        [c, 'decided', 'approved'],
      ]);
      expect(results[1]!.message).toContain('already rejected');
      expect(await claimStatus(a!)).toBe('approved');
      expect(await claimStatus(b!)).toBe('rejected');
      expect((await auditOf(a!))[0]).toMatchObject({ action: 'claim.approved', actor: reviewer.email });
      // The refused one keeps only its first decision in the log.
      expect((await auditOf(b!)).map((e) => e.action)).toEqual(['claim.rejected']);
    });

    it('releases and rejects held purchases in bulk, the reason in the log', async () => {
      const [first, second] = await contestedPair();
      const [third, fourth] = await contestedPair();
      const released = await asOperator(server, reviewer, 'POST', '/v1/admin/review/decisions', { decision: 'release', ids: [first, third] });
      expect(DecisionResults.parse(await released.json()).results).toEqual([
        { id: first, outcome: 'decided', status: 'purchase' },
        { id: third, outcome: 'decided', status: 'purchase' },
      ]);
      const rejected = await asOperator(server, reviewer, 'POST', '/v1/admin/review/decisions', { decision: 'reject', ids: [second, fourth, first], reason: 'the shop names the other buyer' });
      const { results } = DecisionResults.parse(await rejected.json());
      expect(results.map((r) => r.outcome)).toEqual(['decided', 'decided', 'refused']);
      expect((await auditOf(second))[0]).toMatchObject({ action: 'hold.rejected', actor: reviewer.email, after: { status: 'rejected', decisionReason: 'the shop names the other buyer' } });
      expect((await auditOf(first))[0]).toMatchObject({ action: 'hold.released', after: { review: 'released' } });
      const queue = (await (await asOperator(server, reviewer, 'GET', '/v1/admin/review')).json()) as { purchases: { purchaseId: string }[] };
      expect(queue.purchases.map((p) => p.purchaseId)).not.toContain(second);
    });
  });

  describe('the partner’s side beside the receipt', () => {
    it('shows the partner’s placed record and whether another member holds the order', async () => {
      const reported = unique('ORDER').toUpperCase();
      await reportPlaced(server, partner, [{ orderId: reported, amountMinor: 3_900 }]);
      const other = await registerMember(server);
      const held = purchaseBody(partner.id, 2_000);
      await ingest(server, other, [held]);
      const [withRecord, heldByOther, unknownOrder] = [await claim(reported), await claim(held.orderId), await claim()];
      const res = await asOperator(server, viewer, 'GET', '/v1/admin/claims?status=open');
      const { claims } = (await res.json()) as { claims: { id: string; partner: { placed: { amountMinor: number } | null; bookedFor: string | null } }[] };
      const of = (id: string) => claims.find((c) => c.id === id)!.partner;
      expect(of(withRecord)).toMatchObject({ placed: { amountMinor: 3_900 }, bookedFor: null });
      expect(of(heldByOther)).toEqual({ placed: null, bookedFor: 'another_member' });
      expect(of(unknownOrder)).toEqual({ placed: null, bookedFor: null });
    });
  });

  describe('.error', () => {
    it('refuses a bulk rejection without a reason, an empty list, more than 100 ids and ids that are not UUIDs', async () => {
      const id = await claim();
      for (const body of [
        { decision: 'reject', ids: [id] },
        { decision: 'approve', ids: [] },
        { decision: 'approve', ids: Array.from({ length: 101 }, () => randomUUID()) },
        { decision: 'approve', ids: ['not-a-uuid'] },
        { decision: 'maybe', ids: [id] },
      ]) {
        const res = await asOperator(server, reviewer, 'POST', '/v1/admin/claims/decisions', body);
        expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      }
      expect((await asOperator(server, reviewer, 'POST', '/v1/admin/review/decisions', { decision: 'reject', ids: [id] })).status).toBe(400);
      expect(await claimStatus(id)).toBe('open');
    });
  });

  describe('.security', () => {
    it('a viewer or a partner manager may not decide in bulk, and nothing changes', async () => {
      const id = await claim();
      for (const who of [viewer, manager]) {
        const res = await asOperator(server, who, 'POST', '/v1/admin/claims/decisions', { decision: 'approve', ids: [id] });
        expect(res.status).toBe(403);
        expect(await errorCode(res)).toBe('forbidden_role');
        expect((await asOperator(server, who, 'POST', '/v1/admin/review/decisions', { decision: 'release', ids: [id] })).status).toBe(403);
      }
      expect(await claimStatus(id)).toBe('open');
      expect(await auditOf(id)).toEqual([]);
    });

    it('refuses a bulk decision without the session’s CSRF token', async () => {
      const id = await claim();
      const res = await asOperator(server, reviewer, 'POST', '/v1/admin/claims/decisions', { decision: 'approve', ids: [id] }, { 'X-CSRF-Token': 'forged-token' });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('csrf_refused');
      expect(await claimStatus(id)).toBe('open');
    });
  });
});
