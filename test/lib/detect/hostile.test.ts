import { afterEach, describe, expect, it } from 'vitest';
import { cleanOrderId } from '../../../lib/detect/common.ts';
import { detect } from '../../../lib/detect/index.ts';
import { parseJsLiteral } from '../../../lib/detect/js-literal.ts';
import { parseMoney } from '../../../lib/detect/money.ts';
import { loadHtml, type LoadedPage } from './load-page.ts';

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
