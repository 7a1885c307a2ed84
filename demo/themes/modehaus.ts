/**
 * A hand-built shop with no platform markup and no JSON-LD on its thank-you
 * page: the visible page only says thanks, and the order reaches the page only
 * as the GA4 `purchase` event its tag manager set-up pushes to `dataLayer`,
 * written as a JavaScript object literal the way such set-ups usually are.
 */
import { esc } from '../html.ts';
import { decimal, includedVatMinor } from '../money.ts';
import { plainSummary, recommendations } from '../pages.ts';
import type { DemoOrder } from '../orders.ts';
import type { ShopContext, Theme } from '../theme.ts';

/** A single-quoted JavaScript string literal that cannot end its `<script>` element. */
function jsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/</g, '\\x3c').replace(/\r?\n/g, '\\n')}'`;
}

function purchaseScript(ctx: ShopContext, order: DemoOrder): string {
  const items = order.lines
    .map((l) => `{item_id: ${jsString(l.product.sku)}, item_name: ${jsString(l.product.name)}, item_brand: 'Modehaus Nord', price: ${decimal(l.product.priceMinor)}, quantity: ${l.quantity}}`)
    .join(',\n      ');
  return `<script>
window.dataLayer = window.dataLayer || [];
dataLayer.push({ecommerce: null});
dataLayer.push({event: 'purchase', ecommerce: {
    transaction_id: ${jsString(order.orderNumber)},
    value: ${decimal(order.totalMinor)},
    tax: ${decimal(includedVatMinor(order.totalMinor, ctx.catalogue.vatBasisPoints))},
    shipping: ${decimal(order.shippingMinor)},
    currency: ${jsString(order.currency)},
    items: [
      ${items}
    ]
}});
</script>`;
}

export const modehausTheme: Theme = {
  money: 'de-EUR',
  paths: {
    product: (p) => `/produkt/${p.slug}`,
    cart: '/warenkorb',
    cartAdd: '/warenkorb/hinzufuegen',
    cartUpdate: '/warenkorb/aendern',
    checkout: '/kasse',
    placeOrder: '/kasse',
    confirmationRoute: '/danke',
  },
  bodyAttributes: (kind) => `class="mh mh-${kind}"`,
  summary: (ctx, totals) => plainSummary(ctx, totals),
  confirmationUrl: (order) => `/danke?bestellung=${order.token}`,
  findOrder: (req, book) => book.byOrderToken(req.url.searchParams.get('bestellung') ?? undefined),
  confirmation(ctx, order) {
    return {
      title: 'Danke!',
      main: `<div class="thanks"><h1>Danke für Ihren Einkauf!</h1>
<p>Wir packen Ihre Sachen schon ein. Die Bestätigung kommt per E-Mail an ${esc(order.customer.email)}.</p></div>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`,
      scripts: purchaseScript(ctx, order),
    };
  },
};
