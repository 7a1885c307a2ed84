/**
 * The member's whole journey in real Chromium: the built extension, demo
 * shops served over HTTP, the real sync API. Each step asserts what the
 * member sees (popup, onboarding, badge) or what the server booked.
 *
 * Two server processes run: the sync API, and a second `npm start` that only
 * serves the demo shops, so the API can be stopped while the shops stay
 * open (the shops answer on `<shop>.localhost:<shops port>`; partner domains
 * carry no port, so the catalogue matches them all the same).
 */
import { createServer, type Server } from 'node:http';
import { TEEHAUS_DETECTION_RULE } from '../../demo/themes/teehaus.ts';
import { DEMO_PARTNERS } from '../../server/catalog/seed.ts';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  ADMIN_TOKEN,
  addToCart,
  demoSecret,
  ApiServer,
  ChromiumSession,
  freePort,
  getMe,
  mailedCode,
  goToCheckout,
  InPageMoment,
  memberToken,
  PASSWORD,
  placeOrder,
  reportOrders,
  serverPurchases,
  shopThrough,
  shown,
  sleep,
  textOf,
  waitFor,
  withEvidence,
  type DemoOrder,
  type ServerPurchase,
} from './harness.ts';

const SHOP = 'schuhhaus';
const SHOP_NAME = 'Schuhhaus';
/** Schuhhaus earns 1 point per euro and runs a double-points offer (server/catalog/seed.ts). */
const schuhhausPoints = (amountMinor: number) => Math.floor((amountMinor * 2) / 100);
const PRODUCT = { boots: 1, slippers: 2, care: 3 } as const;
const DONATION = 'Spende an die Tafel';
const DONATION_COST = 250;

let api: ApiServer;
let shops: ApiServer;
let chromium: ChromiumSession;
let elsewhere: { server: Server; url: string } | undefined;
const email = `anna-${process.pid}-${Date.now()}@example.test`;
let token = '';

/** The journey is one story: once a step fails, the later ones are skipped rather than failing for the same reason. */
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
  [api, shops] = await Promise.all([ApiServer.start(), ApiServer.start()]);
  chromium = await ChromiumSession.launch();
});

afterAll(async () => {
  await chromium?.close();
  await Promise.all([api?.stop(), shops?.stop()]);
  await new Promise<void>((r) => (elsewhere ? elsewhere.server.close(() => r()) : r()));
});

// ---------------------------------------------------------------------------
// What the member sees
// ---------------------------------------------------------------------------

/** Opens the popup for `shop` and waits until it shows what `ok` wants, opening it again every few seconds. */
async function popupShows(shop: Page, what: string, ok: (text: string) => boolean, timeoutMs = 15_000): Promise<{ popup: Page; text: string }> {
  const popup = await chromium.openPopupBeside(shop);
  const text = await waitFor(`the popup to show ${what}`, async () => {
    const settled = async () => {
      const body = await popup.locator('body').innerText();
      return body.includes('Syncing…') ? '' : body;
    };
    const first = await settled();
    if (ok(first)) return first;
    // The popup syncs when it opens: open it again, as a member would.
    await sleep(1500);
    await popup.reload();
    await popup.locator('.balance, .popup').first().waitFor({ timeout: 5_000 });
    await sleep(500);
    return settled();
  }, ok, timeoutMs);
  return { popup, text };
}

function purchaseRow(popup: Page, orderId: string) {
  return popup.locator('li.purchase').filter({ hasText: `Order ${orderId}` });
}

async function closePopups(): Promise<void> {
  for (const page of chromium.context.pages()) {
    if (page.url().startsWith(chromium.extensionUrl('popup.html'))) await page.close();
  }
}

interface HealthDay {
  memberConfirmed: number;
  evidenceWithoutRecord: number;
  reportsByReason: Record<string, number>;
}

