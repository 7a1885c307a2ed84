import { afterEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../../lib/contract/index.ts';
import { detect, detectWithReason, explainNoDetection, looksLikeNonConfirmation } from '../../../lib/detect/index.ts';
import { detectGa4 } from '../../../lib/detect/ga4.ts';
import { detectPartnerRule } from '../../../lib/detect/partner-rule.ts';
import { detectWooCommerce } from '../../../lib/detect/woocommerce.ts';
import { EXPECTATIONS, loadFixture, loadHtml, type LoadedPage } from './load-page.ts';

const opened: LoadedPage[] = [];
function open(file: string, url?: string): LoadedPage {
  const page = loadFixture(file, url);
  opened.push(page);
  return page;
}
function openHtml(html: string, url: string): LoadedPage {
  const page = loadHtml(html, url);
  opened.push(page);
  return page;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()));
});

const entries = Object.entries(EXPECTATIONS);
const positives = entries.filter(([, page]) => page.expected !== null);
const negatives = entries.filter(([, page]) => page.expected === null);

function partner(overrides: Partial<Partner> = {}): Partner {
  return {
    id: 'outdoor-stuebchen',
    name: 'Outdoor-Stübchen',
    domains: ['outdoor-stuebchen.de'],
    category: 'sport',
    earn: { points: 1, per: 2 },
    currency: 'EUR',
    holdDays: 30,
    autoConfirm: true,
    ...overrides,
  };
}

describe('the fixture set', () => {
  it('has at least three confirmations per platform and every negative kind', () => {
    for (const platform of ['shopify', 'woocommerce', 'shopware', 'magento', 'prestashop']) {
      expect(positives.filter(([file, page]) => file.startsWith(platform) && !page.large).length).toBeGreaterThanOrEqual(3);
    }
    const kinds = new Set(negatives.map(([, page]) => page.kind));
    for (const kind of ['cart', 'checkout-step', 'product', 'order-history']) expect(kinds).toContain(kind);
  });
});

describe('.happy: each confirmation page gives its order number, grand total and currency', () => {
  it.each(positives)('%s', (file, page) => {
    const { doc, url } = open(file);
    expect(detect(doc, url)).toEqual(page.expected);
  });
});

describe('.error: pages that are not a new purchase give nothing', () => {
  it.each(negatives)('%s', (file) => {
    const { doc, url } = open(file);
    expect(detect(doc, url)).toBeNull();
    expect(explainNoDetection(doc, url)).toMatch(/\S/);
  });

  // The other negatives are recognised by their content: a failed payment, a missing total, several orders in JSON-LD.
  it.each(negatives.filter(([, page]) => ['cart', 'checkout-step', 'product', 'order-history'].includes(page.kind ?? '')))(
    '%s is flagged by the guard at its own URL',
    (file) => {
      const { doc, url } = open(file);
      expect(looksLikeNonConfirmation(url, doc)).toBe(true);
    },
  );

  it.each(negatives)('%s gives nothing even at a neutral URL', (file) => {
    const { doc } = open(file, 'https://shop.example/page');
    expect(detect(doc, new URL('https://shop.example/page'))).toBeNull();
  });

  it.each(positives.filter(([, page]) => !page.large))('%s is not mistaken for a non-confirmation', (file) => {
    const { doc, url } = open(file);
    expect(looksLikeNonConfirmation(url, doc)).toBe(false);
  });

  it('gives a reason that names the kind of page', () => {
    const { doc, url } = open('shopware-de-confirm.html');
    expect(detectWithReason(doc, url)).toEqual({ reason: expect.stringContaining('not an order confirmation') });
  });
});

describe('platforms before GA4', () => {
  it('takes the grand total the page shows over a GA4 value without shipping', () => {
    const { doc, url } = open('shopify-de-order-status-3.html');
    expect(detectGa4(doc, url)?.amountMinor).toBe(121955);
    expect(detect(doc, url)).toMatchObject({ amountMinor: 123450, method: 'shopify' });
  });

  it('lets GA4 supply the order when Magento shows no total', () => {
    const { doc, url } = open('magento-en-success-1.html');
    expect(detect(doc, url)).toEqual({ orderId: '000000123', amountMinor: 11400, currency: 'USD', method: 'ga4' });
  });

  it('falls back to the order id in the WooCommerce URL when the overview does not show it', () => {
    const html = `<!DOCTYPE html><html><body class="woocommerce-checkout woocommerce-order-received">
      <ul class="woocommerce-order-overview"><li class="woocommerce-order-overview__total total">Total: <strong><span class="woocommerce-Price-amount amount">€12.00</span></strong></li></ul></body></html>`;
    const { doc } = openHtml(html, 'https://shop.example/checkout/order-received/555/?key=wc_order_x');
    expect(detectWooCommerce(doc, new URL('https://shop.example/checkout/order-received/555/?key=wc_order_x'))).toEqual({
      orderId: '555', amountMinor: 1200, currency: 'EUR', method: 'woocommerce',
    });
  });
});

