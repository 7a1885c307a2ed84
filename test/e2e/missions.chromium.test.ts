/**
 * A mission walked in real Chromium (docs/missions.md): the operator defines
 * "two purchases at Schuhhaus: +150 points", the member shops twice at the
 * demo shop, the popup shows the progress with both purchases awaiting the
 * shop, then one confirmed, then the mission completed with its bonus in the
 * balance, as the server booked it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  ADMIN_TOKEN,
  ApiServer,
  ChromiumSession,
  getMe,
  memberToken,
  PASSWORD,
  reportOrders,
  serverPurchases,
  shopThrough,
  shown,
  sleep,
  textOf,
  waitFor,
  withEvidence,
} from './harness.ts';

const SHOP = 'schuhhaus';
const MISSION = 'zwei-mal-schuhhaus';
const BONUS = 150;
const DAY_MS = 24 * 60 * 60 * 1000;
const PRODUCT = { boots: 1, slippers: 2 } as const;

let api: ApiServer;
let chromium: ChromiumSession;
const email = `mia-${process.pid}-${Date.now()}@example.test`;
let token = '';
let shop: Page;
const orderIds: string[] = [];

let brokenAt: string | undefined;
function step(name: string, body: () => Promise<void>, timeoutMs = 120_000): void {
  it(name, async (ctx: TestContext) => {
    if (brokenAt !== undefined) ctx.skip(`an earlier step failed: ${brokenAt}`);
    try {
      await withEvidence(name, () => chromium.context.pages(), body, api, () => chromium.log());
    } catch (error) {
      brokenAt ??= name;
      throw error;
    }
  }, timeoutMs);
}

beforeAll(async () => {
  api = await ApiServer.start();
  chromium = await ChromiumSession.launch();
});

afterAll(async () => {
  await chromium?.close();
  await api?.stop();
});

/** Opens the popup beside the shop and waits until its missions section says what `ok` wants, opening it again as a member would. */
async function missionShows(what: string, ok: (text: string) => boolean): Promise<Page> {
  const popup = await chromium.openPopupBeside(shop);
  const section = popup.getByRole('region', { name: 'Missions' });
  await waitFor(`the popup's missions to show ${what}`, async () => {
    const text = (await section.count()) > 0 ? await section.innerText() : '';
    if (ok(text)) return text;
    await sleep(1500);
    await popup.reload();
    await popup.locator('.popup').first().waitFor({ timeout: 5_000 });
    await sleep(500);
    return (await section.count()) > 0 ? section.innerText() : '';
  }, ok, 20_000);
  return popup;
}

async function closePopups(): Promise<void> {
  for (const page of chromium.context.pages()) {
    if (page.url().startsWith(chromium.extensionUrl('popup.html'))) await page.close();
  }
}

describe('Chromium: a member completes a mission', () => {
  step('the operator defines a mission: two purchases at Schuhhaus, +150 points', async () => {
    const now = Date.now();
    const res = await api.call('PUT', `/v1/admin/missions/${MISSION}`, {
      token: ADMIN_TOKEN,
      body: {
        id: MISSION,
        title: { de: 'Zweimal bei Schuhhaus', en: 'Twice at Schuhhaus' },
        rule: { kind: 'purchase-count', count: 2, partnerId: SHOP },
        bonusPoints: BONUS,
        startsAt: new Date(now - DAY_MS).toISOString(),
        endsAt: new Date(now + 20 * DAY_MS).toISOString(),
      },
    });
    expect(res.status).toBe(201);
  });

  step('the member points the extension at the API, agrees and signs up', async () => {
    const options = await chromium.openPage(chromium.extensionUrl('options.html'));
    await options.getByLabel('API base URL').fill(api.baseUrl);
    await options.getByRole('button', { name: 'Save' }).click();
    await shown(options.getByText('Saved.'));
    await options.close();

    const onboarding = await waitFor('the onboarding tab', async () => chromium.findPage(chromium.extensionUrl('onboarding.html')), (p) => p !== undefined);
    if (onboarding === undefined) throw new Error('no onboarding tab');
    await onboarding.bringToFront();
    await onboarding.getByRole('button', { name: 'Agree and allow on partner shops' }).click();
    const granted = onboarding.getByText('Access to the partner shops is allowed.');
    const allow = onboarding.getByRole('button', { name: 'Allow access to partner shops' });
    await granted.or(allow).first().waitFor({ timeout: 15_000 });
    if (await allow.isVisible()) {
      await waitFor('the partner list on the onboarding page', () => allow.isEnabled(), (enabled) => enabled);
      await allow.click();
    }
    await shown(granted, 15_000);
    await onboarding.getByRole('button', { name: 'New here? Create an account' }).click();
    await onboarding.getByLabel('Email').fill(email);
    await onboarding.getByLabel('Password').fill(PASSWORD);
    await onboarding.getByRole('button', { name: 'Create account' }).click();
    await shown(onboarding.getByText('You are signed in. Happy collecting!'), 15_000);
    token = await memberToken(api, email);
  });

  step('before any purchase the popup shows the mission at 0 of 2', async () => {
    shop = await chromium.context.newPage();
    await shop.goto(api.shopUrl(SHOP));
    const popup = await missionShows('0 of 2 purchases', (t) => t.includes('Twice at Schuhhaus') && t.includes('0 of 2 purchases'));
    await expect.poll(() => textOf(popup.getByRole('region', { name: 'Missions' }))).toContain(`+${BONUS} points · until`);
    await closePopups();
  });

  step('two orders at the shop: 2 of 2, both awaiting the shop\'s confirmation', async () => {
    for (const product of [PRODUCT.boots, PRODUCT.slippers]) {
      const before = (await serverPurchases(api, token)).length;
      await shopThrough(shop, api.shopUrl(SHOP), product);
      const booked = await waitFor('the purchase on the server', () => serverPurchases(api, token), (p) => p.length === before + 1, 15_000);
      orderIds.push(booked.at(-1)!.orderId);
    }
    await missionShows('2 of 2 with both pending', (t) => t.includes('2 of 2 purchases') && t.includes("2 of them await the shop's confirmation"));
    expect((await getMe(api, token)).balance.available).toBe(0);
    await closePopups();
  });

  step('the shop confirms one: one still awaits, no bonus yet', async () => {
    const [first] = await reportOrders(api, SHOP, [{ orderId: orderIds[0]!, status: 'confirmed' }]);
    expect(first).toMatchObject({ status: 'applied' });
    await missionShows('one awaiting', (t) => t.includes("1 of them awaits the shop's confirmation"));
    const me = await getMe(api, token);
    const purchases = await serverPurchases(api, token);
    expect(me.balance.available).toBe(purchases.find((p) => p.orderId === orderIds[0])!.points);
    await closePopups();
  });

  step('the shop confirms the second: the mission is completed and its bonus is in the balance', async () => {
    const [second] = await reportOrders(api, SHOP, [{ orderId: orderIds[1]!, status: 'confirmed' }]);
    expect(second).toMatchObject({ status: 'applied' });
    const popup = await missionShows('the completion', (t) => t.includes('✓ Completed: bonus booked'));
    const purchasePoints = (await serverPurchases(api, token)).reduce((sum, p) => sum + p.points, 0);
    const me = await getMe(api, token);
    expect(me.balance.available).toBe(purchasePoints + BONUS);
    await expect.poll(() => textOf(popup.locator('.balance-number'))).toBe(String(purchasePoints + BONUS));
    await closePopups();
  });
});
