/**
 * A partner's confirmation file previewed before it is applied: every row
 * matched as applying would, nothing booked, remembered or logged; then
 * applied for real with the same results, and logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, ConfirmationFileReport } from '../../lib/contract/console.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode } from './helpers.ts';
import { balanceOf, createPartner, ingest, purchaseBody, purchaseRow, registerMember, type TestMember, type TestPartner } from './lifecycle-helpers.ts';
import { asOperator, operatorSession, type SignedIn } from './operator-console-helpers.ts';

describe.each(backends)('confirmation file preview (%s)', (backend) => {
  let server: TestServer;
  let manager: SignedIn;
  let reviewer: SignedIn;
  let partner: TestPartner;
  let member: TestMember;

  beforeAll(async () => {
    server = await startTestServer(backend);
    [manager, reviewer] = [await operatorSession(server, 'partner-manager'), await operatorSession(server, 'reviewer')];
    partner = await createPartner(server);
    member = await registerMember(server);
  });
  afterAll(() => server.close());

  const send = (csv: string, dryRun: boolean, who = manager) => asOperator(server, who, 'POST', `/v1/admin/confirmations/${partner.id}${dryRun ? '?dryRun=1' : ''}`, { csv });
  const auditCount = async () => ((await (await server.call('GET', `/v1/admin/audit?action=confirmations.imported&targetId=${partner.id}`, { token: ADMIN_TOKEN })).json()) as { entries: AuditEntry[] }).entries.length;

  it('previews each row without booking, then applies the same file with the same results', async () => {
    const [a, b] = [purchaseBody(partner.id, 4_000), purchaseBody(partner.id, 2_500)];
    const [bookedA, bookedB] = await ingest(server, member, [a, b]);
    const csv = `order_id,status,amount_minor\n${a.orderId},confirmed,3000\n${b.orderId},cancelled,\nNEVER-SOLD-1,confirmed,\n`;

    const preview = await send(csv, true);
    expect(preview.status).toBe(200);
    const shown = ConfirmationFileReport.parse(await preview.json());
    expect(shown.dryRun).toBe(true);
    expect(shown.counts).toEqual({ applied: 2, unchanged: 0, unknown: 1, invalid: 0 });
    expect(shown.rows.map((r) => [r.line, r.orderId, r.outcome, r.purchase?.status, r.purchase?.points])).toEqual([
      [2, a.orderId, 'applied', 'confirmed', 30],
      [3, b.orderId, 'applied', 'rejected', 25],
      [4, 'NEVER-SOLD-1', 'unknown', undefined, undefined],
    ]);
    // Nothing happened: both still pending at the member's amounts, no points moved, nothing in the log.
    expect(await purchaseRow(server, bookedA!.id!)).toMatchObject({ status: 'pending', points: 40 });
    expect(await purchaseRow(server, bookedB!.id!)).toMatchObject({ status: 'pending' });
    expect(await balanceOf(server, member)).toMatchObject({ available: 0, pending: 65 });
    expect(await auditCount()).toBe(0);

    // Applied: the same results, booked, and not taken for a file seen before.
    const applied = ConfirmationFileReport.parse(await (await send(csv, false)).json());
    expect(applied).toMatchObject({ dryRun: false, alreadyImportedAt: null, counts: shown.counts });
    expect(applied.rows.map((r) => r.outcome)).toEqual(shown.rows.map((r) => r.outcome));
    expect(await purchaseRow(server, bookedA!.id!)).toMatchObject({ status: 'confirmed', points: 30 });
    expect(await balanceOf(server, member)).toMatchObject({ available: 30, pending: 0 });
    expect(await auditCount()).toBe(1);

    // A preview of a file applied already says so.
    const again = ConfirmationFileReport.parse(await (await send(csv, true)).json());
    expect(again.alreadyImportedAt).not.toBeNull();
    expect(again.rows.every((r) => r.outcome === 'unchanged')).toBe(true);
  });

  it('refuses a file with bad rows in the preview as on applying, naming the lines', async () => {
    const res = await send('order_id,status,amount_minor\nA-1,shipped,\nA-2,placed,\n', true);
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toContain('line 2');
    expect(error.message).toContain('line 3');
    expect((await send('order_id,status\nA-1,confirmed\n', true).then((r) => r)).status).toBe(200);
    expect((await asOperator(server, manager, 'POST', `/v1/admin/confirmations/${partner.id}?dryRun=yes`, { csv: 'order_id,status\nA-1,confirmed\n' })).status).toBe(400);
  });

  it('a reviewer may neither preview nor apply a file', async () => {
    const res = await send('order_id,status\nA-1,confirmed\n', true, reviewer);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('forbidden_role');
  });
});
