/**
 * What the privacy tests share: the pages outside the catalogue a member
 * visits, the page-side probe, and how the recorded requests are summed up.
 *
 * The promise under test (docs/permissions.md, SECURITY.md "What leaves the
 * device"): the extension contacts only the configured API, sends nothing
 * before the member agrees, sends a purchase as exactly the contract's
 * fields, and does nothing at all on pages outside the partner catalogue.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest } from './recording-proxy.ts';

/** The fields of a purchase in the contract (shared/DESIGN.md, "A purchase sent by the extension"). */
export const CONTRACT_PURCHASE_FIELDS = ['amountMinor', 'currency', 'detectedAt', 'id', 'method', 'orderId', 'partnerId'];

/** How long the test leaves the browser alone at the end: nothing may be sent meanwhile. */
export const IDLE_MS = 20_000;

// ---------------------------------------------------------------------------
// The page-side probe
// ---------------------------------------------------------------------------

/** What the probe noticed on a page: each entry a sentence a page's own script could have learnt. */
export type ProbeFindings = string[];

/**
 * A script that runs first on every page (the proxy puts it there), in the
 * page's own world, and notes what a shop's own analytics could notice of an
 * extension: any window message, the events WXT content scripts dispatch
 * (named after the extension id and the entrypoint), elements added to the
 * page after it loaded, a `dataLayer.push` that is no longer the one the
 * page set, and a copy taken of `dataLayer` (the probe makes it a `Proxy`,
 * as a suspicious shop could: the extension's on-demand MAIN-world read on
 * partner pages shows up here, and nowhere else). `window.__privacyProbe()`
 * returns the findings.
 */
export const READ_FINDING = 'dataLayer copied by another script';
export const MOMENT_FINDING = 'element added sammelpunkt-moment';

export function probeScript(extensionIds: string[]): string {
  const eventNames = extensionIds.flatMap((id) =>
    ['content', 'detector', 'ga4-main'].flatMap((entry) => [`${id}:${entry}:wxt:content-script-started`, `${id}:${entry}:wxt:locationchange`]),
  );
  return `(() => {
  const found = [];
  const names = ${JSON.stringify(eventNames)};
  window.dataLayer = new Proxy([], {
    get(target, key, receiver) {
      if (key === 'slice') found.push(${JSON.stringify(READ_FINDING)});
      return Reflect.get(target, key, receiver);
    },
  });
  addEventListener('message', (e) => found.push('window message ' + String(JSON.stringify(e.data)).slice(0, 160)), true);
  for (const name of names) {
    addEventListener(name, () => found.push('event on window ' + name), true);
    document.addEventListener(name, () => found.push('event on document ' + name), true);
  }
  let pagePush;
  addEventListener('load', () => {
    pagePush = window.dataLayer && window.dataLayer.push;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) found.push('element added ' + n.nodeName.toLowerCase());
    }).observe(document.documentElement, { childList: true, subtree: true });
  });
  Object.defineProperty(window, '__privacyProbe', { value: () => {
    const now = window.dataLayer && window.dataLayer.push;
    const wrapped = pagePush !== undefined && now !== pagePush ? ['dataLayer.push replaced'] : [];
    return found.concat(wrapped);
  } });
})();`;
}

// ---------------------------------------------------------------------------
// Pages outside the catalogue
// ---------------------------------------------------------------------------

export interface OutsidePage {
  what: string;
  url: string;
}

export interface OutsideSite {
  server: Server;
  port: number;
  pages: OutsidePage[];
  close(): Promise<void>;
}

const page = (title: string, head: string, body: string) =>
  `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;

const fakeConfirmation = (orderId: string) =>
  page(
    'Vielen Dank für Ihre Bestellung',
    `<script type="application/ld+json">{"@context":"https://schema.org","@type":"Order","orderNumber":"${orderId}","priceCurrency":"EUR","price":"89.90","acceptedOffer":{"@type":"Offer","price":"89.90","priceCurrency":"EUR"}}</script>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({event:'purchase',ecommerce:{transaction_id:'${orderId}',value:89.90,currency:'EUR'}});</script>`,
    `<h1>Vielen Dank für Ihre Bestellung!</h1><p>Ihre Bestellnummer: <strong>${orderId}</strong></p><table><tr><td>Gesamtsumme</td><td>89,90 €</td></tr></table>`,
  );

/**
 * A web server for any host name on one port, standing in for the rest of
 * the web: pages that carry tracking ids and the member's email in the
 * address and the text, a look-alike of a partner's host serving a copy of
 * the partner's real confirmation page, and an order confirmation on a shop
 * that is no partner.
 */
export async function startOutsideSite(email: string, partnerConfirmationHtml: () => string): Promise<OutsideSite> {
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').split(':')[0] ?? '';
    let html: string;
    if (host.startsWith('schuhhaus.localhost.')) html = partnerConfirmationHtml();
    else if (host.startsWith('elsewhere-shop.')) html = fakeConfirmation('EL-4711');
    else html = page('Hallo', '', `<h1>Willkommen</h1><p>Angemeldet als ${email}. Ihre Bestellung bei Schuhhaus ist unterwegs.</p>`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const mail = encodeURIComponent(email);
  const tracking = `utm_source=newsletter&utm_medium=email&utm_campaign=winter&gclid=Cj0KCQtest&fbclid=IwAR0test&mc_eid=4f2a9b`;
  return {
    server,
    port,
    pages: [
      { what: 'a news article with tracking ids', url: `http://news.localhost:${port}/artikel/42?${tracking}` },
      { what: 'a search for the member’s email', url: `http://search.localhost:${port}/suche?q=${mail}&${tracking}` },
      { what: 'a webmail inbox naming the member', url: `http://mail.localhost:${port}/inbox/${mail}?folder=bestellungen` },
      { what: 'a newsletter landing page with the member’s email', url: `http://newsletter.localhost:${port}/angebot?email=${mail}&${tracking}` },
      { what: 'a forum thread', url: `http://forum.localhost:${port}/thread/schuhhaus-erfahrungen?ref=${mail}` },
      { what: 'a look-alike of the partner’s host showing its confirmation page', url: `http://schuhhaus.localhost.evil.localhost:${port}/checkout/finish?orderId=0123456789abcdef` },
      { what: 'an order confirmation of a shop that is no partner', url: `http://elsewhere-shop.localhost:${port}/checkout/onepage/success?order=EL-4711&${tracking}` },
    ],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------------------