/** Whether the extension's stored catalogue (IndexedDB, in the service worker) holds a detection rule for the partner. */
function extensionHasRuleFor(_chrome: unknown, partnerId: string): Promise<boolean> {
  return new Promise((resolve) => {
    const open = indexedDB.open('sammelpunkt');
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      const read = db.transaction('catalog').objectStore('catalog').get('current');
      read.onerror = () => resolve(false);
      read.onsuccess = () => {
        const partners = (read.result as { partners?: Array<{ id: string; detection?: unknown }> } | undefined)?.partners ?? [];
        resolve(partners.some((p) => p.id === partnerId && p.detection !== undefined));
        db.close();
      };
    };
  });
}

/** The partner the extension marked this tab's final checkout step for, if any (IndexedDB `finalSteps`). */
function finalStepMarkedFor(_chrome: unknown, partnerId: string): Promise<boolean> {
  return new Promise((resolve) => {
    const open = indexedDB.open('sammelpunkt');
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      const read = db.transaction('finalSteps').objectStore('finalSteps').getAll();
      read.onerror = () => resolve(false);
      read.onsuccess = () => {
        resolve((read.result as Array<{ partnerId: string }>).some((mark) => mark.partnerId === partnerId));
        db.close();
      };
    };
  });
}

/** Whether the extension holds a receipt for this order (IndexedDB `purchases`, index `by-order`). */
function extensionHasReceipt(_chrome: unknown, key: { partnerId: string; orderId: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const open = indexedDB.open('sammelpunkt');
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      const read = db.transaction('purchases').objectStore('purchases').index('by-order').count([key.partnerId, key.orderId]);
      read.onerror = () => resolve(false);
      read.onsuccess = () => {
        resolve(read.result > 0);
        db.close();
      };
    };
  });
}

/** Today's detection-health figures of one partner, as the operator reads them. */
async function detectionHealthOf(partnerId: string): Promise<HealthDay | undefined> {
  const body = await api.json<{ partners: Array<{ partnerId: string; days: HealthDay[] }> }>('GET', '/v1/admin/detection-health?days=7', { token: ADMIN_TOKEN });
  return body.partners.find((p) => p.partnerId === partnerId)?.days.at(-1);
}

/** The order the demo shop took last, as its own order book lists it. */
async function lastOrder(): Promise<DemoOrder> {
  const orders = await shops.shopOrders(SHOP);
  const order = orders.at(-1);
  if (order === undefined) throw new Error(`${SHOP} took no order`);
  return order;
}

async function purchasesFor(orderId: string): Promise<ServerPurchase[]> {
  return (await serverPurchases(api, token)).filter((p) => p.partnerId === SHOP && p.orderId === orderId);
}

// ---------------------------------------------------------------------------
// Whether the extension runs in a page
// ---------------------------------------------------------------------------

interface ExtensionTraces {
  /** The extension's isolated worlds in the page (its content script), as the DevTools protocol lists them. */
  isolatedWorlds: number;
  /** Window messages of the extension's that the page itself received (none since the page data is read on demand). */
  pageMessages: string[];
}

/** Installs a page-side listener for the extension's window messages in every page of the context, from its first script on. */
async function listenForExtensionMessages(): Promise<void> {
  await chromium.context.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__sammelpunktProbe', { value: seen });
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const data = event.data;
      if (typeof data === 'object' && data !== null && 'source' in data && String(data.source).startsWith('sammelpunkt')) seen.push(String(data.source));
    });
  });
}

async function extensionTraces(page: Page): Promise<ExtensionTraces> {
  const cdp: CDPSession = await chromium.context.newCDPSession(page);
  const origins: string[] = [];
  cdp.on('Runtime.executionContextCreated', (event: { context: { origin: string; auxData?: { type?: string } } }) => {
    if (event.context.auxData?.type === 'isolated') origins.push(event.context.origin);
  });
  // Enabling the domain reports every execution context that already exists.
  await cdp.send('Runtime.enable');
  await sleep(300);
  await cdp.detach();
  const pageMessages = await page.evaluate(() => [...((window as unknown as { __sammelpunktProbe?: string[] }).__sammelpunktProbe ?? [])]);
  const ours = `chrome-extension://${chromium.extensionId}`;
  return { isolatedWorlds: origins.filter((o) => o.startsWith(ours)).length, pageMessages };
}

