/**
 * WooCommerce with the Storefront theme, in English. Every price is the
 * `woocommerce-Price-amount` markup; the cart and checkout review tables have
 * an `order-total` row like the real ones, and only the order-received page
 * has `woocommerce-order-received` and the order overview list.
 */
import { esc } from '../html.ts';
import { formatMoney } from '../money.ts';
import { recommendations } from '../pages.ts';
import type { CartTotals } from '../cart.ts';
import type { DemoOrder } from '../orders.ts';
import type { ShopContext, Theme } from '../theme.ts';

function wooPrice(minor: number): string {
  const number = formatMoney(minor, 'en-EUR').replace(/^€/, '');
  return `<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">&euro;</span>${number}</bdi></span>`;
}

function shippingCell(shippingMinor: number): string {
  return shippingMinor === 0 ? 'Free shipping' : `${wooPrice(shippingMinor)}&nbsp;<small class="shipped_via">via Flat rate</small>`;
}

function orderKey(order: DemoOrder): string {
  return `wc_order_${order.token.slice(0, 13)}`;
}

function totalsTable(totals: CartTotals, kind: 'cart' | 'checkout'): string {
  const cls = kind === 'cart' ? 'cart_totals' : 'woocommerce-checkout-review-order';
  return `<div class="${cls} summary box">${kind === 'cart' ? '<h2>Cart totals</h2>' : ''}
<table class="shop_table shop_table_responsive">
<tr class="cart-subtotal"><th>Subtotal</th><td data-title="Subtotal">${wooPrice(totals.subtotalMinor)}</td></tr>
<tr class="woocommerce-shipping-totals shipping"><th>Shipping</th><td data-title="Shipping">${shippingCell(totals.shippingMinor)}</td></tr>
<tr class="order-total"><th>Total</th><td data-title="Total"><strong>${wooPrice(totals.totalMinor)}</strong></td></tr>
</table></div>`;
}

function receivedPage(ctx: ShopContext, order: DemoOrder): string {
  const c = order.customer;
  const date = new Date(order.placedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const items = order.lines
    .map(
      (l) => `<tr class="woocommerce-table__line-item order_item">
<td class="woocommerce-table__product-name product-name"><a href="${esc(ctx.theme.paths.product(l.product, 0))}">${esc(l.product.name)}</a> <strong class="product-quantity">&times;&nbsp;${l.quantity}</strong></td>
<td class="woocommerce-table__product-total product-total">${wooPrice(l.lineTotalMinor)}</td></tr>`,
    )
    .join('\n');
  return `<div class="woocommerce"><div class="woocommerce-order">
<p class="woocommerce-notice woocommerce-notice--success woocommerce-thankyou-order-received thanks">Thank you. Your order has been received.</p>
<ul class="woocommerce-order-overview woocommerce-thankyou-order-details order_details">
<li class="woocommerce-order-overview__order order">Order number: <strong>${esc(order.orderNumber)}</strong></li>
<li class="woocommerce-order-overview__date date">Date: <strong>${esc(date)}</strong></li>
<li class="woocommerce-order-overview__email email">Email: <strong>${esc(c.email)}</strong></li>
<li class="woocommerce-order-overview__total total">Total: <strong>${wooPrice(order.totalMinor)}</strong></li>
<li class="woocommerce-order-overview__payment-method method">Payment method: <strong>${esc(c.payment)}</strong></li>
</ul>
<section class="woocommerce-order-details">
<h2 class="woocommerce-order-details__title">Order details</h2>
<table class="woocommerce-table woocommerce-table--order-details shop_table order_details">
<thead><tr><th class="woocommerce-table__product-name product-name">Product</th><th class="woocommerce-table__product-table product-total">Total</th></tr></thead>
<tbody>${items}</tbody>
<tfoot>
<tr><th scope="row">Subtotal:</th><td>${wooPrice(order.subtotalMinor)}</td></tr>
<tr><th scope="row">Shipping:</th><td>${shippingCell(order.shippingMinor)}</td></tr>
<tr><th scope="row">Payment method:</th><td>${esc(c.payment)}</td></tr>
<tr><th scope="row">Total:</th><td>${wooPrice(order.totalMinor)}</td></tr>
</tfoot></table></section>
<section class="woocommerce-customer-details"><h2 class="woocommerce-column__title">Billing address</h2>
<address>${esc(c.name)}<br>${esc(c.street)}<br>${esc(c.postcode)} ${esc(c.city)}<p class="woocommerce-customer-details--email">${esc(c.email)}</p></address></section>
</div></div>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`;
}

export const woocommerceTheme: Theme = {
  money: 'en-EUR',
  paths: {
    product: (p) => `/product/${p.slug}/`,
    cart: '/cart/',
    cartAdd: '/cart/add/',
    cartUpdate: '/cart/update/',
    checkout: '/checkout/',
    placeOrder: '/checkout/',
    confirmationRoute: '/checkout/order-received/:id/',
  },
  bodyAttributes(kind) {
    const cls = {
      home: 'home page-template-default page woocommerce-page',
      product: 'product-template-default single single-product woocommerce woocommerce-page',
      cart: 'page-template-default page woocommerce-cart woocommerce-page',
      checkout: 'page-template-default page woocommerce-checkout woocommerce-page',
      confirmation: 'page-template-default page woocommerce-checkout woocommerce-page woocommerce-order-received',
    }[kind];
    return `class="${cls}"`;
  },
  price: (_ctx, minor) => wooPrice(minor),
  summary: (_ctx, totals, kind) => totalsTable(totals, kind),
  confirmationUrl: (order) => `/checkout/order-received/${order.internalId}/?key=${orderKey(order)}`,
  findOrder(req, book) {
    const key = req.url.searchParams.get('key');
    return book.find((o) => String(o.internalId) === req.param('id') && orderKey(o) === key);
  },
  confirmation: (ctx, order) => ({ title: 'Order received', main: receivedPage(ctx, order) }),
};
