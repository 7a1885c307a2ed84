/**
 * Privacy, proven in Chromium: a member's whole journey (install, consent,
 * sign-up, a purchase at a demo partner, the popup), then pages outside the
 * catalogue and a quiet spell, with every request the browser makes going
 * through a recording proxy (test/e2e/recording-proxy.ts; loopback is not
 * bypassed). Each phase asserts the exact requests to the API; pages outside
 * the catalogue must cause no request, run no extension script (the DevTools
 * protocol lists the page's isolated worlds) and let the page notice
 * nothing (the page-side probe of test/e2e/privacy.ts). A control run
 * without the extension tells the browser's own traffic apart.
 *
 * The API and the demo shops are one server here: the API answers on
 * `localhost:<port>`, the shops on `<shop>.localhost:<port>`.
 */
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { DEMO_EXTENSION_ID, DEMO_EXTENSION_ORIGIN } from '../../lib/contract/extension-id.ts';
import { ApiServer, ChromiumSession, memberToken, PASSWORD, serverPurchases, shopThrough, shown, sleep, waitFor, withEvidence } from './harness.ts';
import { apiCalls, browserOwn, CONTRACT_PURCHASE_FIELDS, countsByWitness, describeAll, IDLE_MS, MOMENT_FINDING, READ_FINDING, linesTo, probeScript, startOutsideSite, type OutsideSite } from './privacy.ts';
import { RecordingProxy, type RecordedRequest } from './recording-proxy.ts';

const SHOP = 'schuhhaus';

let server: ApiServer;
let proxy: RecordingProxy;
let outside: OutsideSite;
let chromium: ChromiumSession;
let partnerConfirmation = '<!doctype html><title>-</title>';
const email = `privacy-${process.pid}-${Date.now()}@example.test`;
let brokenAt: string | undefined;

function step(name: string, body: () => Promise<void>, timeoutMs = 60_000): void {
  it(name, async (ctx: TestContext) => {
    if (brokenAt !== undefined) ctx.skip(`an earlier step failed: ${brokenAt}`);
    try {
      await withEvidence(`privacy chromium ${name}`, () => chromium.context.pages(), body, server, () => chromium.log());
    } catch (error) {
      brokenAt ??= name;
      throw error;
    }
  }, timeoutMs);
}

const apiHost = () => `localhost:${server.port}`;
const shopHost = () => `${SHOP}.localhost:${server.port}`;
const proxyArgs = () => [`--proxy-server=http://127.0.0.1:${proxy.port}`, '--proxy-bypass-list=<-loopback>'];

/** Hosts the browser contacts without the extension (the control run) and the vendor's services. */
let ownTraffic: (r: RecordedRequest) => boolean = () => false;
/** The requests the browser made on the extension's account or for a page: everything but its own traffic. */
const notBrowserOwn = (requests: RecordedRequest[]) => requests.filter((r) => !ownTraffic(r));

beforeAll(async () => {
  [server, proxy] = await Promise.all([ApiServer.start({ requestLog: true }), RecordingProxy.start()]);
  outside = await startOutsideSite(email, () => partnerConfirmation);
  proxy.injectIntoHtml = probeScript([DEMO_EXTENSION_ID]);

  // The control run: the same browser and flags without the extension, on the same kinds of pages.
  proxy.phase = 'control';
  const plain = await ChromiumSession.launchPlain(proxyArgs());
  try {
    for (const url of [outside.pages[0]!.url, server.shopUrl(SHOP)]) {
      const page = await plain.newPage();
      await page.goto(url, { waitUntil: 'load' });
    }
    await sleep(3_000);
  } finally {
    await plain.close();
  }
  const pageHosts = new Set([new URL(outside.pages[0]!.url).host, `${SHOP}.localhost:${server.port}`]);
  ownTraffic = browserOwn(new Set(proxy.during('control').filter((r) => !pageHosts.has(r.host)).map((r) => r.host)));

  proxy.phase = 'install';
  chromium = await ChromiumSession.launch(undefined, proxyArgs());
});

afterAll(async () => {
  await chromium?.close();
  await Promise.all([server?.stop(), proxy?.close(), outside?.close()]);
});

/** The extension's isolated worlds in a page (its content script), as the DevTools protocol lists them. */
async function isolatedWorlds(page: Page): Promise<number> {
  const cdp: CDPSession = await chromium.context.newCDPSession(page);
  const origins: string[] = [];
  cdp.on('Runtime.executionContextCreated', (event: { context: { origin: string; auxData?: { type?: string } } }) => {
    if (event.context.auxData?.type === 'isolated') origins.push(event.context.origin);
  });
  await cdp.send('Runtime.enable');
  await sleep(300);
  await cdp.detach();
  return origins.filter((o) => o.startsWith(DEMO_EXTENSION_ORIGIN)).length;
}