// Summing up the recorded requests
// ---------------------------------------------------------------------------

/**
 * Hosts of the browser vendor's own services (update checks, sign-in,
 * safe browsing, remote settings). The control run without the extension
 * shows which of them the browser contacts by itself; this list only covers
 * those whose timing makes them miss the short control run. The proxy
 * refuses them all, so nothing leaves the machine either way.
 */
const VENDOR_HOST = /(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com|mozilla\.com|mozilla\.net|mozilla\.org|firefox\.com|mozaws\.net)(:\d+)?$/;

/** Splits requests into the browser's own (hosts of the control run, or the vendor's services) and all others. */
export function browserOwn(controlHosts: ReadonlySet<string>): (request: RecordedRequest) => boolean {
  return (request) => controlHosts.has(request.host) || VENDOR_HOST.test(request.host);
}

/** One request as the tests compare them: `METHOD path {body fields}`. */
export function line(request: RecordedRequest): string {
  return `${request.method} ${request.path}${request.bodyFields.length > 0 ? ` {${request.bodyFields.join(',')}}` : ''}`;
}

/**
 * The requests to the API as the member's journey needs them: each non-preflight
 * request as a line, sorted; CORS preflights (Chromium) only checked to be
 * for one of those paths, as the browser caches them per URL.
 */
export function apiCalls(requests: RecordedRequest[], host: string): { calls: string[]; strayPreflights: string[] } {
  const toApi = requests.filter((r) => r.host === host);
  const calls = toApi.filter((r) => r.method !== 'OPTIONS').map(line).sort();
  const paths = new Set(toApi.filter((r) => r.method !== 'OPTIONS').map((r) => r.path));
  return { calls, strayPreflights: toApi.filter((r) => r.method === 'OPTIONS' && !paths.has(r.path)).map(line) };
}

/** The lines of the requests to `host`, in the order they were made. */
export function linesTo(requests: RecordedRequest[], host: string): string[] {
  return requests.filter((r) => r.host === host).map(line);
}

/** The requests of a phase as `host: METHOD path` lines, for failure messages and the figures. */
export function describeAll(requests: RecordedRequest[]): string {
  return requests.map((r) => `${r.phase}: ${r.host} ${line(r)}${r.origin ? ` (Origin ${r.origin})` : ''}`).join('\n') || '(none)';
}

/** The API routes only the extension calls in these tests (the test itself calls `/health`, login and sync from Node). */
const EXTENSION_ONLY = ['GET /v1/partners', 'GET /v1/offers', 'POST /v1/auth/register', 'POST /v1/purchases', 'OPTIONS'];

/**
 * The proxy's record and the API's own log, counted alike: requests per
 * route the extension alone calls, and CORS preflights. The two witnesses
 * must agree.
 */
export function countsByWitness(apiLog: Array<Record<string, unknown>>, requests: RecordedRequest[], apiHost: string): { proxy: Record<string, number>; apiLog: Record<string, number> } {
  const count = (keys: string[]) => Object.fromEntries(EXTENSION_ONLY.map((k) => [k, keys.filter((key) => key === k).length]));
  const logKeys = apiLog
    .filter((l) => typeof l.route === 'string')
    .map((l) => (l.method === 'OPTIONS' ? 'OPTIONS' : `${String(l.method)} ${String(l.route)}`));
  const proxyKeys = requests.filter((r) => r.host === apiHost).map((r) => (r.method === 'OPTIONS' ? 'OPTIONS' : `${r.method} ${r.path}`));
  return { proxy: count(proxyKeys), apiLog: count(logKeys) };
}