describe('partner rules from the catalogue', () => {
  const rules = {
    pathPattern: '^/checkout/finish$',
    orderIdSelector: '.finish-ordernumber',
    orderIdPattern: 'Bestellnummer:\\s*(\\d+)',
    amountSelector: 'dd.checkout-aside-summary-total',
  };

  it('come first and name themselves', () => {
    const { doc, url } = open('shopware-de-finish-1.html');
    expect(detect(doc, url, partner({ detection: rules }))).toEqual({ orderId: '10023', amountMinor: 12345, currency: 'EUR', method: 'partner-rule' });
  });

  it('use the partner’s currency when the page shows none', () => {
    const html = '<html><body><div id="nr">Auftrag A-77</div><div id="sum">Summe: 19,90</div></body></html>';
    const { doc } = openHtml(html, 'https://outdoor-stuebchen.de/danke');
    const rule = { pathPattern: '^/danke', orderIdSelector: '#nr', orderIdPattern: 'Auftrag (\\S+)', amountSelector: '#sum' };
    expect(detectPartnerRule(doc, new URL('https://outdoor-stuebchen.de/danke'), partner({ detection: rule }))).toEqual({
      orderId: 'A-77', amountMinor: 1990, currency: 'EUR', method: 'partner-rule',
    });
  });

  it('do not match on other paths, and the generic detectors still run', () => {
    const { doc, url } = open('shopware-de-finish-1.html');
    const elsewhere = { ...rules, pathPattern: '^/danke$' };
    expect(detectPartnerRule(doc, url, partner({ detection: elsewhere }))).toBeNull();
    expect(detect(doc, url, partner({ detection: elsewhere }))?.method).toBe('shopware');
  });

  it.each([
    ['a broken path pattern', { ...rules, pathPattern: '^/checkout/(finish' }],
    ['a broken order id pattern', { ...rules, orderIdPattern: '([' }],
    ['an invalid selector', { ...rules, orderIdSelector: 'div[[' }],
    ['a selector that finds nothing', { ...rules, amountSelector: '.no-such-thing' }],
  ])('with %s only fail to match', (_name, detection) => {
    const { doc, url } = open('shopware-de-finish-1.html');
    expect(detectPartnerRule(doc, url, partner({ detection }))).toBeNull();
    expect(detect(doc, url, partner({ detection }))?.method).toBe('shopware');
  });
});

describe('GA4 events handed over at run time', () => {
  const page = '<!DOCTYPE html><html><body><h1>Danke!</h1></body></html>';
  const url = 'https://teeladen.example/danke';
  const purchase = { transaction_id: 'R-1', value: 19.99, currency: 'eur' };

  it.each([
    ['a dataLayer push', { event: 'purchase', ecommerce: purchase }],
    ['gtag arguments', ['event', 'purchase', purchase]],
    ['gtag arguments after a structured clone', { 0: 'event', 1: 'purchase', 2: purchase }],
  ])('are read from %s', (_form, event) => {
    const { doc } = openHtml(page, url);
    expect(detect(doc, new URL(url), undefined, { ga4Events: [{ event: 'page_view' }, event] })).toEqual({
      orderId: 'R-1', amountMinor: 1999, currency: 'EUR', method: 'ga4',
    });
  });

  it('other events and malformed purchases give nothing', () => {
    const { doc } = openHtml(page, url);
    const events: unknown[] = [
      { event: 'add_to_cart', ecommerce: purchase },
      { event: 'begin_checkout', ecommerce: purchase },
      { event: 'purchase', ecommerce: { transaction_id: 'R-2', value: 'lots', currency: 'EUR' } },
      { event: 'purchase', ecommerce: { transaction_id: { toString: 'x' }, value: 10, currency: 'EUR' } },
      { event: 'purchase', ecommerce: { transaction_id: 'R-3', value: -10, currency: 'EUR' } },
      { event: 'purchase' },
      'purchase',
      null,
    ];
    expect(detect(doc, new URL(url), undefined, { ga4Events: events })).toBeNull();
  });

  it('take the partner currency when the event names none', () => {
    const { doc } = openHtml(page, url);
    const event = { event: 'purchase', ecommerce: { transaction_id: 'R-4', value: '114.00' } };
    expect(detect(doc, new URL(url), partner(), { ga4Events: [event] })).toMatchObject({ amountMinor: 11400, currency: 'EUR' });
  });
});

describe('JSON-LD', () => {
  it('skips cancelled orders', () => {
    const html = `<html><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"Order","orderNumber":"9","orderStatus":"https://schema.org/OrderCancelled","price":"10.00","priceCurrency":"EUR"}</script></head><body></body></html>`;
    const { doc } = openHtml(html, 'https://shop.example/danke');
    expect(detect(doc, new URL('https://shop.example/danke'))).toBeNull();
  });

  it('accepts a MonetaryAmount total and a type given as a list', () => {
    const html = `<html><head><script type="application/ld+json">{"@type":["Order"],"orderNumber":"X-9","totalPaymentDue":{"@type":"MonetaryAmount","value":49.9,"currency":"CHF"}}</script></head><body></body></html>`;
    const { doc } = openHtml(html, 'https://shop.example/danke');
    expect(detect(doc, new URL('https://shop.example/danke'))).toEqual({ orderId: 'X-9', amountMinor: 4990, currency: 'CHF', method: 'json-ld' });
  });
});