async function probe(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __privacyProbe: () => string[] }).__privacyProbe());
}

/** Runs `body` as a phase of its own and returns the requests made meanwhile (waiting `settleMs` for late ones). */
async function phase(name: string, body: () => Promise<void>, settleMs = 2_000): Promise<RecordedRequest[]> {
  proxy.phase = name;
  await body();
  await sleep(settleMs);
  proxy.phase = `after ${name}`;
  return notBrowserOwn(proxy.during(name));
}

const figures: string[] = [];
function keep(name: string, requests: RecordedRequest[]): void {
  const api = requests.filter((r) => r.host === apiHost());
  figures.push(`${name}: ${api.length} to the API (${api.filter((r) => r.method === 'OPTIONS').length} preflights), ${requests.length - api.length} elsewhere`);
}

describe('Chromium: only the configured API is contacted, only after consent, and only with the contract’s fields', () => {
  step('installing and opening the onboarding page sends nothing', async () => {
    const onboarding = await waitFor('the onboarding tab', async () => chromium.findPage(chromium.extensionUrl('onboarding.html')), (p) => p !== undefined);
    await shown(onboarding!.getByRole('button', { name: 'Agree and allow on partner shops' }), 10_000);
    await sleep(3_000);
    const sent = notBrowserOwn(proxy.during('install'));
    keep('install', sent);
    expect(sent, describeAll(sent)).toEqual([]);
  });

  step('pointing the extension at the API in the settings sends nothing', async () => {
    const sent = await phase('settings', async () => {
      const options = await chromium.openPage(chromium.extensionUrl('options.html'));
      await options.getByLabel('API base URL').fill(server.baseUrl);
      await options.getByRole('button', { name: 'Save' }).click();
      await shown(options.getByText('Saved.'));
      await options.close();
    });
    keep('settings', sent);
    expect(sent, describeAll(sent)).toEqual([]);
  });

  step('agreeing makes the first request: the catalogue, once', async () => {
    const sent = await phase('consent', async () => {
      const onboarding = chromium.findPage(chromium.extensionUrl('onboarding.html'))!;
      await onboarding.bringToFront();
      await onboarding.getByRole('button', { name: 'Agree and allow on partner shops' }).click();
      const granted = onboarding.getByText('Access to the partner shops is allowed.');
      const allow = onboarding.getByRole('button', { name: 'Allow access to partner shops' });
      await granted.or(allow).first().waitFor({ timeout: 15_000 });
      if (await allow.isVisible()) await allow.click();
      await shown(granted, 15_000);
    });
    keep('consent', sent);
    expect(linesTo(sent, apiHost()), describeAll(sent)).toEqual(['GET /v1/partners']);
    expect(sent.filter((r) => r.host !== apiHost()), describeAll(sent)).toEqual([]);
  });

  step('signing up sends the email and password, then syncs', async () => {
    const sent = await phase('sign-up', async () => {
      const onboarding = chromium.findPage(chromium.extensionUrl('onboarding.html'))!;
      await onboarding.getByRole('button', { name: 'New here? Create an account' }).click();
      await onboarding.getByLabel('Email').fill(email);
      await onboarding.getByLabel('Password').fill(PASSWORD);
      await onboarding.getByRole('button', { name: 'Create account' }).click();
      await shown(onboarding.getByText('You are signed in. Happy collecting!'), 15_000);
    });
    keep('sign-up', sent);
    expect(sent.filter((r) => r.host !== apiHost()), describeAll(sent)).toEqual([]);
    // No device label, no browser details: the two fields the member typed. Then the first sync.
    expect(apiCalls(sent, apiHost()), describeAll(sent)).toEqual({
      calls: ['GET /v1/me/sync', 'GET /v1/offers', 'POST /v1/auth/register {email,password}'],
      strayPreflights: [],
    });
  });

  let shop: Page;
  step('a purchase at a partner shop: the shop sees only the moment; the API gets exactly the contract’s fields', async () => {
    const sent = await phase('purchase', async () => {
      shop = await chromium.context.newPage();
      await shopThrough(shop, server.shopUrl(SHOP), 1);
      const token = await memberToken(server, email);
      await waitFor('the purchase on the server', () => serverPurchases(server, token), (p) => p.length === 1, 20_000);
      // The recorded-purchase moment, in a closed shadow root: its host element is all the page can see.
      await shop.locator('sammelpunkt-moment').first().waitFor({ state: 'attached', timeout: 10_000 });
    });
    keep('purchase', sent);
    expect(sent.filter((r) => r.host !== apiHost() && r.host !== shopHost()), describeAll(sent)).toEqual([]);
    expect(apiCalls(sent, apiHost()), describeAll(sent)).toEqual({ calls: ['GET /v1/me/sync', 'POST /v1/purchases {purchases}'], strayPreflights: [] });
    const purchases = sent.filter((r) => r.host === apiHost() && r.method === 'POST' && r.path === '/v1/purchases');
    expect(purchases, describeAll(sent)).toHaveLength(1);
    expect(purchases[0]?.bodyFields).toEqual(['purchases']);
    expect(purchases[0]?.purchaseFields).toEqual([CONTRACT_PURCHASE_FIELDS]);
    // The shop's own scripts saw the moment the member sees and, as they made dataLayer a Proxy, its being read; nothing else.
    const findings = await probe(shop);
    expect(findings).toEqual(expect.arrayContaining([MOMENT_FINDING, READ_FINDING]));
    expect(findings.filter((f) => f !== MOMENT_FINDING && f !== READ_FINDING)).toEqual([]);
    // Kept for the look-alike host below.
    partnerConfirmation = (await server.shopGet(SHOP, new URL(shop.url()).pathname + new URL(shop.url()).search)).body;
  });

  step('the popup asks the API only for the member’s own state', async () => {
    const sent = await phase('popup', async () => {
      const popup = await chromium.openPopupBeside(shop);
      await shown(popup.locator('li.purchase').first(), 15_000);
      await popup.close();
    });
    keep('popup', sent);
    expect(sent.filter((r) => r.host !== apiHost()), describeAll(sent)).toEqual([]);
    expect(apiCalls(sent, apiHost()), describeAll(sent)).toEqual({ calls: ['GET /v1/me/sync'], strayPreflights: [] });
  });

  step('pages outside the catalogue (tracking ids, the member’s email, a look-alike host, a confirmation elsewhere): no request, no script, nothing noticed', async () => {
    const token = await memberToken(server, email);
    const before = await serverPurchases(server, token);
    const noticed: string[] = [];
    const sent = await phase('outside', async () => {
      for (const { what, url } of outside.pages) {
        const page = await chromium.context.newPage();
        await page.goto(url, { waitUntil: 'load' });
        await sleep(1_500);
        const worlds = await isolatedWorlds(page);
        const findings = await probe(page);
        if (worlds > 0 || findings.length > 0) noticed.push(`${what}: ${worlds} extension worlds; ${findings.join('; ')}`);
        await page.close();
      }
    });
    keep('outside', sent);
    expect(noticed).toEqual([]);
    const pageHosts = new Set(outside.pages.map((p) => new URL(p.url).host));
    expect(sent.filter((r) => !pageHosts.has(r.host)), describeAll(sent)).toEqual([]);
    // Recording would have synced at once (the member is signed in): nothing recorded, nothing booked.
    expect(await serverPurchases(server, token)).toEqual(before);
  }, 90_000);

  step(`left alone for ${IDLE_MS / 1000} s, the extension sends nothing`, async () => {
    const sent = await phase('idle', () => sleep(IDLE_MS), 0);
    keep('idle', sent);
    expect(sent, describeAll(sent)).toEqual([]);
  });

  step('every request went to the API, a page the member opened, or is the browser’s own (as the control run without the extension shows)', async () => {
    const apiRequests = proxy.requests.filter((r) => r.host === apiHost());
    // The origin is the same for every installation of this build: it names the extension, not the member.
    expect([...new Set(apiRequests.map((r) => r.origin ?? '(none)'))].filter((o) => o !== DEMO_EXTENSION_ORIGIN && o !== '(none)')).toEqual([]);
    const run = proxy.requests.filter((r) => r.phase !== 'control');
    const opened = new Set([apiHost(), shopHost(), ...outside.pages.map((p) => new URL(p.url).host)]);
    const own = run.filter(ownTraffic);
    expect(run.filter((r) => !opened.has(r.host) && !ownTraffic(r)), describeAll(run)).toEqual([]);
    figures.push(`the browser's own (refused by the proxy): ${own.length} requests to ${new Set(own.map((r) => r.host)).size} hosts; the control run: ${proxy.during('control').length}`);
    // The API's own log agrees with the proxy, and holds no Origin value (in Firefox it names one installation).
    const witnesses = countsByWitness(server.requestLog, run, apiHost());
    expect(witnesses.apiLog).toEqual(witnesses.proxy);
    expect(JSON.stringify(server.requestLog)).not.toMatch(/moz-extension|chrome-extension/);
    figures.push(`the API's own log: ${server.requestLog.filter((l) => typeof l.route === 'string').length} request lines, none with an Origin`);
    console.log(`Chromium privacy figures:\n  ${figures.join('\n  ')}`);
  });
});
