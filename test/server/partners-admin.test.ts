/**
 * The console's partners page on the server: the catalogue with each
 * partner's limits and reliability, found by name or domain, paged; a
 * partner manager changes the fields of the form and the secret stays; a
 * reviewer may not change a partner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminPartnerPage, type AuditEntry } from '../../lib/contract/console.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode } from './helpers.ts';
import { createPartner, ingest, purchaseBody, registerMember, report, sendConfirmations, type TestPartner } from './lifecycle-helpers.ts';
import { asOperator, operatorSession, type SignedIn } from './operator-console-helpers.ts';

describe.each(backends)('partners for the console (%s)', (backend) => {
  let server: TestServer;
  let manager: SignedIn;
  let reviewer: SignedIn;
  let partner: TestPartner;

  beforeAll(async () => {
    server = await startTestServer(backend);
    manager = await operatorSession(server, 'partner-manager');
    reviewer = await operatorSession(server, 'reviewer');
    partner = await createPartner(server, { holdDays: 21 });
    // Two purchases: one confirmed, one cancelled, so the partner has a reliability of one in two.
    const member = await registerMember(server);
    const [a, b] = [purchaseBody(partner.id, 2_000), purchaseBody(partner.id, 3_000)];
    await ingest(server, member, [a, b]);
    await report(server, partner, [{ orderId: a.orderId, status: 'confirmed' }, { orderId: b.orderId, status: 'cancelled' }]);
  });
  afterAll(() => server.close());

  async function page(query: string, who: SignedIn = reviewer): Promise<AdminPartnerPage> {
    const res = await asOperator(server, who, 'GET', `/v1/admin/partners?${query}`);
    expect(res.status).toBe(200);
    return AdminPartnerPage.parse(await res.json());
  }

  describe('.happy', () => {
    it('lists a partner with its rate, hold, limits and reliability, never the secret', async () => {
      const res = await asOperator(server, reviewer, 'GET', `/v1/admin/partners?q=${partner.id}`);
      const text = await res.clone().text();
      expect(text).not.toContain(partner.secret);
      const { partners } = AdminPartnerPage.parse(await res.json());
      expect(partners).toHaveLength(1);
      expect(partners[0]).toMatchObject({
        partner: { id: partner.id, earn: { points: 1, per: 1 }, holdDays: 21, autoConfirm: true, domains: [`${partner.id}.example`] },
        fraud: { maxPurchasesPerMemberPerDay: 0 },
        reliability: { confirmedShare: 0.5, medianDaysToConfirm: 0, sample: 2 },
      });
    });

    it('finds by name or domain and pages by id', async () => {
      const others = [await createPartner(server), await createPartner(server), await createPartner(server)];
      expect((await page(`q=${encodeURIComponent(`${others[1]!.id}.EXAMPLE`)}`)).partners.map((p) => p.partner.id)).toEqual([others[1]!.id]);
      const first = await page('limit=2');
      expect(first.partners).toHaveLength(2);
      expect(first.nextAfter).toBe(first.partners[1]!.partner.id);
      const second = await page(`limit=2&after=${first.nextAfter}`);
      expect(second.partners[0]!.partner.id > first.nextAfter!).toBe(true);
      expect((await page('q=100%25_off')).partners).toEqual([]);
    });

    it('a partner manager changes rate, hold days, auto-confirm and domains; the secret and limits stay, the change is logged', async () => {
      const res = await asOperator(server, manager, 'PATCH', `/v1/admin/partners/${partner.id}`, { earn: { points: 3, per: 2 }, holdDays: 28, autoConfirm: false, domains: [`${partner.id}.example`, `shop.${partner.id}.example`] });
      expect(res.status).toBe(200);
      const [listed] = (await page(`q=${partner.id}`)).partners;
      expect(listed).toMatchObject({ partner: { earn: { points: 3, per: 2 }, holdDays: 28, autoConfirm: false, name: `Shop ${partner.id}` }, fraud: { maxPurchasesPerMemberPerDay: 0 } });
      expect(listed!.partner.domains).toHaveLength(2);
      // The partner still signs with its secret.
      const { res: signed } = await sendConfirmations(server, partner, { orders: [{ orderId: 'NEVER-SOLD', status: 'confirmed' }] });
      expect(signed.status).toBe(200);
      const audit = (await (await server.call('GET', `/v1/admin/audit?action=partner.changed&targetId=${partner.id}&limit=1`, { token: ADMIN_TOKEN })).json()) as { entries: AuditEntry[] };
      expect(audit.entries[0]).toMatchObject({ actor: manager.email, before: { holdDays: 21, autoConfirm: true }, after: { holdDays: 28, autoConfirm: false } });
      expect(JSON.stringify(audit.entries[0]!.after)).not.toContain('secretChanged":true');
    });
  });

  describe('.error', () => {
    it('refuses a hold under 14 days, an empty domain list, unknown fields, an unknown partner and bad paging', async () => {
      for (const body of [{ holdDays: 7 }, { domains: [] }, { secret: 'a-new-secret-0123456789' }, { earn: { points: 0, per: 1 } }]) {
        expect((await asOperator(server, manager, 'PATCH', `/v1/admin/partners/${partner.id}`, body)).status, JSON.stringify(body)).toBe(400);
      }
      expect((await asOperator(server, manager, 'PATCH', '/v1/admin/partners/no-such-shop', { holdDays: 30 })).status).toBe(422);
      for (const q of ['limit=0', 'limit=201', 'after=Not%20An%20Id']) expect((await asOperator(server, reviewer, 'GET', `/v1/admin/partners?${q}`)).status, q).toBe(400);
    });
  });

  describe('.security', () => {
    it('a reviewer may not change a partner', async () => {
      const res = await asOperator(server, reviewer, 'PATCH', `/v1/admin/partners/${partner.id}`, { holdDays: 60 });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('forbidden_role');
      expect((await page(`q=${partner.id}`)).partners[0]!.partner.holdDays).not.toBe(60);
    });
  });
});
