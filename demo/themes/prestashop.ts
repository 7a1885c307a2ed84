/**
 * PrestaShop 8 with the classic theme, Swiss German, prices in CHF with the
 * typographic apostrophe (`CHF 1’234.50`). Cart and checkout carry the same
 * "Gesamt (inkl. MwSt.)" line as the confirmation; the order reference, the
 * nine capital letters a customer quotes, is only on the confirmation.
 */
import { esc, scriptJson } from '../html.ts';
import { money, recommendations, shippingText } from '../pages.ts';
import type { CartTotals } from '../cart.ts';
import type { PageKind, ShopContext, Theme } from '../theme.ts';

const PAGE_IDS: Record<PageKind, string> = { home: 'index', product: 'product', cart: 'cart', checkout: 'checkout', confirmation: 'order-confirmation' };

function cartSummary(ctx: ShopContext, totals: CartTotals): string {
  return `<div class="cart-summary summary box">
<div class="cart-detailed-subtotals">
<div class="cart-summary-line" id="cart-subtotal-products"><span class="label">${totals.itemCount} Artikel</span> <span class="value">${esc(money(ctx, totals.subtotalMinor))}</span></div>
<div class="cart-summary-line" id="cart-subtotal-shipping"><span class="label">Versand</span> <span class="value">${shippingText(ctx, totals.shippingMinor)}</span></div>
</div>
<div class="cart-summary-totals"><div class="cart-summary-line cart-total grand"><span class="label">Gesamt (inkl. MwSt.)</span> <span class="value">${esc(money(ctx, totals.totalMinor))}</span></div></div>
</div>`;
}

export const prestashopTheme: Theme = {
  money: 'de-CH',
  paths: {
    product: (p, i) => `/de/${i + 1}-${p.slug}.html`,
    cart: '/warenkorb',
    cartAdd: '/warenkorb/hinzufuegen',
    cartUpdate: '/warenkorb/aktualisieren',
    checkout: '/bestellung',
    placeOrder: '/bestellung',
    confirmationRoute: '/bestellbestaetigung',
  },
  pageHead: (ctx, kind) =>
    `<script>var prestashop = ${scriptJson({ currency: { iso_code: ctx.shop.currency, sign: 'CHF' }, language: { iso_code: 'de', locale: 'de-CH' }, page: { page_name: PAGE_IDS[kind] }, shop: { name: ctx.shop.name } })};</script>`,
  bodyAttributes: (kind) => `id="${PAGE_IDS[kind]}" class="lang-de country-ch currency-chf layout-full-width page-${PAGE_IDS[kind]} tax-display-enabled"`,
  summary: (ctx, totals) => cartSummary(ctx, totals),
  confirmationUrl: (order) => `/bestellbestaetigung?id_cart=${order.cartId}&id_module=3&id_order=${order.internalId}&key=${order.token}`,
  findOrder(req, book) {
    const key = req.url.searchParams.get('key');
    const idOrder = req.url.searchParams.get('id_order');
    return book.find((o) => o.token === key && String(o.internalId) === idOrder);
  },
  confirmation(ctx, order) {
    const c = order.customer;
    const lines = order.lines
      .map(
        (l) => `<div class="order-line row"><div class="col-sm-5 details"><span>${esc(l.product.name)}</span></div>
<div class="col-sm-7 qty"><div class="row"><div class="col-xs-4 text-sm-center">${esc(money(ctx, l.product.priceMinor))}</div><div class="col-xs-4 text-sm-center">${l.quantity}</div><div class="col-xs-4 text-sm-center bold">${esc(money(ctx, l.lineTotalMinor))}</div></div></div></div>`,
      )
      .join('\n');
    return {
      title: 'Bestellbestätigung',
      main: `<section id="content-hook_order_confirmation" class="card thanks"><div class="card-block">
<h3 class="h1 card-title"><i class="material-icons rtl-no-flip done">&#xE876;</i>Ihre Bestellung ist bestätigt</h3>
<p>Eine E-Mail wurde an Ihre Adresse gesendet: ${esc(c.email)}.</p>
</div></section>
<section id="content" class="page-content page-order-confirmation card box"><div class="card-block"><div class="row">
<div id="order-items" class="col-md-8"><h3 class="card-title h3">Bestellpositionen</h3>
<div class="order-confirmation-table">
${lines}
<hr>
<table>
<tr><td>Zwischensumme</td><td>${esc(money(ctx, order.subtotalMinor))}</td></tr>
<tr><td>Versandkosten</td><td>${shippingText(ctx, order.shippingMinor)}</td></tr>
<tr class="font-weight-bold grand"><td><span class="text-uppercase">Gesamt (inkl. MwSt.)</span></td><td>${esc(money(ctx, order.totalMinor))}</td></tr>
</table></div></div>
<div id="order-details" class="col-md-4"><h3 class="h3 card-title">Bestelldetails:</h3>
<ul>
<li id="order-reference-value">Bestellreferenz: ${esc(order.orderNumber)}</li>
<li>Zahlungsart: ${esc(c.payment)}</li>
<li>Versandart: Schweizerische Post<br><em>2–3 Werktage</em></li>
</ul></div>
</div></div></section>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`,
    };
  },
};
