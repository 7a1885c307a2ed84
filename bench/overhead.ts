/**
 * `overhead`: what the extension costs pages in Chromium. The built
 * extension is loaded, pointed at a local API with the demo catalogue, and
 * given consent and host access on its onboarding page, as a member would.
 * Then a page outside the catalogue and a partner page that is not a
 * confirmation are loaded with and without the extension:
 *
 *  - extension scripts run: execution contexts whose origin is
 *    chrome-extension://<id> (isolated worlds), and scripts parsed from
 *    chrome-extension:// URLs in any world, seen through CDP from before the
 *    navigation (must be 0 outside the catalogue);
 *  - added main-thread time: CDP Performance metrics (ScriptDuration,
 *    TaskDuration) after load and a 1 s settle, with minus without.
 */
import { createServer, type Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { makeLargePage } from '../test/fixtures/pages/make-large.ts';
import { chromiumMissing, launchChromium, type Launched } from './lib/chromium.ts';
import { freePort, startDemoServer } from './lib/demo-server.ts';
import { extensionBuildMissing, extensionId, giveConsent, grantedCopy } from './lib/extension.ts';
import { notMeasured, result } from './lib/result.ts';
import { median } from './lib/stats.ts';
import type { Measured } from './lib/types.ts';

const LOADS = 8;
const SETTLE_MS = 1000;
const PARTNER_SHOP = 'schuhhaus';

interface Trace {
  isolatedWorlds: number;
  extensionScripts: number;
}

interface Cost {
  scriptDurationMs: number;
  taskDurationMs: number;
}

async function startElsewhere(): Promise<{ server: Server; url: string }> {
  const port = await freePort();
  const html = makeLargePage(
    '<!doctype html><html lang="en"><head><title>Thank you for your order</title>' +
      '<script type="application/ld+json">{"@context":"https://schema.org","@type":"Order","orderNumber":"EL-1","price":"49.90","priceCurrency":"EUR"}</script>' +
      '</head><body><h1>Thank you for your order</h1><p>Order number EL-1</p><p>Total: €49.90</p></body></html>',
  );
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { server, url: `http://elsewhere.localhost:${port}/checkout/order-received/1/` };
}

async function trace(context: BrowserContext, url: string, id: string | null): Promise<Trace> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const origins: string[] = [];
  const scripts: string[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: { origin: string } }) => origins.push(e.context.origin));
  cdp.on('Debugger.scriptParsed', (e: { url: string }) => scripts.push(e.url));
  await cdp.send('Runtime.enable');
  await cdp.send('Debugger.enable');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(SETTLE_MS);
  await cdp.detach();
  await page.close();
  const ours = id === null ? 'chrome-extension://' : `chrome-extension://${id}`;
  return { isolatedWorlds: origins.filter((o) => o.startsWith(ours)).length, extensionScripts: scripts.filter((u) => u.startsWith(ours)).length };
}

async function cost(context: BrowserContext, url: string): Promise<Cost> {
  const page: Page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(SETTLE_MS);
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  await cdp.detach();
  await page.close();
  const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? Number.NaN) * 1000;
  return { scriptDurationMs: metric('ScriptDuration'), taskDurationMs: metric('TaskDuration') };
}

async function costs(context: BrowserContext, url: string): Promise<Cost> {
  const runs: Cost[] = [];
  for (let i = 0; i < LOADS; i++) runs.push(await cost(context, url));
  return { scriptDurationMs: median(runs.map((r) => r.scriptDurationMs)), taskDurationMs: median(runs.map((r) => r.taskDurationMs)) };
}

export async function run(): Promise<Measured[]> {
  const missing = chromiumMissing() ?? extensionBuildMissing();
  if (missing) return [notMeasured('overhead.non-partner', null, missing), notMeasured('overhead.partner-non-confirmation', null, missing)];

  const api = await startDemoServer();
  const elsewhere = await startElsewhere();
  const extension = grantedCopy();
  let withExtension: Launched | undefined;
  let without: Launched | undefined;
  try {
    withExtension = await launchChromium({ extensionDir: extension.dir });
    const id = await extensionId(withExtension.context);
    await giveConsent(withExtension.context, id, api.baseUrl);
    without = await launchChromium();
    const pages = [
      { name: 'overhead.non-partner', url: elsewhere.url, what: 'a 200 KB order-confirmation-looking page on a host outside the catalogue' },
      { name: 'overhead.partner-non-confirmation', url: api.shopUrl(PARTNER_SHOP), what: `the ${PARTNER_SHOP} demo partner shop's home page` },
    ];
    const lines: Measured[] = [];
    for (const page of pages) {
      // One load before measuring: the first navigation of a profile pays for caches and registration.
      await trace(withExtension.context, page.url, id);
      const seen = await trace(withExtension.context, page.url, id);
      const withCost = await costs(withExtension.context, page.url);
      const withoutCost = await costs(without.context, page.url);
      const nonPartner = page.name === 'overhead.non-partner';
      lines.push(
        result({
          name: page.name,
          figures: {
            extensionContexts: seen.isolatedWorlds,
            extensionScripts: seen.extensionScripts,
            addedScriptMs: withCost.scriptDurationMs - withoutCost.scriptDurationMs,
            addedTaskMs: withCost.taskDurationMs - withoutCost.taskDurationMs,
            scriptMsWith: withCost.scriptDurationMs,
            taskMsWith: withCost.taskDurationMs,
          },
          ceiling: { name: 'the same page in Chromium without the extension', figures: { scriptMs: withoutCost.scriptDurationMs, taskMs: withoutCost.taskDurationMs } },
          compare: { figure: 'taskMsWith', ceilingFigure: 'taskMs', lowerIsBetter: true },
          budget: nonPartner ? { text: 'pages outside the catalogue: zero extension scripts run', limit: 0, direction: 'atMost', figure: 'extensionScripts' } : undefined,
          notes: [
            page.what,
            'extensionContexts: isolated worlds with the extension origin; extensionScripts: scripts parsed from chrome-extension:// URLs (any world), both from CDP attached before the navigation',
            `main-thread figures: CDP Performance.getMetrics after load + ${SETTLE_MS} ms, median of ${LOADS} loads in a fresh tab each; added = with − without (noise of a busy machine is ±several ms)`,
            'the build is loaded from a copy whose manifest grants the demo partners and http://localhost/* (stands in for the permission prompt headless Chromium denies; as the e2e tests do)',
            ...(nonPartner ? [] : ['no DESIGN.md budget for this page beyond detection time (see detect); figures for information']),
            ...(!nonPartner && seen.isolatedWorlds === 0 ? ['WARNING: no extension context on the partner page, so the content script was not registered: the figures show no detector cost'] : []),
          ],
        }),
      );
    }
    return lines;
  } finally {
    await withExtension?.close();
    await without?.close();
    elsewhere.server.close();
    await api.stop();
    extension.remove();
  }
}
