/**
 * Magento 2 with the Luma theme, in English. Its success page names the order
 * number but not the total, as the real one does; the total reaches the page
 * through the GA4 `purchase` event that Magento's Google Analytics module
 * pushes. The success URL names no order: Magento finds it in the session,
 * here a cookie set when the order was placed.
 */
import { dataLayerPush, esc } from '../html.ts';
import { decimal, includedVatMinor } from '../money.ts';
import { ga4Item, money, recommendations, shippingText } from '../pages.ts';
import type { CartTotals } from '../cart.ts';
import type { ShopContext, Theme } from '../theme.ts';

function totalsTable(ctx: ShopContext, totals: CartTotals, kind: 'cart' | 'checkout'): string {
  const wrapper = kind === 'cart' ? 'cart-summary' : 'opc-block-summary';
  return `<div class="${wrapper} summary box"><strong class="summary title">Summary</strong>
<div id="cart-totals" class="cart-totals"><table class="data table totals">
<tr class="totals sub"><th class="mark" scope="row">Subtotal</th><td class="amount"><span class="price">${esc(money(ctx, totals.subtotalMinor))}</span></td></tr>
<tr class="totals shipping excl"><th class="mark" scope="row">Shipping (Flat Rate - Fixed)</th><td class="amount"><span class="price">${shippingText(ctx, totals.shippingMinor)}</span></td></tr>
<tr class="grand totals"><th class="mark" scope="row"><strong>Order Total</strong></th><td class="amount"><strong><span class="price">${esc(money(ctx, totals.totalMinor))}</span></strong></td></tr>
</table></div></div>`;
}

export const magentoTheme: Theme = {
  money: 'en-EUR',
  paths: {
    product: (p) => `/${p.slug}.html`,
    cart: '/checkout/cart/',
    cartAdd: '/checkout/cart/add/',
    cartUpdate: '/checkout/cart/updatePost/',
    checkout: '/checkout/',
    placeOrder: '/checkout/onepage/saveOrder/',
    confirmationRoute: '/checkout/onepage/success/',
  },
  bodyAttributes(kind) {
    const cls = {
      home: 'cms-home cms-index-index page-layout-1column',
      product: 'catalog-product-view product-page page-layout-1column',
      cart: 'checkout-cart-index page-layout-1column',
      checkout: 'checkout-index-index page-layout-checkout',
      confirmation: 'checkout-onepage-success page-layout-1column',
    }[kind];
    return `data-container="body" class="${cls}"`;
  },
  price: (ctx, minor) =>
    `<span class="price-container"><span class="price-wrapper" data-price-amount="${decimal(minor)}" data-price-type="finalPrice"><span class="price">${esc(money(ctx, minor))}</span></span></span>`,
  summary: (ctx, totals, kind) => totalsTable(ctx, totals, kind),
  confirmationUrl: () => '/checkout/onepage/success/',
  findOrder: (req, book) => book.byOrderToken(req.lastOrderToken),
  confirmation(ctx, order) {
    return {
      title: 'Success Page',
      main: `<div class="page-title-wrapper"><h1 class="page-title"><span class="base" data-ui-id="page-title-wrapper">Thank you for your purchase!</span></h1></div>
<div class="checkout-success thanks">
<p>Your order number is: <span>${esc(order.orderNumber)}</span>.</p>
<p>We'll email you an order confirmation with details and tracking info.</p>
<div class="actions-toolbar"><div class="primary"><a class="action primary continue button" href="/"><span>Continue Shopping</span></a></div></div>
</div>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`,
      scripts: dataLayerPush('purchase', {
        transaction_id: order.orderNumber,
        affiliation: ctx.shop.name,
        value: Number(decimal(order.totalMinor)),
        tax: Number(decimal(includedVatMinor(order.totalMinor, ctx.catalogue.vatBasisPoints))),
        shipping: Number(decimal(order.shippingMinor)),
        currency: order.currency,
        items: order.lines.map((l) => ga4Item(l.product, l.quantity)),
      }),
    };
  },
};