/** A page on a host outside the catalogue that looks like an order confirmation, so a detector would have something to find. */
async function startElsewhere(): Promise<{ server: Server; url: string }> {
  const port = await freePort();
  const html = `<!doctype html><html lang="en"><head><title>Thank you for your order</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Order","orderNumber":"EL-1","price":"49.90","priceCurrency":"EUR"}</script>
</head><body><h1>Thank you for your order</h1><p>Order number EL-1</p><p>Total: €49.90</p></body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { server, url: `http://elsewhere.localhost:${port}/order/thank-you` };
}

// ---------------------------------------------------------------------------
// The journey
// ---------------------------------------------------------------------------

describe('Chromium: a member collects points at a partner shop', () => {
  let shop: Page;
  let firstOrder: DemoOrder;
  let confirmationUrl = '';

  step('installing opens the onboarding page; the extension runs its service worker', async () => {
    expect(chromium.extensionId).toMatch(/^[a-p]{32}$/);
    await listenForExtensionMessages();
    const onboarding = await waitFor('the onboarding tab', async () => chromium.findPage(chromium.extensionUrl('onboarding.html')), (p) => p !== undefined);
    await expect.poll(() => onboarding?.locator('h1').innerText()).toBe('Welcome to Sammelpunkt');
  });

  step('the member points the extension at the programme\'s API in the settings, and turns on detection reports', async () => {
    const options = await chromium.openPage(chromium.extensionUrl('options.html'));
    await options.getByLabel('API base URL').fill(api.baseUrl);
    await options.getByRole('button', { name: 'Save' }).click();
    await shown(options.getByText('Saved.'));
    // Off by default; the detection-health steps below need the member's opt-in (Chromium has no permission to ask for).
    const reports = options.getByRole('switch', { name: 'Help improve order detection' });
    expect(await reports.isChecked()).toBe(false);
    await reports.check();
    await expect.poll(() => reports.isChecked()).toBe(true);
    await options.reload();
    await expect.poll(() => options.getByRole('switch', { name: 'Help improve order detection' }).isChecked()).toBe(true);
    await options.close();
  });

  step('onboarding: consent, host access for the partner shops, sign-up', async () => {
    const onboarding = chromium.findPage(chromium.extensionUrl('onboarding.html'));
    if (onboarding === undefined) throw new Error('the onboarding tab is gone');
    await onboarding.bringToFront();
    // The button waits for the catalogue: host access is asked for its partner domains.
    await onboarding.getByRole('button', { name: 'Agree and allow on partner shops' }).click();
    // Agreeing before the partner list has arrived leaves host access to a second button, as the page explains.
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
    const me = await getMe(api, token);
    expect(me.member.email).toBe(email);
    expect(me.balance).toEqual({ available: 0, pending: 0, lifetime: 0 });
  });

  step('on a partner shop the popup shows the shop, its rate and its offer', async () => {
    shop = await chromium.context.newPage();
    await shop.goto(shops.shopUrl(SHOP));
    const { popup } = await popupShows(shop, 'the current shop', (t) => /you are at a partner shop/i.test(t));
    const card = popup.locator('section.shop');
    await expect.poll(() => textOf(card.locator('h2'))).toBe(SHOP_NAME);
    await expect.poll(() => textOf(card.locator('.rate'))).toBe('1 point per €1');
    await expect.poll(() => textOf(card.getByRole('list', { name: 'Offers at this shop' }))).toContain('Doppelte Punkte bei Schuhhaus');
    // On weekends the programme-wide 1.5× offer is listed too: read the shop's own offer.
    await expect.poll(() => textOf(card.locator('li').filter({ hasText: 'Doppelte Punkte bei Schuhhaus' }).locator('.badge-offer'))).toContain('2×');
    await shown(popup.getByText('No purchases yet.', { exact: false }));
    await closePopups();
  });

  step('on a partner shop the toolbar badge shows the running offer', async () => {
    await shop.reload();
    await expect.poll(() => chromium.badgeFor(shop), { timeout: 10_000 }).toBe('×2');
  });

  step('the cart and the checkout page record nothing', async () => {
    await addToCart(shop, shops.shopUrl(SHOP), PRODUCT.boots);
    // The detector does run here; it must find no order.
    expect((await extensionTraces(shop)).isolatedWorlds).toBeGreaterThan(0);
    await sleep(2000);
    await goToCheckout(shop);
    expect((await extensionTraces(shop)).isolatedWorlds).toBeGreaterThan(0);
    await sleep(3000);
    const { popup } = await popupShows(shop, 'its purchase list', (t) => t.includes('Last synced'));
    await shown(popup.getByText('No purchases yet.', { exact: false }));
    expect(await serverPurchases(api, token)).toEqual([]);
    // Still the shop's offer, not a recorded purchase.
    expect(await chromium.badgeFor(shop)).toBe('×2');
    await closePopups();
  });

  step('placing the order: within seconds the popup shows it pending with the right points', async () => {
    const placedAt = Date.now();
    confirmationUrl = await placeOrder(shop);
    firstOrder = await lastOrder();
    const points = schuhhausPoints(firstOrder.amountMinor);

    const { popup } = await popupShows(shop, `order ${firstOrder.orderId} as pending`, (t) => t.includes(`Order ${firstOrder.orderId}`) && t.includes('Pending') && t.includes(`${points} points pending`), 10_000);
    expect(Date.now() - placedAt).toBeLessThan(10_000);
    const row = purchaseRow(popup, firstOrder.orderId);
    await expect.poll(() => textOf(row.locator('.badge'))).toBe('Pending');
    await expect.poll(() => textOf(row)).toContain(`${points} points`);
    await expect.poll(() => textOf(row)).toContain('€129.00');
    await expect.poll(() => textOf(popup.locator('.balance-pending'))).toBe(`${points} points pending`);
    await expect.poll(() => textOf(popup.locator('.balance-number'))).toBe('0');
    expect(await chromium.badgeFor(shop)).toBe(`+${points}`);

    const booked = await purchasesFor(firstOrder.orderId);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ status: 'pending', points, amountMinor: firstOrder.amountMinor });
    expect((await getMe(api, token)).balance).toMatchObject({ pending: points, available: 0 });
    await closePopups();
  });

  step('reloading the confirmation and opening it in a second tab: still one purchase', async () => {
    await shop.reload();
    const second = await chromium.openPage(confirmationUrl);
    // Both pages ran the detector again…
    expect((await extensionTraces(shop)).isolatedWorlds).toBeGreaterThan(0);
    expect((await extensionTraces(second)).isolatedWorlds).toBeGreaterThan(0);
    await sleep(4000);
    await second.close();
    // …and the member still has one purchase, here and on the server.
    const { popup } = await popupShows(shop, 'its purchase list', (t) => t.includes('Last synced'));
    await expect.poll(() => popup.locator('li.purchase').count()).toBe(1);
    expect(await serverPurchases(api, token)).toHaveLength(1);
    expect((await getMe(api, token)).balance.pending).toBe(schuhhausPoints(firstOrder.amountMinor));
    await closePopups();
  });

  step('the partner confirms through its signed API; after sync the popup shows it confirmed and the points available', async () => {
    const points = schuhhausPoints(firstOrder.amountMinor);
    const [result] = await reportOrders(api, SHOP, [{ orderId: firstOrder.orderId, status: 'confirmed' }]);
    expect(result).toMatchObject({ orderId: firstOrder.orderId, status: 'applied' });

    const { popup } = await popupShows(shop, 'the purchase confirmed', (t) => t.includes('Confirmed'));
    await expect.poll(() => textOf(purchaseRow(popup, firstOrder.orderId).locator('.badge'))).toBe('Confirmed');
    await expect.poll(() => textOf(popup.locator('.balance-number'))).toBe(String(points));
    await expect.poll(() => textOf(popup.locator('.balance-pending'))).toBe('0 points pending');
    expect((await getMe(api, token)).balance).toEqual({ available: points, pending: 0, lifetime: points });
    await closePopups();
  });

  step('the member confirms the email in the popup with the mailed code', async () => {
    expect((await getMe(api, token)).member.emailVerified).toBe(false);
    const { popup } = await popupShows(shop, 'the email confirmation step', (t) => t.includes('Confirm your email'));
    await popup.getByLabel('Code', { exact: true }).fill(await mailedCode(api, email));
    await popup.getByRole('button', { name: 'Confirm', exact: true }).click();
    await waitFor('the email confirmed on the server', async () => (await getMe(api, token)).member.emailVerified, (verified) => verified === true);
    await closePopups();
  });

  step('the member redeems a reward in the popup', async () => {
    const points = schuhhausPoints(firstOrder.amountMinor);
    const { popup } = await popupShows(shop, 'the balance', (t) => t.includes(`${points}\npoints available`) || t.includes(`${points} points available`));
    await popup.getByRole('tab', { name: 'Rewards' }).click();
    const reward = popup.locator('li.reward').filter({ hasText: DONATION });
    await reward.getByRole('button', { name: 'Redeem' }).click();
    await reward.getByRole('button', { name: 'Yes, redeem' }).click();
    await expect.poll(() => textOf(reward.getByRole('status')), { timeout: 20_000 }).toMatch(/redeemed/i);

    expect((await getMe(api, token)).balance).toEqual({ available: points - DONATION_COST, pending: 0, lifetime: points });
    await closePopups();
    const after = await popupShows(shop, 'the new balance', (t) => t.includes(`${points - DONATION_COST}\npoints available`) || t.includes(`${points - DONATION_COST} points available`));
    await expect.poll(() => textOf(after.popup.locator('.balance-number'))).toBe(String(points - DONATION_COST));
    await closePopups();
  });

  step('a return after confirmation reverses the points', async () => {
    const before = (await getMe(api, token)).balance;
    await shopThrough(shop, shops.shopUrl(SHOP), PRODUCT.slippers);
    const order = await lastOrder();
    const points = schuhhausPoints(order.amountMinor);
    await waitFor('the second purchase on the server', () => purchasesFor(order.orderId), (p) => p.length === 1, 15_000);
    await reportOrders(api, SHOP, [{ orderId: order.orderId, status: 'confirmed' }]);
    expect((await getMe(api, token)).balance.available).toBe(before.available + points);

    const [returned] = await reportOrders(api, SHOP, [{ orderId: order.orderId, status: 'returned' }]);
    expect(returned).toMatchObject({ status: 'applied' });
    const { popup } = await popupShows(shop, 'the purchase reversed', (t) => t.includes('Reversed'));
    await expect.poll(() => textOf(purchaseRow(popup, order.orderId).locator('.badge'))).toBe('Reversed');
    await expect.poll(() => textOf(purchaseRow(popup, firstOrder.orderId).locator('.badge'))).toBe('Confirmed');
    await expect.poll(() => textOf(popup.locator('.balance-number'))).toBe(String(before.available));
    expect((await getMe(api, token)).balance.available).toBe(before.available);
    expect((await purchasesFor(order.orderId))[0]?.status).toBe('reversed');
    await closePopups();
  });
});

