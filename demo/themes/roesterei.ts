/**
 * A small roastery's hand-built shop: its thank-you page says thanks and
 * shows the order number, but no platform markup, no structured data, no
 * analytics, and two amounts both labelled "Gesamt" (the goods under the
 * items, then the amount with shipping below the shipping line). Unless
 * shipping is free, a detector cannot tell which one was paid, so the
 * extension asks the member, with both amounts to choose from.
 */
import { esc } from '../html.ts';
import { orderLines, plainSummary, price, recommendations, shippingText } from '../pages.ts';
import type { Theme } from '../theme.ts';

export const roestereiTheme: Theme = {
  money: 'de-EUR',
  paths: {
    product: (p) => `/kaffee/${p.slug}`,
    cart: '/korb',
    cartAdd: '/korb/dazu',
    cartUpdate: '/korb/aendern',
    checkout: '/bestellen',
    placeOrder: '/bestellen',
    confirmationRoute: '/geschafft/:token',
  },
  bodyAttributes: (kind) => `class="rm rm-${kind}"`,
  summary: (ctx, totals) => plainSummary(ctx, totals),
  confirmationUrl: (order) => `/geschafft/${order.token}`,
  findOrder: (req, book) => book.byOrderToken(req.param('token')),
  confirmation(ctx, order) {
    return {
      title: 'Geschafft!',
      main: `<div class="thanks"><h1>Vielen Dank für Ihre Bestellung!</h1>
<p>Ihre Bestellnummer: <strong>${esc(order.orderNumber)}</strong></p>
<p>Wir rösten frisch und schicken alles in zwei Tagen los. Eine Bestätigung geht an ${esc(order.customer.email)}.</p>
${orderLines(ctx, order.lines)}
<p class="amounts">Gesamt: ${price(ctx, order.subtotalMinor)}</p>
<p class="shipping">Versand: ${shippingText(ctx, order.shippingMinor)}</p>
<p class="payment">Gesamt: ${price(ctx, order.totalMinor)}</p>
<p>Zahlung per Rechnung.</p></div>
${recommendations(ctx, order.lines.map((l) => l.product.slug))}`,
    };
  },
};
