/**
 * The operator's console in real Chromium against the real API (`npm start`
 * with the demo catalogue): sign in, read the KPIs, decide a claim, change
 * an offer, upload a partner's CSV file, preview it, apply it and read the
 * result per row. Every step checks what the operator sees on the page and
 * what the server then holds.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ADMIN_TOKEN, ApiServer, ChromiumSession, mailedCode, PASSWORD, ROOT, shown, withEvidence } from './harness.ts';

const OPERATOR = { email: `rita-${process.pid}@ops.example`, password: 'violet tractor mountain 42' };
const MEMBER = `anna-console-${process.pid}-${Date.now()}@example.test`;

let api: ApiServer;
let browser: BrowserContext;
let page: Page;
let files: string;
let memberToken = '';
const orders = { first: `SH-${Date.now()}-1`, second: `SH-${Date.now()}-2` };
let claimId = '';

/** One story: once a step fails, the later ones are skipped rather than failing for the same reason. */
let brokenAt: string | undefined;
function step(name: string, body: () => Promise<void>): void {
  it(name, async (ctx: TestContext) => {
    if (brokenAt !== undefined) ctx.skip(`an earlier step failed: ${brokenAt}`);
    try {
      await withEvidence(name, () => browser.pages(), body, api);
    } catch (error) {
      brokenAt ??= name;
      throw error;
    }
  });
}

const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