describe('Chromium: when things go wrong', () => {
  let shop: Page;

  beforeAll(async () => {
    shop = chromium.context.pages().find((p) => p.url().startsWith(shops.shopUrl(SHOP))) ?? (await chromium.context.newPage());
  });

  step('the API is down while the member shops: the purchase waits, then arrives exactly once', async () => {
    await api.halt();
    await shopThrough(shop, shops.shopUrl(SHOP), PRODUCT.care);
    const order = await lastOrder();
    const { popup } = await popupShows(shop, 'the purchase waiting', (t) => t.includes(`Order ${order.orderId}`) && t.includes('1 purchase waiting to sync'));
    await shown(popup.getByText('The last sync did not work. It will be retried automatically.'));
    await closePopups();

    await api.resume();
    // No member action: the retry alarm (capped exponential backoff with full
    // jitter) brings it over, so wait until the scheduled retry and a margin.
    const retryAt = await chromium.inWorker(async (chrome) => (await chrome.alarms.get('sync-retry'))?.scheduledTime ?? 0, null);
    const waitMs = Math.max(0, retryAt - Date.now()) + 45_000;
    const arrived = await waitFor('the waiting purchase on the server', () => purchasesFor(order.orderId), (p) => p.length > 0, waitMs);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).toMatchObject({ status: 'pending', points: schuhhausPoints(order.amountMinor) });
    // Later syncs (the popup syncs as it opens) do not book it again.
    const { popup: after } = await popupShows(shop, 'nothing waiting', (t) => !t.includes('waiting to sync') && t.includes(`Order ${order.orderId}`));
    await expect.poll(() => textOf(purchaseRow(after, order.orderId).locator('.badge'))).toBe('Pending');
    expect(await purchasesFor(order.orderId)).toHaveLength(1);
    await closePopups();
  }, 300_000);

  step('a page outside the catalogue gets no extension script', async () => {
    elsewhere = await startElsewhere();
    const page = await chromium.openPage(elsewhere.url);
    await sleep(2000);
    const outside = await extensionTraces(page);
    // The same probe on a partner page sees the extension, so seeing nothing here means something.
    await shop.goto(shops.shopUrl(SHOP));
    await sleep(1000);
    const partner = await extensionTraces(shop);
    expect(partner.isolatedWorlds).toBeGreaterThan(0);
    // Even there the shop's own scripts get no message from the extension (test/e2e/privacy.*.test.ts probes further).
    expect(partner.pageMessages).toEqual([]);
    expect(outside).toEqual({ isolatedWorlds: 0, pageMessages: [] });
    await page.close();
  });

  step('at a shop whose thank-you page shows two totals, the page asks; the member picks the one paid and it is booked as member-confirmed', async () => {
    const tab = await chromium.context.newPage();
    // The espresso alone ships at a cost, so the page's two "Gesamt" amounts differ.
    await shopThrough(tab, shops.shopUrl('roesterei'), 0);
    const order = (await shops.shopOrders('roesterei')).at(-1);
    if (order === undefined) throw new Error('the roastery took no order');
    const moment = await InPageMoment.waitFor(tab, 'Did you just order?');
    expect(await moment.value('orderId')).toBe(order.orderId);
    const paid = `€${(order.amountMinor / 100).toFixed(2)}`;
    expect(await moment.options('total')).toContain(paid);
    // Nothing is recorded before the member answers.
    expect((await serverPurchases(api, token)).filter((p) => p.partnerId === 'roesterei')).toEqual([]);

    await moment.choose('total', paid);
    await moment.click('Collect points');
    await InPageMoment.waitFor(tab, 'points pending');
    const booked = await waitFor(
      'the member-confirmed purchase on the server',
      async () => (await serverPurchases(api, token)).filter((p) => p.partnerId === 'roesterei'),
      (found) => found.length > 0,
    );
    expect(booked).toEqual([expect.objectContaining({ orderId: order.orderId, amountMinor: order.amountMinor, status: 'pending', method: 'member-confirmed' })]);
    await tab.close();

    // Detection health: the operator sees the page that needed the member, as an anonymous count.
    const health = await waitFor('the roastery in the operator\'s detection health', () => detectionHealthOf('roesterei'), (day) => (day?.reportsByReason.ambiguous_total ?? 0) >= 1);
    expect(health).toMatchObject({ memberConfirmed: 1, evidenceWithoutRecord: 1, reportsByReason: { ambiguous_total: 1, member_confirmed: 1 } });
  });

  step('a shop whose confirmation nothing reads: members are asked, the operator sees it in detection health, writes a rule, and the next order is recorded without asking', async () => {
    const tab = await chromium.context.newPage();
    await shopThrough(tab, shops.shopUrl('teehaus'), 0);
    // The page thanks for the order but labels neither number nor amount: the member is asked; this one just closes the card.
    const moment = await InPageMoment.waitFor(tab, 'Did you just order?');
    expect(await moment.value('orderId')).toBe('');
    await moment.click('×');
    const before = await waitFor(
      'the tea shop in the operator\'s detection health',
      async () => {
        // Opening the popup syncs, and the counters ride along.
        await popupShows(tab, 'its purchase list', (t) => t.includes('Last synced'));
        await closePopups();
        return (await detectionHealthOf('teehaus'))?.reportsByReason.no_order_id ?? 0;
      },
      (count) => count >= 1,
      30_000,
    );
    expect(before).toBe(1);
    expect((await serverPurchases(api, token)).filter((p) => p.partnerId === 'teehaus')).toEqual([]);

    // The operator writes a rule for the shop: selectors as data, in the catalogue.
    const partner = DEMO_PARTNERS.find((p) => p.id === 'teehaus');
    await api.json('PUT', '/v1/admin/partners/teehaus', { token: ADMIN_TOKEN, body: { ...partner, secret: demoSecret('teehaus'), detection: TEEHAUS_DETECTION_RULE } });
    // The extension follows the catalogue at its next sync (opening the popup syncs): wait until its own copy holds the rule.
    await waitFor(
      "the rule in the extension's catalogue",
      async () => {
        await popupShows(tab, 'its purchase list', (t) => t.includes('Last synced'));
        await closePopups();
        return chromium.inWorker(extensionHasRuleFor, 'teehaus');
      },
      Boolean,
      45_000,
    );

    await shopThrough(tab, shops.shopUrl('teehaus'), 1);
    const order = (await shops.shopOrders('teehaus')).at(-1);
    if (order === undefined) throw new Error('the tea shop took no order');
    const booked = await waitFor(
      'the order recorded by the partner rule',
      async () => (await serverPurchases(api, token)).filter((p) => p.partnerId === 'teehaus'),
      (found) => found.length > 0,
      20_000,
    );
    expect(booked).toEqual([expect.objectContaining({ orderId: order.orderId, amountMinor: order.amountMinor, method: 'partner-rule' })]);
    await tab.close();
  });

  step('a shop whose final step leads to the order\'s own page in the account: recorded because the tab came from that step, and only then', async () => {
    const tab = await chromium.context.newPage();
    const { product, cart } = await addToCart(tab, shops.shopUrl('werkzeug'), 1);
    expect(product).not.toBe(cart);
    await goToCheckout(tab);
    // The review page with "Zahlungspflichtig bestellen": the extension marks the tab (a member reads the page before ordering).
    await waitFor('the final step marked for the tab', () => chromium.inWorker(finalStepMarkedFor, 'werkzeug'), Boolean, 15_000);
    const orderPage = await placeOrder(tab);
    expect(new URL(orderPage).pathname).toMatch(/^\/konto\/auftraege\//);
    const order = (await shops.shopOrders('werkzeug')).at(-1);
    if (order === undefined) throw new Error('the tool shop took no order');
    const booked = await waitFor(
      'the order recorded from its own page',
      async () => (await serverPurchases(api, token)).filter((p) => p.partnerId === 'werkzeug'),
      (found) => found.length > 0,
      20_000,
    );
    expect(booked).toEqual([expect.objectContaining({ orderId: order.orderId, amountMinor: order.amountMinor, currency: 'EUR', method: 'session', status: 'pending' })]);
    await InPageMoment.waitFor(tab, 'points pending');
    // The mark is used up: it was for that one page.
    expect(await chromium.inWorker(finalStepMarkedFor, 'werkzeug')).toBe(false);
    await tab.close();

    // A second order placed where the extension saw no final step (the form posted outside any page), its page opened
    // later from a link, as from the account: the same kind of page, and nothing is recorded there.
    const shopping = await chromium.context.newPage();
    await addToCart(shopping, shops.shopUrl('werkzeug'), 2);
    const secondPage = await shopping.evaluate(async () => {
      const form = new URLSearchParams({ name: 'Erika Mustermann', email: 'erika@example.com', street: 'Hauptstraße 1', postcode: '10115', city: 'Berlin', payment: 'Rechnung' });
      const placed = await fetch('/kasse', { method: 'POST', body: form });
      return placed.url;
    });
    expect(new URL(secondPage).pathname).toMatch(/^\/konto\/auftraege\//);
    const second = (await shops.shopOrders('werkzeug')).at(-1);
    expect(second?.orderId).not.toBe(order.orderId);
    await shopping.goto(secondPage);
    await shown(shopping.getByRole('heading', { name: second?.orderId ?? '?' }));
    await sleep(5000);
    expect(await chromium.inWorker(extensionHasReceipt, { partnerId: 'werkzeug', orderId: second?.orderId ?? '' })).toBe(false);
    expect((await serverPurchases(api, token)).filter((p) => p.partnerId === 'werkzeug').map((p) => p.orderId)).toEqual([order.orderId]);
    // The first order's page opened again from a link: still the one receipt.
    await shopping.goto(orderPage);
    await sleep(2000);
    expect((await serverPurchases(api, token)).filter((p) => p.partnerId === 'werkzeug')).toHaveLength(1);
    await shopping.close();
  });

  step('after the member revokes consent, a new order records nothing', async () => {
    const options = await chromium.openPage(chromium.extensionUrl('options.html'));
    await options.getByRole('button', { name: 'Revoke consent' }).click();
    await shown(options.getByText(/Revoked on .*: nothing is inspected\./));
    await options.close();
    const registered = await chromium.inWorker(async (chrome) => (await chrome.scripting.getRegisteredContentScripts()).map((s) => s.id), null);
    expect(registered, 'content scripts registered after consent was revoked').toEqual([]);
    const before = await serverPurchases(api, token);

    // A new tab: Chromium may keep injecting into a tab that already ran the script before the
    // unregistration; the script there finds no consent and stops (the order below proves it).
    const tab = await chromium.context.newPage();
    await shopThrough(tab, shops.shopUrl(SHOP), PRODUCT.boots);
    const order = await lastOrder();
    expect((await extensionTraces(tab)).isolatedWorlds).toBe(0);
    await shopThrough(shop, shops.shopUrl(SHOP), PRODUCT.slippers);
    const orderInOldTab = await lastOrder();
    await sleep(3000);
    const { popup } = await popupShows(tab, 'its purchase list', (t) => t.includes('Last synced'));
    await shown(popup.getByText('Purchase detection is off until you agree in the settings.'));
    await expect.poll(() => purchaseRow(popup, order.orderId).count()).toBe(0);
    await expect.poll(() => purchaseRow(popup, orderInOldTab.orderId).count()).toBe(0);
    expect(await serverPurchases(api, token)).toHaveLength(before.length);
    await closePopups();
  });
});
