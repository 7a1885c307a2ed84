/**
 * A tool merchant on an ERP's web shop (ERPNext's webshop, Kirby Merx and
 * their kind): "Zahlungspflichtig bestellen" leads straight to the order's
 * own page in the customer account, headed by the order number alone, with
 * its status, lines and total, and no thank-you anywhere. The same page is
 * what the customer opens from the account later, so nothing in it says "a
 * new order"; the extension records it because the tab came from the final
 * checkout step (lib/detect/session.ts).
 */
import { esc } from '../html.ts';
import { orderLines, plainSummary, price, shippingText } from '../pages.ts';
import type { Theme } from '../theme.ts';

export const werkzeugTheme: Theme = {
  money: 'de-EUR',
  paths: {
    product: (p) => `/artikel/${p.slug}`,
    cart: '/warenkorb',
    cartAdd: '/warenkorb/hinzufuegen',
    cartUpdate: '/warenkorb/aendern',
    checkout: '/kasse',
    placeOrder: '/kasse',
    confirmationRoute: '/konto/auftraege/:token',
  },
  bodyAttributes: (kind) => `class="erp erp-${kind}"`,
  summary: (ctx, totals) => plainSummary(ctx, totals),
  confirmationUrl: (order) => `/konto/auftraege/${order.token}`,
  findOrder: (req, book) => book.byOrderToken(req.param('token')),
  confirmation(ctx, order) {
    const date = new Date(order.placedAt).toLocaleDateString('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
    return {
      title: order.orderNumber,
      main: `<nav class="breadcrumb"><a href="/konto">Mein Konto</a> / <a href="/konto/auftraege">Aufträge</a> / ${esc(order.orderNumber)}</nav>
<div class="doc-head"><h1>${esc(order.orderNumber)}</h1><span class="pill pill-orange">Zu liefern und abzurechnen</span><span class="doc-date">${esc(date)}</span>
<a class="print" href="/konto/auftraege/${esc(order.token)}/druck">Drucken</a></div>
<p class="customer">${esc(order.customer.name)}</p>
${orderLines(ctx, order.lines)}
<dl class="doc-totals">
<dt>Nettosumme</dt><dd>${price(ctx, order.subtotalMinor)}</dd>
<dt>Versand</dt><dd>${shippingText(ctx, order.shippingMinor)}</dd>
<dt>Gesamtbetrag</dt><dd class="grand-total">${price(ctx, order.totalMinor)}</dd>
</dl>
<p class="terms">Lieferung innerhalb von drei Werktagen. Zahlung per Rechnung, 14 Tage netto.</p>`,
    };
  },
};