beforeAll(async () => {
  // The server serves the console from .output/console: build it from these sources.
  execFileSync('npm', ['run', '-s', 'build:console'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  files = await mkdtemp(join(tmpdir(), 'sammelpunkt-e2e-console-'));
  api = await ApiServer.start();
  // The first operator, as `npm run admin -- operator add` makes it, here with the token.
  await api.json('POST', '/v1/admin/operators', { token: ADMIN_TOKEN, body: { email: OPERATOR.email, role: 'admin', password: OPERATOR.password } });
  // A member with two purchases at Schuhhaus (pending) and a missing-points claim.
  const registered = await api.json<{ token: string }>('POST', '/v1/auth/register', { body: { email: MEMBER, password: PASSWORD } });
  memberToken = registered.token;
  await api.json('POST', '/v1/auth/verify-email', { token: memberToken, body: { code: await mailedCode(api, MEMBER) } });
  const now = new Date().toISOString();
  const purchase = (orderId: string, amountMinor: number) => ({ id: randomUUID(), partnerId: 'schuhhaus', orderId, amountMinor, currency: 'EUR', detectedAt: now, method: 'jsonld' });
  await api.json('POST', '/v1/purchases', { token: memberToken, body: { purchases: [purchase(orders.first, 8_900), purchase(orders.second, 4_500)] } });
  const claimed = await api.json<{ claim: { id: string } }>('POST', `/v1/purchases/${randomUUID()}/claim`, {
    token: memberToken,
    body: { partnerId: 'schuhhaus', orderId: `SH-CLAIM-${Date.now()}`, amountMinor: 5_990, currency: 'EUR', detectedAt: now, method: 'jsonld' },
  });
  claimId = claimed.claim.id;
  browser = await ChromiumSession.launchPlain();
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  if (files) await rm(files, { recursive: true, force: true });
});

describe('the operator console in Chromium', () => {
  step('signs in with email and password', async () => {
    await page.goto(`${api.baseUrl}/console/`);
    await page.getByLabel('Email').fill(OPERATOR.email);
    await page.getByLabel('Password').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shown(page.getByText(`Signed in as ${OPERATOR.email} (admin)`));
  });

  step('reads the KPIs of the last 30 days', async () => {
    await shown(page.getByRole('heading', { name: 'Overview' }));
    const kpi = (title: string) => page.locator('li.kpi').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
    // The demo catalogue has no purchases but this member's: two, by one active member, both pending.
    await shown(kpi('Purchases').locator('.value').getByText('2', { exact: true }));
    await shown(kpi('Active members').locator('.value').getByText('1', { exact: true }));
    await shown(kpi('Purchases').getByText('2 still pending'));
    // Each KPI with a chart carries its figures for a screen reader.
    expect(await kpi('Purchases').getByRole('img').getAttribute('aria-label')).toMatch(/^Purchases: \d{4}-\d{2}-\d{2} \d+ … \d{4}-\d{2}-\d{2} 2$/);
  });

  step('approves the missing-points claim, selected, with one action', async () => {
    await nav('Missing-points claims');
    await page.getByRole('checkbox', { name: /^Select SH-CLAIM-/ }).check();
    await page.getByRole('button', { name: 'Approve selected (1)' }).click();
    await shown(page.getByRole('status').getByText('1 of 1 decided.'));
    await shown(page.getByText('No claims here.'));
    const { claims } = await api.json<{ claims: { id: string; status: string }[] }>('GET', '/v1/admin/claims?status=approved', { token: ADMIN_TOKEN });
    expect(claims.map((c) => c.id)).toContain(claimId);
  });

  step('changes the Schuhhaus offer to triple points', async () => {
    await nav('Offers and rewards');
    await page.getByRole('button', { name: 'Edit Doppelte Punkte bei Schuhhaus' }).click();
    const form = page.getByRole('form', { name: 'Edit Doppelte Punkte bei Schuhhaus' });
    await form.getByLabel('Multiplier').fill('3');
    await form.getByLabel('Title', { exact: true }).fill('Dreifache Punkte bei Schuhhaus');
    await form.getByRole('button', { name: 'Save' }).click();
    await shown(page.getByRole('status').getByText('Dreifache Punkte bei Schuhhaus saved.'));
    const { offers } = await api.json<{ offers: { id: string; multiplier?: number; title: string }[] }>('GET', '/v1/admin/offers', { token: ADMIN_TOKEN });
    expect(offers.find((o) => o.id === 'schuhhaus-doppelt')).toMatchObject({ multiplier: 3, title: 'Dreifache Punkte bei Schuhhaus' });
  });

  step("uploads Schuhhaus's CSV, previews it, applies it and reads the result per row", async () => {
    const csv = join(files, 'schuhhaus-orders.csv');
    await writeFile(csv, `order_id,status,amount_minor\n${orders.first},confirmed,8900\n${orders.second},cancelled,\nSH-NEVER-SOLD,confirmed,\n`);
    await nav('Confirmation files');
    await page.getByRole('combobox', { name: /^Partner/ }).selectOption('schuhhaus');
    await page.getByLabel('CSV file').setInputFiles(csv);
    // The file is read in the page and shown for a last look before the preview.
    await expect.poll(() => page.getByLabel('CSV content').inputValue()).toContain(orders.first);
    await page.getByRole('button', { name: 'Preview' }).click();
    await shown(page.getByRole('status').getByText('Preview, nothing applied yet: 2 applied, 0 unchanged, 1 unknown, 0 invalid.'));
    const previewRows = page.getByRole('table', { name: 'What each row would do' });
    await shown(previewRows.getByRole('row').filter({ hasText: orders.first }).getByText(/^confirmed, \d+ points$/));
    // Nothing is booked by the preview.
    const before = await api.json<{ member: { balance: { available: number } } }>('GET', `/v1/admin/members?email=${encodeURIComponent(MEMBER)}`, { token: ADMIN_TOKEN });
    expect(before.member.balance.available).toBe(0);

    await page.getByRole('button', { name: 'Apply this file' }).click();
    const rows = page.getByRole('table', { name: 'What each row did' });
    await shown(rows);
    await shown(page.getByRole('status').getByText('Applied: 2 applied, 0 unchanged, 1 unknown, 0 invalid.'));
    await shown(rows.getByRole('row').filter({ hasText: orders.second }).getByText(/^rejected, \d+ points$/));
    await shown(rows.getByRole('row').filter({ hasText: 'SH-NEVER-SOLD' }).getByText('unknown'));
    const after = await api.json<{ member: { balance: { available: number }; purchases: { orderId: string; status: string }[] } }>(
      'GET',
      `/v1/admin/members?email=${encodeURIComponent(MEMBER)}`,
      { token: ADMIN_TOKEN },
    );
    expect(after.member.purchases.find((p) => p.orderId === orders.first)?.status).toBe('confirmed');
    expect(after.member.balance.available).toBeGreaterThan(0);
  });

  step('finds each change in the audit log under the operator’s name', async () => {
    await nav('Audit log');
    for (const action of ['claim.approved', 'offer.changed', 'confirmations.imported']) {
      await shown(page.getByRole('row').filter({ hasText: action }).filter({ hasText: OPERATOR.email }).first());
    }
  });
});
