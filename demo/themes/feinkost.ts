/**
 * A single-page checkout whose thank-you view is drawn by client-side script:
 * the HTML the server sends holds only a "please wait" note and the order as
 * script data; about 1.5 s after load the script injects schema.org `Order`
 * JSON-LD and the visible order number and total. A detector that reads the
 * page once at load finds nothing here; it has to watch for the late markup.
 */
import { esc, scriptJson } from '../html.ts';
import { decimal } from '../money.ts';
import { money, plainSummary } from '../pages.ts';
import type { DemoOrder } from '../orders.ts';
import type { ShopContext, Theme } from '../theme.ts';

export const LATE_RENDER_MS = 1500;

function lateScript(ctx: ShopContext, order: DemoOrder): string {
  const data = {
    number: order.orderNumber,
    date: order.placedAt,
    total: decimal(order.totalMinor),
    totalText: money(ctx, order.totalMinor),
    currency: order.currency,
    shop: ctx.shop.name,
    lines: order.lines.map((l) => ({ name: l.product.name, quantity: l.quantity, price: decimal(l.product.priceMinor), lineText: money(ctx, l.lineTotalMinor) })),
  };
  return `<script>
(function () {
  var order = ${scriptJson(data)};
  function render() {
    var ld = document.createElement('script');
    ld.type = 'application/ld+json';
    ld.textContent = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'Order',
      orderNumber: order.number,
      orderDate: order.date,
      orderStatus: 'https://schema.org/OrderProcessing',
      merchant: { '@type': 'Organization', name: order.shop },
      price: order.total,
      priceCurrency: order.currency,
      partOfInvoice: { '@type': 'Invoice', totalPaymentDue: { '@type': 'PriceSpecification', price: order.total, priceCurrency: order.currency } },
      acceptedOffer: order.lines.map(function (l) {
        return { '@type': 'Offer', itemOffered: { '@type': 'Product', name: l.name }, price: l.price, priceCurrency: order.currency, eligibleQuantity: { '@type': 'QuantitativeValue', value: l.quantity } };
      })
    });
    document.head.appendChild(ld);
    var app = document.getElementById('app');
    app.innerHTML = '<div class="thanks order-confirmation"><h1>Vielen Dank für Ihre Bestellung!</h1>' +
      '<p>Bestellnummer: <strong class="order-number"></strong></p>' +
      '<ul class="order-lines"></ul>' +
      '<p class="order-total">Gesamtbetrag: <strong class="order-total-value"></strong></p></div>';
    app.querySelector('.order-number').textContent = order.number;
    app.querySelector('.order-total-value').textContent = order.totalText;
    var list = app.querySelector('.order-lines');
    order.lines.forEach(function (l) {
      var li = document.createElement('li');
      li.textContent = l.quantity + ' × ' + l.name + ' — ' + l.lineText;
      list.appendChild(li);
    });
    document.title = 'Bestellung ' + order.number + ' | ' + order.shop;
  }
  setTimeout(render, ${LATE_RENDER_MS});
})();
</script>`;
}

export const feinkostTheme: Theme = {
  money: 'de-EUR',
  paths: {
    product: (p) => `/p/${p.slug}`,
    cart: '/warenkorb',
    cartAdd: '/warenkorb/hinzufuegen',
    cartUpdate: '/warenkorb/aendern',
    checkout: '/kasse',
    placeOrder: '/kasse',
    confirmationRoute: '/kasse/danke/:token',
  },
  bodyAttributes: (kind) => `class="fk-app" data-view="${kind === 'confirmation' ? 'checkout' : kind}"`,
  summary: (ctx, totals) => plainSummary(ctx, totals),
  confirmationUrl: (order) => `/kasse/danke/${order.token}`,
  findOrder: (req, book) => book.byOrderToken(req.param('token')),
  confirmation(ctx, order) {
    return {
      title: 'Kasse',
      main: `<div id="app" aria-live="polite"><p class="spinner">Ihre Bestellung bei ${esc(ctx.shop.name)} wird abgeschlossen …</p></div>`,
      scripts: lateScript(ctx, order),
    };
  },
};
