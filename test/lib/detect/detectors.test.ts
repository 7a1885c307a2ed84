/**
 * The readers and the verdict on small pages written for one rule each
 * (the corpus tests hold them against whole pages). happy-dom here, linkedom
 * in the corpus tests: the detectors use nothing either lacks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Partner } from '../../../lib/contract/index.ts';
import { detect, detectWithReason, explainVerdict, judge } from '../../../lib/detect/index.ts';
import type { Verdict } from '../../../lib/detect/types.ts';
import { loadFixture, loadHtml, type LoadedPage } from './load-page.ts';

const opened: LoadedPage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()));
});

function verdictOf(html: string, url = 'https://shop.example/page', partner?: Partner, ctx?: Parameters<typeof judge>[3]): Verdict {
  const page = loadHtml(html, url);
  opened.push(page);
  return judge(page.doc, page.url, partner, ctx);
}

function page(body: string, { lang = 'de', head = '' } = {}): string {
  return `<!DOCTYPE html><html lang="${lang}"><head><title>Shop</title>${head}</head><body><header><a href="/cart">Warenkorb 0,00 €</a></header><main>${body}</main><footer>Impressum</footer></body></html>`;
}

function candidateOf(verdict: Verdict) {
  return verdict.kind === 'order' ? { orderId: verdict.candidate.orderId, amountMinor: verdict.candidate.amountMinor, currency: verdict.candidate.currency } : verdict.kind;
}

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

describe('.happy: the visible page in ten languages', () => {
  it.each([
    ['de', '<h1>Vielen Dank für Ihre Bestellung!</h1><p>Bestellnummer: <strong>4711-2024</strong></p><table><tr><td>Zwischensumme</td><td>100,00 €</td></tr><tr><td>Versand</td><td>4,90 €</td></tr><tr><th>Gesamtsumme</th><td>104,90 €</td></tr></table>', '4711-2024', 10490, 'EUR'],
    ['en', '<h1>Thank you for your order</h1><dl><dt>Order number</dt><dd>A-1001</dd><dt>Subtotal</dt><dd>£1,000.00</dd><dt>Total</dt><dd>£1,234.56</dd></dl>', 'A-1001', 123456, 'GBP'],
    ['fr', '<h1>Merci pour votre commande</h1><p>Numéro de commande : <b>FR-77</b></p><p>Total TTC : 1 234,56 €</p>', 'FR-77', 123456, 'EUR'],
    ['nl', '<h1>Bedankt voor je bestelling</h1><p>Bestelnummer: <strong>NL-5</strong></p><div><span>Totaal</span> <span>€ 1.068,75</span></div>', 'NL-5', 106875, 'EUR'],
    ['it', '<h1>Grazie per il tuo ordine</h1><p>Numero ordine: IT-2024-9</p><p>Totale: 1.462,80 €</p>', 'IT-2024-9', 146280, 'EUR'],
    ['es', '<h1>Gracias por tu pedido</h1><p>Número de pedido: ES-31</p><p>Total: 1.371,55 €</p>', 'ES-31', 137155, 'EUR'],
    ['pl', '<h1>Dziękujemy za złożenie zamówienia</h1><p>Numer zamówienia: PL/2024/11/0457</p><p>Razem: 1\u00a0858,99\u00a0zł</p>', 'PL/2024/11/0457', 185899, 'PLN'],
    ['sv', '<h1>Tack för din beställning</h1><p>Ordernummer: 58120</p><p>Summa: 3\u00a0930,00 kr</p>', '58120', 393000, 'SEK'],
    ['da', '<h1>Tak for din ordre</h1><p>Ordrenummer: 100587</p><p>I alt: 1.267,00 kr.</p>', '100587', 126700, 'DKK'],
    ['cs', '<h1>Děkujeme za objednávku</h1><p>Číslo objednávky: 2024001587</p><p>Celkem: 11\u00a0537 Kč</p>', '2024001587', 1153700, 'CZK'],
    ['de-CH', '<h1>Merci für Ihre Bestellung!</h1><p>Bestellnummer: VW-2024-0815</p><p>Total: CHF 1’234.50</p>', 'VW-2024-0815', 123450, 'CHF'],
    // Beyond the catalogue's markets: a shop nobody configured may write in any of these.
    ['ja', '<h1>ご注文ありがとうございました</h1><p>ご注文番号：JP-2318</p><dl><dt>小計</dt><dd>7,390円</dd><dt>送料</dt><dd>880円</dd><dt>お支払い合計</dt><dd>8,270円</dd></dl>', 'JP-2318', 8270, 'JPY'],
    ['zh-CN', '<h1>感谢您的订单</h1><p>订单号：CN20261205</p><p>小计 ¥180.00</p><p>实付款 ¥198.50</p>', 'CN20261205', 19850, 'CNY'],
    ['ru', '<h1>Спасибо за заказ!</h1><p>Номер заказа: RU-5521</p><p>Подытог: 4 500 ₽</p><p>Итого к оплате: 4 890 ₽</p>', 'RU-5521', 489000, 'RUB'],
    ['tr', '<h1>Siparişiniz alındı</h1><p>Sipariş numarası: TR-88412</p><p>Ara toplam: 1.200,00 TL</p><p>Genel toplam: 1.249,90 TL</p>', 'TR-88412', 124990, 'TRY'],
    ['ko', '<h1>주문해 주셔서 감사합니다</h1><p>주문번호: 20261205-0042</p><p>상품금액 45,000원</p><p>총 결제금액 48,000원</p>', '20261205-0042', 48000, 'KRW'],
  ])('%s', (lang, body, orderId, amountMinor, currency) => {
    expect(candidateOf(verdictOf(page(body, { lang })))).toEqual({ orderId, amountMinor, currency });
  });

  it('reads money split over inline elements, and keeps block elements apart', () => {
    const body = '<h1>Thank you for your order</h1><dl><dt>Order number</dt><dd>R487216593</dd><dt>Date</dt><dd>4 Dec</dd></dl><p>Order Total <span>$</span><span>65</span><span>.</span><span>27</span></p>';
    expect(candidateOf(verdictOf(page(body, { lang: 'en' })))).toEqual({ orderId: 'R487216593', amountMinor: 6527, currency: 'USD' });
  });

  it('takes the grand total, not a subtotal, a tax line or the shipping, even when they come after it', () => {
    const body = '<h2>Vielen Dank für Ihre Bestellung</h2><p>Bestellnummer: 10023</p><table><tr><td>Gesamtsumme (inkl. MwSt.)</td><td>119,00 €</td></tr><tr><td>Gesamtsumme netto</td><td>100,00 €</td></tr><tr><td>zzgl. 19 % MwSt.</td><td>19,00 €</td></tr></table>';
    expect(candidateOf(verdictOf(page(body)))).toEqual({ orderId: '10023', amountMinor: 11900, currency: 'EUR' });
  });

  it('reads a yen total without a minor unit and a dinar total with three', () => {
    const yen = '<h1>Thank you for your order</h1><p>Order number: JP-88</p><p>Total: ¥12,800</p>';
    expect(candidateOf(verdictOf(page(yen, { lang: 'en' })))).toEqual({ orderId: 'JP-88', amountMinor: 12800, currency: 'JPY' });
    const dinar = '<h1>Thank you for your order</h1><p>Order number: KW-9</p><p>Total: KWD 12.345</p>';
    expect(candidateOf(verdictOf(page(dinar, { lang: 'en' })))).toEqual({ orderId: 'KW-9', amountMinor: 12345, currency: 'KWD' });
  });
});

describe('.happy: tags that report the order', () => {
  const thanks = '<h1>Thank you for your order</h1>';
  it.each([
    ['GA4 through gtag', "gtag('event','purchase',{transaction_id:'R-1',value:19.99,currency:'EUR',tax:3.19,shipping:0})", 'ga4'],
    ['GA4 through GTM, value as a string', "dataLayer.push({ecommerce:null});dataLayer.push({event:'purchase',ecommerce:{transaction_id:'R-1',value:'19.99',currency:'EUR'}})", 'ga4'],
    ['GA4 nested under ecommerce.purchase', "dataLayer.push({event:'purchase',ecommerce:{currency:'EUR',purchase:{transaction_id:'R-1',value:19.99}}})", 'ga4'],
    ['Universal Analytics through GTM', "dataLayer.push({ecommerce:{currencyCode:'EUR',purchase:{actionField:{id:'R-1',revenue:'19.99'}}}})", 'universal-analytics'],
    ['analytics.js', "ga('ecommerce:addTransaction',{id:'R-1',revenue:'19.99',currency:'EUR'})", 'universal-analytics'],
    ['Google Ads with a transaction id', "gtag('event','conversion',{send_to:'AW-1/abc',value:19.99,currency:'EUR',transaction_id:'R-1'})", 'google-ads'],
    ['Matomo', "_paq.push(['trackEcommerceOrder','R-1',19.99,16.80,3.19,0,false])", 'matomo'],
    ['Pinterest', "pintrk('track','checkout',{value:19.99,order_id:'R-1',currency:'EUR'})", 'pinterest'],
    ['Snap', "snaptr('track','PURCHASE',{price:19.99,currency:'EUR',transaction_id:'R-1'})", 'snap'],
    ['a shop’s own push function', "shopLayer.pushData('purchase',{transaction_id:'R-1',value:19.99,currency:'EUR'})", 'ga4'],
    ['Heureka, field by field', "heureka('set_order_id','R-1');heureka('add_product','A1','Kettle',19.99,1);heureka('set_total_vat',19.99);heureka('set_currency','EUR');heureka('send','Order')", 'heureka'],
  ])('%s', (_name, script, method) => {
    const verdict = verdictOf(page(thanks, { lang: 'en', head: `<script>${script}</script>` }));
    expect(verdict.kind === 'order' && verdict.candidate).toEqual({ orderId: 'R-1', amountMinor: 1999, currency: 'EUR', method });
  });

  it('does not take a Heureka order that was never sent', () => {
    const head = "<script>heureka('set_order_id','R-1');heureka('set_total_vat',19.99);heureka('set_currency','EUR')</script>";
    expect(verdictOf(page('<h1>Ihr Warenkorb</h1>', { lang: 'de', head })).kind).toBe('none');
  });

  it('reads a purchase a consent manager has parked until the visitor agrees', () => {
    const head = `<script type="text/plain" data-cookieconsent="statistics">gtag('event','purchase',{transaction_id:'R-2',value:49.9,currency:'EUR'})</script>`;
    expect(candidateOf(verdictOf(page(thanks, { lang: 'en', head })))).toEqual({ orderId: 'R-2', amountMinor: 4990, currency: 'EUR' });
  });

  it('reads Magento’s analytics JSON, whose values carry thousands separators', () => {
    const head = `<script type="text/x-magento-init">{"*":{"Magento_GoogleGtag/js/google-analytics":{"ordersTrackingData":{"orders":[{"transaction_id":"000000123","value":"1,136.05","currency":"USD"}]}}}}</script>`;
    const body = '<div class="checkout-success"><p>Your order # is: <span>000000123</span>.</p></div>';
    expect(candidateOf(verdictOf(page(body, { lang: 'en', head }), 'https://shop.example/checkout/onepage/success/'))).toEqual({ orderId: '000000123', amountMinor: 113605, currency: 'USD' });
  });

  it('prefers the total the page shows over a tag’s value without tax and shipping', () => {
    const head = "<script>gtag('event','purchase',{transaction_id:'R-3',value:84.03,tax:15.97,shipping:4.9,currency:'EUR'})</script>";
    const body = '<h1>Vielen Dank für Ihre Bestellung</h1><p>Gesamtsumme: 104,90 €</p>';
    expect(candidateOf(verdictOf(page(body, { head })))).toEqual({ orderId: 'R-3', amountMinor: 10490, currency: 'EUR' });
  });

  it('takes the number the page shows over an analytics id that is internal', () => {
    const head = "<script>gtag('event','purchase',{transaction_id:'3318',value:72.6,currency:'EUR'})</script>";
    const body = '<h1>Votre commande est confirmée</h1><p>Référence de commande : HJDKWPQAE</p>';
    expect(candidateOf(verdictOf(page(body, { lang: 'fr', head })))).toEqual({ orderId: 'HJDKWPQAE', amountMinor: 7260, currency: 'EUR' });
  });

  it('reads the events handed over from the page at run time (dataLayer, gtag arguments, their structured clone)', () => {
    const purchase = { transaction_id: 'R-4', value: 19.99, currency: 'eur' };
    for (const event of [{ event: 'purchase', ecommerce: purchase }, ['event', 'purchase', purchase], { 0: 'event', 1: 'purchase', 2: purchase }]) {
      const verdict = verdictOf(page('<p>Danke!</p>'), 'https://shop.example/danke', undefined, { pageData: { dataLayer: [{ event: 'page_view' }, event] } });
      expect(candidateOf(verdict)).toEqual({ orderId: 'R-4', amountMinor: 1999, currency: 'EUR' });
    }
  });

  it('takes the partner’s currency when a tag names none', () => {
    const verdict = verdictOf(page('<p>Danke!</p>'), 'https://shop.example/danke', partner({ currency: 'CHF' }), { pageData: { dataLayer: [{ event: 'purchase', ecommerce: { transaction_id: 'R-5', value: '114.00' } }] } });
    expect(candidateOf(verdict)).toEqual({ orderId: 'R-5', amountMinor: 11400, currency: 'CHF' });
  });
});

describe('.error: what must not count', () => {
  const totals = '<table><tr><td>Zwischensumme</td><td>100,00 €</td></tr><tr><th>Gesamtsumme</th><td>104,90 €</td></tr></table>';

  it.each([
    ['Zahlungspflichtig bestellen', 'de'],
    ['Place order', 'en'],
    ['Commander avec obligation de paiement', 'fr'],
    ['Bestelling plaatsen', 'nl'],
    ['Zamawiam z obowiązkiem zapłaty', 'pl'],
  ])('the final review step (%s) is never a confirmation, even with a purchase event and a thank-you', (button, lang) => {
    const head = "<script>gtag('event','purchase',{transaction_id:'R-9',value:104.9,currency:'EUR'})</script>";
    const body = `<h1>Vielen Dank für Ihre Bestellung</h1>${totals}<form action="/checkout/order" method="post"><input type="checkbox" name="tos"><button type="submit" id="confirmFormSubmit">${button}</button></form>`;
    const verdict = verdictOf(page(body, { lang, head }), 'https://shop.example/checkout/finish');
    expect(verdict.kind).toBe('none');
    expect(verdict.kind === 'none' && verdict.reason).toContain(button);
  });

  it('a buy button in a product box on the confirmation does not make it a review step', () => {
    const body = `<h1>Vielen Dank für Ihre Bestellung</h1><p>Bestellnummer: 10023</p>${totals}<div class="cross-selling"><form action="/checkout/line-item/add" method="post"><button type="submit">Jetzt kaufen</button></form></div>`;
    expect(candidateOf(verdictOf(page(body)))).toEqual({ orderId: '10023', amountMinor: 10490, currency: 'EUR' });
  });

  it.each([
    ['a failed payment', '<h1>Zahlung fehlgeschlagen</h1><p>Bestellnummer: 10023</p>'],
    ['a cancelled order', '<div role="alert">Your order has been cancelled.</div><p>Order number: 10023</p>'],
    ['a newsletter sign-up', '<h1>Vielen Dank für Ihre Anmeldung!</h1><p>Bitte bestätigen Sie Ihre E-Mail-Adresse.</p>'],
    ['a product page with prices', '<h1>Wanderschuh Alpin</h1><p>129,90 €</p><form action="/cart/add"><input name="quantity" value="1"><button>In den Warenkorb</button></form>'],
    ['an order history', '<h1>Meine Bestellungen</h1><table><thead><tr><th>Bestellnummer</th><th>Datum</th><th>Gesamt</th></tr></thead><tr><td>10023</td><td>1.5.</td><td>104,90 €</td></tr><tr><td>10011</td><td>3.4.</td><td>19,90 €</td></tr></table>'],
    ['a return registered', '<h1>Ihre Retoure wurde angemeldet</h1><p>Bestellnummer: 10023</p><p>Erstattungsbetrag: 49,90 €</p>'],
    [
      "a past order's page that quotes the order mail, with \"order again\"",
      '<h2>Order details</h2><p>Order number: 10023</p><div class="mail"><p>Thank you for your order!</p></div><p>Order total: 104,90 €</p><a href="/cart/reorder/10023">Order again</a>',
    ],
    [
      "a past order's page under the history heading, in Japanese",
      '<h1>マイページ/ご注文履歴詳細</h1><p>ご注文番号：961</p><p>この度はご注文いただき誠にありがとうございます。</p><p>お支払い合計：￥10,600</p>',
    ],
    ['a payment that failed after the order was taken', '<p>Wir haben Ihre Bestellung erhalten, aber wir konnten Ihre Zahlung nicht bearbeiten.</p><p>Bestellnummer: 10023</p><p>Gesamtsumme 104,90 €</p>'],
  ])('%s', (_name, body) => {
    const verdict = verdictOf(page(body), 'https://shop.example/checkout/thank-you');
    expect(verdict.kind).toBe('none');
  });

  it('a purchase event with a markup-laden id gives no order id', () => {
    const head = "<script>dataLayer.push({event:'purchase',ecommerce:{transaction_id:'<b>1</b>',value:10,currency:'EUR'}})</script>";
    expect(detect(...(() => { const p = loadHtml(page('<h1>Danke!</h1>', { head }), 'https://shop.example/danke'); opened.push(p); return [p.doc, p.url] as const; })())).toBeNull();
  });

  it('a refund event is not a purchase', () => {
    const head = "<script>gtag('event','refund',{transaction_id:'R-1',value:19.99,currency:'EUR'})</script>";
    expect(verdictOf(page('<h1>Ihr Konto</h1>', { head })).kind).toBe('none');
  });
});

describe('.happy: the member is asked when the page confirms an order but its values are not clear', () => {
  it('several different order numbers', () => {
    const body = '<h1>Thank you for your order</h1><p>Order number: A-1</p><p>Order number: B-2</p><p>Total: €10.00</p>';
    const verdict = verdictOf(page(body, { lang: 'en' }));
    expect(verdict).toMatchObject({ kind: 'ambiguous', reason: 'ambiguous_order_id', choices: { orderIds: ['A-1', 'B-2'], totals: [{ amountMinor: 1000, currency: 'EUR' }] } });
  });

  it('no total anywhere', () => {
    const verdict = verdictOf(page('<h1>Thank you for your order</h1><p>Your order number is 1043.</p>', { lang: 'en' }));
    expect(verdict).toMatchObject({ kind: 'ambiguous', reason: 'no_total', choices: { orderIds: ['1043'], totals: [] } });
  });

  it('never on a page with no positive evidence', () => {
    expect(verdictOf(page('<p>Order number: A-1</p><p>Total: €10.00</p>', { lang: 'en' })).kind).toBe('none');
  });
});

describe('partner rules from the catalogue', () => {
  const rules = {
    pathPattern: '^/checkout/finish$',
    orderIdSelector: '.finish-ordernumber',
    orderIdPattern: 'Bestellnummer:\\s*(\\d+)',
    amountSelector: 'dd.checkout-aside-summary-total',
  };

  it('settle the values on the partner’s confirmation path and name themselves', () => {
    const page = loadFixture('shopware6/shopware-de-finish-1.html');
    opened.push(page);
    expect(detect(page.doc, page.url, partner({ detection: rules }))).toEqual({ orderId: '10023', amountMinor: 12345, currency: 'EUR', method: 'partner-rule' });
  });

  it('fix a shop whose template nothing else reads, with the partner’s currency', () => {
    const html = '<html><body><div id="nr">Auftrag A-77</div><div id="sum">Summe: 19,90</div></body></html>';
    const verdict = verdictOf(html, 'https://outdoor-stuebchen.de/danke', partner({ detection: { pathPattern: '^/danke', orderIdSelector: '#nr', orderIdPattern: 'Auftrag (\\S+)', amountSelector: '#sum' } }));
    expect(verdict.kind === 'order' && verdict.candidate).toEqual({ orderId: 'A-77', amountMinor: 1990, currency: 'EUR', method: 'partner-rule' });
  });

  it.each([
    ['another path', { ...rules, pathPattern: '^/danke$' }],
    ['a broken path pattern', { ...rules, pathPattern: '^/checkout/(finish' }],
    ['a broken order id pattern', { ...rules, orderIdPattern: '([' }],
    ['an invalid selector', { ...rules, orderIdSelector: 'div[[' }],
    ['a selector that finds nothing', { ...rules, amountSelector: '.no-such-thing', orderIdSelector: '.nothing' }],
  ])('with %s leave the page to the other readers', (_name, detection) => {
    const page = loadFixture('shopware6/shopware-de-finish-1.html');
    opened.push(page);
    expect(detect(page.doc, page.url, partner({ detection }))).toMatchObject({ orderId: '10023', amountMinor: 12345, method: 'shopware6' });
  });
});

describe('JSON-LD', () => {
  const ld = (json: string) => page('<p>Danke</p>', { head: `<script type="application/ld+json">${json}</script>` });
  it('skips cancelled orders and past orders', () => {
    for (const status of ['OrderCancelled', 'OrderDelivered', 'OrderInTransit']) {
      expect(verdictOf(ld(`{"@context":"https://schema.org","@type":"Order","orderNumber":"9","orderStatus":"https://schema.org/${status}","price":"10.00","priceCurrency":"EUR"}`)).kind).toBe('none');
    }
  });

  it('accepts a MonetaryAmount total and a type given as a list', () => {
    expect(candidateOf(verdictOf(ld('{"@type":["Order"],"orderNumber":"X-9","totalPaymentDue":{"@type":"MonetaryAmount","value":49.9,"currency":"CHF"}}')))).toEqual({ orderId: 'X-9', amountMinor: 4990, currency: 'CHF' });
  });

  it('treats several different orders as a list of orders', () => {
    const verdict = verdictOf(ld('[{"@type":"Order","orderNumber":"1","price":"1.00","priceCurrency":"EUR"},{"@type":"Order","orderNumber":"2","price":"2.00","priceCurrency":"EUR"}]'));
    expect(verdict.kind).toBe('none');
  });
});

describe('explanations', () => {
  it('say which evidence was weighed and why the verdict', () => {
    const page = loadFixture('shopware6/shopware-de-confirm.html');
    opened.push(page);
    const lines = explainVerdict(judge(page.doc, page.url, undefined, undefined, { thorough: true }));
    expect(lines.join('\n')).toMatch(/place-order-button/);
    expect(lines.at(-1)).toMatch(/^verdict: not an order confirmation/);
    expect(detectWithReason(page.doc, page.url)).toEqual({ reason: expect.stringContaining('not an order confirmation') });
  });
});
