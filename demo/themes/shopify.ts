/**
 * A Shopify shop in German with the classic (checkout.liquid) checkout. Every
 * checkout step shows `.payment-due__price` in its sidebar, as the real one
 * does; only the thank-you step defines `Shopify.checkout` (with the internal
 * `order_id`, not the "#1001" the customer sees) and `.os-order-number`.
 */
import { esc, scriptJson } from '../html.ts';
import { decimal, includedVatMinor } from '../money.ts';
import { money, recommendations } from '../pages.ts';
import type { CartTotals } from '../cart.ts';
import type { DemoOrder } from '../orders.ts';
import type { ShopContext, Theme } from '../theme.ts';

function orderSummary(ctx: ShopContext, totals: Pick<CartTotals, 'lines' | 'subtotalMinor' | 'shippingMinor' | 'totalMinor'>): string {
  const products = totals.lines
    .map(
      (l) => `<tr class="product" data-product-type="Garten"><td class="product__description"><span class="product__description__name order-summary__emphasis">${esc(l.product.name)}</span></td>
<td class="product__quantity"><span class="visually-hidden">Anzahl</span>${l.quantity}</td>
<td class="product__price"><span class="order-summary__emphasis skeleton-while-loading">${esc(money(ctx, l.lineTotalMinor))}</span></td></tr>`,
    )
    .join('\n');
  const shipping = totals.shippingMinor === 0 ? 'Kostenlos' : esc(money(ctx, totals.shippingMinor));
  return `<div class="order-summary summary box">
<table class="product-table"><tbody>${products}</tbody></table>
<table class="total-line-table"><tbody class="total-line-table__tbody">
<tr class="total-line total-line--subtotal"><th class="total-line__name" scope="row">Zwischensumme</th><td class="total-line__price"><span class="order-summary__emphasis skeleton-while-loading">${esc(money(ctx, totals.subtotalMinor))}</span></td></tr>
<tr class="total-line total-line--shipping"><th class="total-line__name" scope="row">Versand</th><td class="total-line__price"><span class="order-summary__emphasis skeleton-while-loading">${shipping}</span></td></tr>
</tbody>
<tfoot class="total-line-table__footer"><tr class="total-line"><th class="total-line__name payment-due-label" scope="row"><span class="payment-due-label__total">Gesamt</span></th>
<td class="total-line__price payment-due grand"><span class="payment-due__currency remove-while-loading">EUR</span> <span class="payment-due__price skeleton-while-loading--lg" data-checkout-payment-due-target="${totals.totalMinor}">${esc(money(ctx, totals.totalMinor))}</span></td></tr>
<tr class="total-line"><td colspan="2"><span class="total-line__name--tax">Inklusive ${esc(money(ctx, includedVatMinor(totals.totalMinor, ctx.catalogue.vatBasisPoints)))} Steuern</span></td></tr></tfoot>
</table></div>`;
}

function cartSubtotal(ctx: ShopContext, totals: CartTotals): string {
  return `<div class="cart__footer summary box"><p class="cart__subtotal"><span class="cart__subtotal-title">Zwischensumme</span> <span class="cart__subtotal-value">${esc(money(ctx, totals.subtotalMinor))} EUR</span></p>
<p class="cart__taxes">Inklusive Steuern. Versand wird beim Checkout berechnet.</p></div>`;
}

function checkoutObject(ctx: ShopContext, order: DemoOrder): Record<string, unknown> {
  const c = order.customer;
  return {
    created_at: order.placedAt,
    currency: order.currency,
    customer_locale: 'de',
    email: c.email,
    order_id: order.internalId,
    payment_due: decimal(order.totalMinor),
    shipping_address: { first_name: c.name.split(' ')[0], address1: c.street, zip: c.postcode, city: c.city, country_code: 'DE' },
    shipping_rate: { handle: 'shopify-Standard-5.00', price: decimal(order.shippingMinor), title: 'Standard' },
    source_name: 'web',
    subtotal_price: decimal(order.subtotalMinor),
    taxes_included: true,
    token: order.token,
    total_price: decimal(order.totalMinor),
    total_tax: decimal(includedVatMinor(order.totalMinor, ctx.catalogue.vatBasisPoints)),
    line_items: order.lines.map((l) => ({ sku: l.product.sku, title: l.product.name, price: decimal(l.product.priceMinor), quantity: l.quantity, line_price: decimal(l.lineTotalMinor) })),
  };
}

