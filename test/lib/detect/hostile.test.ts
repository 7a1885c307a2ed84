import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanOrderId } from '../../../lib/detect/common.ts';
import { detect } from '../../../lib/detect/index.ts';
import { parseJsLiteral } from '../../../lib/detect/js-literal.ts';
import { parseMoney } from '../../../lib/detect/money.ts';
import type { Partner } from '../../../lib/contract/index.ts';
import { partnerFor } from '../../../scripts/detect-accuracy.ts';
import { parsePage } from '../../../scripts/lib/parse-html.ts';
import { readCorpusPage } from '../../fixtures/pages/corpus.ts';
import { CORPUS, loadHtml, type LoadedPage } from './load-page.ts';

const SAFE_ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const opened: LoadedPage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()));
});

function detectOn(html: string, url = 'https://shop.example/danke') {
  const page = loadHtml(html, url);
  opened.push(page);
  const candidate = detect(page.doc, page.url);
  if (candidate !== null) expect(candidate.orderId).toMatch(SAFE_ORDER_ID);
  return candidate;
}

const jsonLd = (json: string) => `<!DOCTYPE html><html><head><script type="application/ld+json">${json}</script></head><body></body></html>`;
const inline = (script: string) => `<!DOCTYPE html><html><head><script>${script}</script></head><body></body></html>`;
const woo = (orderIdHtml: string, totalHtml = '49,90&nbsp;€') => `<!DOCTYPE html><html><body class="woocommerce-checkout woocommerce-order-received">
  <ul class="woocommerce-order-overview"><li class="woocommerce-order-overview__order order">Bestellnummer: <strong>${orderIdHtml}</strong></li>
  <li class="woocommerce-order-overview__total total">Gesamt: <strong><span class="woocommerce-Price-amount amount">${totalHtml}</span></strong></li></ul></body></html>`;
const WOO_URL = 'https://shop.example/kasse/bestellung-erhalten/1/';

describe('.security: order ids are plain tokens or nothing', () => {
  it.each([
    ['markup', '&lt;img src=x onerror=alert(1)&gt;'],
    ['quotes', '12"3'],
    ['a control character', '12\u0007 3'],
    ['spaces inside', '12 34'],
    ['65 characters', 'A'.repeat(65)],
  ])('refuses an order id with %s', (_name, orderIdHtml) => {
    expect(detectOn(woo(orderIdHtml), WOO_URL)).toBeNull();
  });

  it('keeps a normal id and drops the leading #', () => {
    expect(detectOn(woo('#4711'), WOO_URL)).toMatchObject({ orderId: '4711' });
    expect(cleanOrderId('  Nr. 2024/0815-A ')).toBe('2024/0815-A');
  });

  it('refuses ids with NUL, bidi overrides and line breaks', () => {
    for (const raw of ['12\u00003', '\u202e123', '12\n34', '<script>', "1'1", '']) expect(cleanOrderId(raw)).toBeNull();
    expect(cleanOrderId({ toString: () => '123' })).toBeNull();
    expect(cleanOrderId(-5)).toBeNull();
  });

  it('refuses a GA4 transaction id that carries markup', () => {
    expect(detectOn(inline(`dataLayer.push({event:'purchase', ecommerce:{transaction_id:'<b>1</b>', value: 10, currency:'EUR'}});`))).toBeNull();
  });
});

describe('.security: absurd amounts are refused, not rounded', () => {
  const forty = '1'.repeat(40);
  it('in a shop page', () => {
    expect(detectOn(woo('4711', `${forty},00&nbsp;€`), WOO_URL)).toBeNull();
    expect(detectOn(woo('4711', '1.000.000,01&nbsp;€'), WOO_URL)).toBeNull();
  });
  it('in GA4', () => {
    expect(detectOn(inline(`dataLayer.push({event:'purchase', ecommerce:{transaction_id:'A1', value: ${forty}, currency:'EUR'}});`))).toBeNull();
    expect(detectOn(inline(`gtag('event','purchase',{transaction_id:'A1', value: 1e308, currency:'EUR'});`))).toBeNull();
  });
  it('in JSON-LD', () => {
    expect(detectOn(jsonLd(`{"@type":"Order","orderNumber":"A1","price":${forty},"priceCurrency":"EUR"}`))).toBeNull();
    expect(detectOn(jsonLd(`{"@type":"Order","orderNumber":"A1","price":"-5.00","priceCurrency":"EUR"}`))).toBeNull();
  });
  it('by the money parser', () => {
    expect(parseMoney(`${forty} €`)).toBeNull();
    expect(parseMoney(`€ ${'9'.repeat(5000)}`)).toBeNull();
  });
});

