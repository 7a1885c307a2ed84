/**
 * A tea shop whose confirmation template the generic detectors cannot read:
 * the page thanks the customer for the order, but the order number and the
 * amount stand in a receipt card without any label, no analytics, no
 * structured data. Every member is asked to type both, and detection health
 * reports the page (no_order_id); a partner rule in the catalogue (selectors
 * as data) then fixes the shop for every member at the next catalogue
 * refresh.
 */
import { esc } from '../html.ts';
import { plainSummary, price, recommendations } from '../pages.ts';
import type { Theme } from '../theme.ts';

/** The rule an operator would write for this shop (`PUT /v1/admin/partners/teehaus`, `detection`). */
export const TEEHAUS_DETECTION_RULE = {
  pathPattern: '^/fertig/[0-9a-f]{32}$',
  orderIdSelector: '.beleg .beleg-nr',
  amountSelector: '.beleg .beleg-summe',
} as const;

export const teehausTheme: Theme = {
  money: 'de-EUR',
  paths: {
    product: (p) => `/tee/${p.slug}`,
    cart: '/tasse',
    cartAdd: '/tasse/dazu',
    cartUpdate: '/tasse/aendern',
    checkout: '/zur-kasse',
    placeOrder: '/zur-kasse',
    confirmationRoute: '/fertig/:token',
  },
  bodyAttributes: (kind) => `class="th th-${kind}"`,
  summary: (ctx, totals) => plainSummary(ctx, totals),
  confirmationUrl: (order) => `/fertig/${order.token}`,
  findOrder: (req, book) => book.byOrderToken(req.param('token')),
  confirmation(ctx, order) {
    return {
      title: 'Teehaus Lindgrün',
      main: `<div class="thanks"><h1>Vielen Dank für Ihre Bestellung!</h1>
<p>Wir wiegen Ihren Tee frisch ab. Alles Weitere per E-Mail an ${esc(order.customer.email)}.</p>
<div class="beleg"><span class="beleg-nr">${esc(order.orderNumber)}</span> · <span class="beleg-summe">${price(ctx, order.totalMinor)}</span></div></div>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`,
    };
  },
};