function stepScript(step: string, extra = ''): string {
  return `<script>var Shopify = Shopify || {};
Shopify.Checkout = Shopify.Checkout || {};
Shopify.Checkout.apiHost = "gartenglueck.myshopify.com";
Shopify.Checkout.step = "${step}";
Shopify.Checkout.page = "${step}";
${extra}</script>`;
}

export const shopifyTheme: Theme = {
  money: 'de-EUR-prefix',
  paths: {
    product: (p) => `/products/${p.slug}`,
    cart: '/cart',
    cartAdd: '/cart/add',
    cartUpdate: '/cart/change',
    checkout: '/checkout',
    placeOrder: '/checkout',
    confirmationRoute: '/checkouts/:token/thank_you',
  },
  pageHead: (ctx) =>
    `<script>window.Shopify = window.Shopify || {}; Shopify.shop = "gartenglueck.myshopify.com"; Shopify.locale = "de"; Shopify.currency = {"active":"${ctx.shop.currency}","rate":"1.0"}; Shopify.theme = {"name":"Dawn","id":131234567890};</script>`,
  bodyAttributes(kind) {
    const cls = { home: 'template-index', product: 'template-product', cart: 'template-cart', checkout: 'checkout-step', confirmation: 'checkout-step thank-you' }[kind];
    return `class="${cls}"`;
  },
  summary: (ctx, totals, kind) => (kind === 'cart' ? cartSubtotal(ctx, totals) : orderSummary(ctx, totals)),
  checkoutHead: () => stepScript('contact_information'),
  confirmationUrl: (order) => `/checkouts/${order.token}/thank_you`,
  findOrder: (req, book) => book.byOrderToken(req.param('token')),
  confirmation(ctx, order) {
    const c = order.customer;
    const firstName = c.name.split(' ')[0] ?? c.name;
    return {
      title: 'Vielen Dank für Ihren Einkauf!',
      head: stepScript('thank_you', `Shopify.checkout = ${scriptJson(checkoutObject(ctx, order))};`),
      main: `<div class="content" data-content><div class="wrap">
<div class="main"><main class="main__content" role="main">
<div class="step" data-step="thank_you"><div class="step__sections">
<div class="section section--thank-you"><div class="section__header os-header thanks">
<div class="os-header__heading">
<span class="os-order-number">Bestellung #${esc(order.orderNumber)}</span>
<h2 class="os-header__title" id="main-header">Vielen Dank, ${esc(firstName)}!</h2>
</div></div></div>
<div class="section"><div class="content-box"><div class="content-box__row">
<h2>Ihre Bestellung ist bestätigt</h2><p>Sie erhalten in Kürze eine E-Mail mit Ihrer Bestellnummer an ${esc(c.email)}.</p>
</div><div class="content-box__row"><h3>Lieferadresse</h3><address class="address">${esc(c.name)}<br>${esc(c.street)}<br>${esc(c.postcode)} ${esc(c.city)}<br>Deutschland</address>
<h3>Zahlungsmethode</h3><p>${esc(c.payment)} – <span class="payment-method-list__item__amount emphasis">${esc(money(ctx, order.totalMinor))}</span></p></div></div></div>
</div></div></main></div>
<aside class="sidebar" role="complementary"><div class="sidebar__content">${orderSummary(ctx, order)}</div></aside>
</div></div>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`,
    };
  },
};
