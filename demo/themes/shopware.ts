/**
 * Shopware 6, German, as the default Storefront theme renders it. The cart
 * and the confirm step carry the same `.checkout-aside-summary-total` as the
 * finish page, as in the real theme: only `is-act-finishpage` and
 * `.finish-ordernumber` make a page an order confirmation.
 */
import { esc } from '../html.ts';
import { includedVatMinor } from '../money.ts';
import { money, orderLines, recommendations, shippingText } from '../pages.ts';
import type { CartTotals } from '../cart.ts';
import type { Theme, ShopContext } from '../theme.ts';

function asideSummary(ctx: ShopContext, totals: Pick<CartTotals, 'subtotalMinor' | 'shippingMinor' | 'totalMinor'>): string {
  const net = totals.totalMinor - includedVatMinor(totals.totalMinor, ctx.catalogue.vatBasisPoints);
  const vat = totals.totalMinor - net;
  return `<div class="checkout-aside summary box"><div class="checkout-aside-summary"><div class="checkout-aside-summary-container">
<dl class="row checkout-aside-summary-list">
<dt class="col-7 checkout-aside-summary-label">Zwischensumme</dt><dd class="col-5 checkout-aside-summary-value">${esc(money(ctx, totals.subtotalMinor))}*</dd>
<dt class="col-7 checkout-aside-summary-label">Versandkosten</dt><dd class="col-5 checkout-aside-summary-value">${shippingText(ctx, totals.shippingMinor)}*</dd>
<dt class="col-7 checkout-aside-summary-label checkout-aside-summary-total">Gesamtsumme</dt><dd class="col-5 checkout-aside-summary-value checkout-aside-summary-total grand">${esc(money(ctx, totals.totalMinor))}</dd>
<dt class="col-7 checkout-aside-summary-label">Gesamtnettosumme</dt><dd class="col-5 checkout-aside-summary-value">${esc(money(ctx, net))}</dd>
<dt class="col-7 checkout-aside-summary-label summary-tax">inkl. ${ctx.catalogue.vatBasisPoints / 100}% MwSt.</dt><dd class="col-5 checkout-aside-summary-value summary-tax">${esc(money(ctx, vat))}</dd>
</dl></div></div></div>`;
}

export const shopwareTheme: Theme = {
  money: 'de-EUR',
  paths: {
    product: (p) => `/${p.slug}/${p.sku}`,
    cart: '/checkout/cart',
    cartAdd: '/checkout/line-item/add',
    cartUpdate: '/checkout/line-item/change-quantity',
    checkout: '/checkout/confirm',
    placeOrder: '/checkout/order',
    confirmationRoute: '/checkout/finish',
  },
  bodyAttributes(kind) {
    const act = { home: 'is-ctl-navigation is-act-index', product: 'is-ctl-product is-act-index', cart: 'is-ctl-checkout is-act-cartpage', checkout: 'is-ctl-checkout is-act-confirmpage', confirmation: 'is-ctl-checkout is-act-finishpage' }[kind];
    return `class="${act}"`;
  },
  price: (ctx, minor) => `<span class="product-price">${esc(money(ctx, minor))}*</span>`,
  summary: (ctx, totals) => asideSummary(ctx, totals),
  confirmationUrl: (order) => `/checkout/finish?orderId=${order.token}`,
  findOrder: (req, book) => book.byOrderToken(req.url.searchParams.get('orderId') ?? undefined),
  confirmation(ctx, order) {
    const c = order.customer;
    return {
      title: 'Bestellabschluss',
      main: `<div class="checkout checkout-finish"><div class="checkout-container">
<div class="finish-header thanks">
<h1 class="finish-title">Vielen Dank für Ihre Bestellung bei ${esc(ctx.shop.name)}!</h1>
<p class="finish-ordernumber" data-order-number="${esc(order.orderNumber)}">Ihre Bestellnummer: ${esc(order.orderNumber)}</p>
<p class="finish-order-subtitle">Wir haben Ihnen eine Bestellbestätigung an ${esc(c.email)} gesendet.</p>
</div>
<div class="finish-info box"><div class="finish-address">
<strong>Lieferadresse</strong><br>${esc(c.name)}<br>${esc(c.street)}<br>${esc(c.postcode)} ${esc(c.city)}
</div><p class="finish-payment">Zahlungsart: ${esc(c.payment)}</p></div>
<div class="checkout-main finish-content">${orderLines(ctx, order.lines, 'line-item-table')}</div>
${asideSummary(ctx, order)}
</div></div>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`,
    };
  },
};