describe('.security: prototype keys change nothing', () => {
  it('in JSON-LD', () => {
    const candidate = detectOn(jsonLd(`{"@type":"Order","__proto__":{"orderNumber":"EVIL","polluted":true},"constructor":{"prototype":{"polluted":true}},"orderNumber":"A-1","price":"10.00","priceCurrency":"EUR"}`));
    expect(candidate).toMatchObject({ orderId: 'A-1', amountMinor: 1000 });
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('in an Order whose only order number sits behind __proto__', () => {
    expect(detectOn(jsonLd(`{"@type":"Order","__proto__":{"orderNumber":"EVIL"},"price":"10.00","priceCurrency":"EUR"}`))).toBeNull();
  });

  it('in tracking code', () => {
    const parsed = parseJsLiteral(`{__proto__: {polluted: true}, 'constructor': {prototype: {polluted: true}}, event: 'purchase'}`);
    expect(parsed).toEqual({ event: 'purchase' });
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('.security: hostile structure is survived, never thrown', () => {
  it('JSON-LD nested ten thousand levels deep', () => {
    expect(detectOn(jsonLd(`${'['.repeat(10_000)}{"@type":"Order","orderNumber":"1","price":"1.00","priceCurrency":"EUR"}${']'.repeat(10_000)}`))).toBeNull();
  });

  it('JSON-LD above 200 KB is not read at all', () => {
    const padding = `"${'x'.repeat(210 * 1024)}"`;
    expect(detectOn(jsonLd(`{"@type":"Order","orderNumber":"1","price":"1.00","priceCurrency":"EUR","note":${padding}}`))).toBeNull();
  });

  it('malformed JSON-LD next to a good one', () => {
    const html = `<html><head><script type="application/ld+json">{"@type":"Order",</script>
      <script type="application/ld+json">{"@type":"Order","orderNumber":"OK-1","price":"12.00","priceCurrency":"EUR"}</script></head><body></body></html>`;
    expect(detectOn(html)).toMatchObject({ orderId: 'OK-1' });
  });

  it('many Order nodes in one document', () => {
    const orders = Array.from({ length: 5000 }, (_, index) => `{"@type":"Order","orderNumber":"${index}","price":"1.00","priceCurrency":"EUR"}`);
    expect(detectOn(jsonLd(`[${orders.join(',')}]`))).toBeNull();
  });

  it('tracking calls that never close, nest deeply or hide code', () => {
    const scripts = [
      `dataLayer.push({event:'purchase', ecommerce:{transaction_id:'A1', value: 10, currency:'EUR'`,
      `dataLayer.push(${'{a:'.repeat(5000)}1${'}'.repeat(5000)})`,
      `gtag('event','purchase',{transaction_id: getId(), value: total(), currency: 'EUR'})`,
      `dataLayer.push({event:'purchase', ecommerce:{transaction_id:'A1', value: '10' + '0', currency:'EUR'}})`,
      `dataLayer.push({event:'purchase', ecommerce:{transaction_id:'unterminated, value: 10})`,
      `gtag(${'('.repeat(10_000)}`,
    ];
    for (const script of scripts) expect(detectOn(inline(script))).toBeNull();
  });

  it('a page of deeply nested elements', () => {
    const html = `<html><body class="woocommerce-order-received">${'<div>'.repeat(2000)}x${'</div>'.repeat(2000)}</body></html>`;
    expect(detectOn(html, WOO_URL)).toBeNull();
  });

  it('an order id node stuffed with kilobytes of text', () => {
    expect(detectOn(woo('9'.repeat(10_000)), WOO_URL)).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Seeded random hostile pages. Real pages from test/fixtures/pages, with
// hostile fragments spliced in at random places: what a page never bought
// must stay unbought, a confirmation must keep its own order or none, and no
// detect() call may hang.

/** mulberry32: the same seed gives the same pages. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FORTY_DIGITS = '1234567890123456789012345678901234567890';
/** Fragments a shop page may carry that are not a purchase, in hostile shapes. */
const HOSTILE_FRAGMENTS: readonly ((r: () => number) => string)[] = [
  () => `<script type="application/ld+json">{"@type":"Product","name":"<img src=x onerror=alert(1)>","offers":{"@type":"Offer","price":"${FORTY_DIGITS}","priceCurrency":"EUR"}}</script>`,
  () => `<script type="application/ld+json">{"__proto__":{"@type":"Order","orderNumber":"PROTO-1","price":"10.00","priceCurrency":"EUR"}}</script>`,
  () => `<script type="application/ld+json">{"@type":"Order","orderNumber":"NOPRICE-${FORTY_DIGITS}"</script>`,
  () => `<script type="application/ld+json">${'{"a":'.repeat(3000)}1${'}'.repeat(2999)}</script>`,
  () => `<script>dataLayer.push({event:'add_to_cart', ecommerce:{transaction_id:'CART-1', value: 10, currency:'EUR'}})</script>`,
  () => `<script>dataLayer.push({event:'begin_checkout', ecommerce:{value: ${FORTY_DIGITS}, currency:'EUR'}})</script>`,
  () => `<script>dataLayer.push({"__proto__":{event:'purchase', ecommerce:{transaction_id:'PROTO-2', value: 10, currency:'EUR'}}})</script>`,
  () => `<script>gtag('event','view_item',{items:[{price:${FORTY_DIGITS}}]})</script>`,
  () => `<div class="price">${FORTY_DIGITS},99&nbsp;€</div>`,
  () => `<span class="order-number">&lt;script&gt;alert(1)&lt;/script&gt;\u0000\u202e</span>`,
  (r) => `${'<div><span>'.repeat(200 + Math.floor(r() * 800))}€ ${Math.floor(r() * 1e9)}`,
  (r) => Array.from({ length: 20 }, () => String.fromCharCode(Math.floor(r() * 0xffff))).join(''),
  () => `<table><tr><td>Total<td>${FORTY_DIGITS} EUR</table></td></tr><p><b><i>unclosed`,
  () => `<!-- <script type="application/ld+json">{"@type":"Order","orderNumber":"COMMENT-1","price":"5.00","priceCurrency":"EUR"}</script> -->`,
];

function splice(html: string, r: () => number, count: number): string {
  let out = html;
  for (let i = 0; i < count; i++) {
    const fragment = HOSTILE_FRAGMENTS[Math.floor(r() * HOSTILE_FRAGMENTS.length)]!(r);
    // Only between tags, so the page's own elements stay what they were.
    const gaps = [...out.matchAll(/>\s*</g)].map((m) => m.index + 1);
    const at = gaps.length === 0 ? out.length : gaps[Math.floor(r() * gaps.length)]!;
    out = out.slice(0, at) + fragment + out.slice(at);
  }
  return out;
}

const SOAK_DETECT = process.env.SOAK === '1';
const MUTANTS_PER_PAGE = SOAK_DETECT ? 40 : 4;
/**
 * The budget per call is 50 ms. This is a hang guard, not a benchmark
 * (bench/ measures detection): CI machines are busy and happy-dom is far
 * slower than a browser's DOM, so the guard allows 1 s and the figures,
 * calls over 50 ms included, are printed.
 */
const HANG_GUARD_MS = 1_000;
const timings: number[] = [];

/** The seeded pages go through linkedom, as in the `detect` CLI; the small hand-made ones above through happy-dom. */
function timedDetect(html: string, url: string, partner?: Partner) {
  const doc = parsePage(html);
  const started = performance.now();
  const candidate = detect(doc, new URL(url), partner);
  timings.push(performance.now() - started);
  return candidate;
}

describe('.security: seeded hostile pages', () => {
  const pages = CORPUS.filter((page) => !page.large).map((page) => [page.file, page] as const);
  const notPurchases = pages.filter(([, e]) => e.expected === null);
  const purchases = pages.filter(([, e]) => e.expected !== null);

  it.each(notPurchases)('%s with hostile fragments spliced in still records nothing', (file, expectation) => {
    const original = readCorpusPage(expectation);
    const r = seeded(file.length * 7919);
    for (let i = 0; i < MUTANTS_PER_PAGE; i++) {
      expect(timedDetect(splice(original, r, 1 + Math.floor(r() * 6)), expectation.url)).toBeNull();
    }
  });

  it.each(purchases)('%s with hostile fragments spliced in yields its own order or nothing', (file, expectation) => {
    const original = readCorpusPage(expectation);
    const r = seeded(file.length * 104_729);
    for (let i = 0; i < MUTANTS_PER_PAGE; i++) {
      const candidate = timedDetect(splice(original, r, 1 + Math.floor(r() * 6)), expectation.url, partnerFor(expectation));
      // A fragment spliced into the shown number leaves the analytics id of the same order ("287" for "#000287").
      const sameOrder = (id: string | undefined) => id?.replace(/^0+(?=\d)/, '');
      if (candidate !== null) {
        expect({ ...candidate, orderId: sameOrder(candidate.orderId), method: undefined }).toEqual({ ...expectation.expected, orderId: sameOrder(expectation.expected?.orderId), method: undefined });
      }
    }
  });

  it('random tag soup: never throws, never a purchase', () => {
    const r = seeded(8);
    // No <html>, <body>, <template> or <svg> inside the soup: happy-dom's parser throws on some
    // such re-parenting (a limit of the test DOM; browsers parse any markup).
    const tags = ['div', 'span', 'p', 'table', 'td', 'script', 'strong', 'li', 'ul', 'iframe', 'b'];
    for (let i = 0; i < (SOAK_DETECT ? 2000 : 200); i++) {
      let html = '';
      for (let j = 0; j < 60; j++) {
        const roll = r();
        const tag = tags[Math.floor(r() * tags.length)]!;
        if (roll < 0.3) html += `<${tag} class="${['order', 'total', 'woocommerce-order-received', 'checkout-success', 'x'][Math.floor(r() * 5)]}">`;
        else if (roll < 0.5) html += `</${tag}>`;
        else if (roll < 0.8) html += ['Bestellnummer', 'Order #', 'Gesamt', 'Total', FORTY_DIGITS, '49,90 €', '<', '&', '"'][Math.floor(r() * 9)];
        else html += HOSTILE_FRAGMENTS[Math.floor(r() * HOSTILE_FRAGMENTS.length)]!(r);
      }
      const candidate = timedDetect(html, 'https://shop.example/cart');
      expect(candidate).toBeNull();
    }
  });

  it('a huge DOM: 30,000 elements on a page that is no confirmation', () => {
    const html = `<html><body>${'<div class="product"><span class="price">49,90 €</span><a href="/p">Item</a></div>'.repeat(10_000)}</body></html>`;
    const page = loadHtml(html, 'https://shop.example/category/shoes');
    opened.push(page);
    const started = performance.now();
    expect(detect(page.doc, page.url)).toBeNull();
    const ms = performance.now() - started;
    // happy-dom walks the whole tree for each attribute selector (Shopify's page markers take
    // nearly all of this); a browser's selector engine does not. The budget is checked in
    // Chromium by bench/; here it is only a guard against a hang.
    console.log(`[hostile-detect] huge DOM (30,000 elements, happy-dom): ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(15_000);
  });

  it(`no single detect() call took longer than the hang guard (${HANG_GUARD_MS} ms; budget 50 ms)`, () => {
    const sorted = [...timings].sort((a, b) => a - b);
    const max = sorted.at(-1) ?? 0;
    const over50 = sorted.filter((t) => t > 50).length;
    console.log(`[hostile-detect] calls=${sorted.length} p50=${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(2)}ms max=${max.toFixed(2)}ms over50ms=${over50}`);
    expect(sorted.length).toBeGreaterThan(100);
    expect(max).toBeLessThan(HANG_GUARD_MS);
  });
});
