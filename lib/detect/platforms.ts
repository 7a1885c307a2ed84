/**
 * The confirmation templates of the shop systems in the corpus, as data:
 * which element marks the page, which holds the order number and which the
 * grand total, each taken from the platform's own template source (named
 * beside each entry). Most of these pages are read by the label reader as
 * well; a profile adds certainty where a template has a trap for it (item
 * numbers labelled "Order number" in Shopware 5, a subtotal styled as
 * "grand total" in SFRA, a rounded total in Shopware 6 for Switzerland).
 *
 * Also here: widgets that shops embed on the confirmation page only
 * (Trusted Shops' checkout block, Shopware 5's SwagGoogle data, the print
 * link of the xt:Commerce family).
 */
import { orderIdInText, ReadingBuilder } from './common.ts';
import { decimalToMoney, findMoney, normalizeCurrency } from './money.ts';
import { queryEach, safeQuery, safeQueryAll, shortText, type Page } from './page.ts';
import { RANK, type Reading } from './types.ts';

interface Profile {
  /** The reader's method name. */
  method: string;
  /** Present only on the platform's confirmation page. */
  marker: string;
  /** Elements holding the order number (their text, or `idAttribute`), first match wins. */
  orderId?: string[];
  idAttribute?: string;
  /** The platform's order-number format, when its text carries more than the number. */
  idPattern?: RegExp;
  /** Elements holding the grand total, most precise first. */
  total?: string[];
  totalAttribute?: string;
}

const PROFILES: Profile[] = [
  // shopware/storefront: page/checkout/finish/finish-details.html.twig, checkout/summary.html.twig (6.5, 6.6)
  {
    method: 'shopware6',
    marker: '.finish-ordernumber, body.is-act-finishpage',
    orderId: ['.finish-ordernumber'],
    idAttribute: 'data-order-number',
    total: ['dd.checkout-aside-summary-total-rounded', 'dd.checkout-aside-summary-total', '.checkout-aside-summary-value.summary-total'],
  },
  // shopware5/shopware: themes/Frontend/Bare/frontend/checkout/finish.tpl, finish_footer.tpl
  {
    method: 'shopware5',
    marker: 'body.is--act-finish',
    orderId: ['.finish--details .payment--content'],
    total: ['.finish--table .entry--total .entry--value', '.aggregation--list .entry--total .entry--value'],
  },
  // woocommerce: templates/checkout/thankyou.php, order/order-details.php
  {
    method: 'woocommerce',
    marker: 'ul.woocommerce-order-overview, ul.woocommerce-thankyou-order-details',
    orderId: ['li.woocommerce-order-overview__order strong', 'li.order strong'],
    total: ['li.woocommerce-order-overview__total strong .woocommerce-Price-amount', 'li.woocommerce-order-overview__total strong', 'li.total strong .woocommerce-Price-amount', 'li.total strong'],
  },
  // magento2: Magento/Checkout/view/frontend/templates/success.phtml (Luma and Hyvä); sales totals where a theme adds them
  {
    method: 'magento',
    marker: 'body.checkout-onepage-success .checkout-success',
    orderId: ['.checkout-success .order-number strong', '.checkout-success a.order-number', '.checkout-success p > span'],
    total: ['tr.grand_total_incl .price', 'tr.grand_totals .price', '.grand.totals .price'],
  },
  // PrestaShop: themes/classic/templates/checkout/order-confirmation.tpl, _partials/order-confirmation-table.tpl
  {
    method: 'prestashop',
    marker: 'body#order-confirmation, #content-hook_order_confirmation',
    orderId: ['#order-reference-value'],
    idPattern: /([A-Z]{9}|[A-Za-z0-9-]*\d[A-Za-z0-9-]*)\s*$/,
    total: ['.order-confirmation-table tr.total-value td:last-child'],
  },
  // Shopify's classic thank-you and order status pages
  {
    method: 'shopify',
    marker: '.os-order-number',
    orderId: ['.os-order-number'],
    total: ['.payment-due__price', '[data-checkout-payment-due-target]'],
  },
  // SalesforceCommerceCloud/storefront-reference-architecture: checkout/confirmation/confirmationDetails.isml, orderTotalSummary.isml
  {
    method: 'sfra',
    marker: '[data-action="Order-Confirm"]',
    orderId: ['.summary-details.order-number', '.order-number'],
    total: ['.checkout-order-total-summary .grand-total-sum', '.order-total-summary .grand-total-sum'],
  },
  // bigcommerce/checkout-js: OrderStatus.tsx, OrderSummaryTotal.tsx
  {
    method: 'bigcommerce',
    marker: '[data-test="order-confirmation-order-number-text"]',
    orderId: ['[data-test="order-confirmation-order-number-text"] strong'],
    total: ['[data-test="cart-total"] [data-test="cart-price-value"]'],
  },
  // solidusio/solidus_starter_frontend: orders/show with the "completed" paragraph after checkout (order numbers R + 9 digits)
  {
    method: 'solidus',
    marker: '.order-page__completed',
    orderId: ['.order-page__title'],
    idPattern: /\b([A-Z]\d{6,})\b/,
    total: ['#line-items .total dd', '#order-total'],
  },
  // nopSolutions/nopCommerce: Views/Checkout/Completed.cshtml
  {
    method: 'nopcommerce',
    marker: '.order-completed .order-number',
    orderId: ['.order-completed .order-number'],
  },
  // silvershop/silvershop-core: templates/SilverShop/Page/Layout/CheckoutPage_order.ss, Model/Order_Content_SubTotals.ss — the order the
  // checkout has just placed, with no thank-you; the account shows the same order as AccountPage_order, which this marker leaves out
  {
    method: 'silvershop',
    marker: '.silvershop-account--checkout-order',
    orderId: ['.silvershop-account__order-headline'],
    idPattern: /#\s?([A-Za-z0-9-]*\d[A-Za-z0-9-]*)/,
    total: ['.silvershop-receipt__row--total .silvershop-receipt__cell--value'],
  },
  // medusajs/nextjs-starter-medusa: modules/order/templates/order-completed-template.tsx
  {
    method: 'medusa',
    marker: '[data-testid="order-id"]',
    orderId: ['[data-testid="order-id"]'],
    total: ['[data-testid="cart-total"]'],
    totalAttribute: 'data-value',
  },
];

function readProfile(page: Page, profile: Profile): Reading | null {
  if (queryEach(page.doc, profile.marker) === null) return null;
  const reading = new ReadingBuilder(profile.method);
  reading.for('platform-confirmation', 6, `${profile.method} confirmation markup (${profile.marker})`);
  for (const selector of profile.orderId ?? []) {
    const element = safeQuery(page.doc, selector);
    if (element === null) continue;
    const attribute = profile.idAttribute === undefined ? null : element.getAttribute(profile.idAttribute);
    const text = shortText(element, 200);
    const patterned = profile.idPattern === undefined || text === null ? null : (profile.idPattern.exec(text)?.[1] ?? null);
    const id = attribute || patterned || orderIdInText(text);
    if (id) {
      reading.orderId(id, RANK.platform, `${profile.method}: ${selector}`);
      break;
    }
  }
  for (const selector of profile.total ?? []) {
    const element = safeQuery(page.doc, selector);
    if (element === null) continue;
    const attribute = profile.totalAttribute === undefined ? null : element.getAttribute(profile.totalAttribute);
    const money = attribute ? null : findMoney(shortText(element, 120) ?? '', page.hint);
    const fromAttribute = attribute ? (findMoney(shortText(element, 120) ?? '', page.hint)?.currency ?? page.currency()) : undefined;
    const total = money ?? (attribute ? decimalToMoney(attribute, fromAttribute) : null);
    if (total !== null) {
      reading.total(total, RANK.platform, `${profile.method}: ${selector}`);
      break;
    }
  }
  return reading.build();
}

/** Any element that only a platform's confirmation or an order widget has: one query to tell whether to look closer. */
export const CONFIRMATION_MARKERS = [
  ...PROFILES.map((profile) => profile.marker),
  '#trustedShopsCheckout',
  '[data-googleAnalytics][data-orderNumber]',
  'a[href*="print_order"]',
  '[itemtype$="schema.org/Order"]',
].join(', ');

/**
 * Whether the page has one of `CONFIRMATION_MARKERS`, asked the cheap way:
 * a selector of the form `body.x`, `body#x`, `#x` or `.x …` is first checked
 * through the body's classes, `getElementById` or `getElementsByClassName`
 * (indexed by the browser), and only the rest are queried, one selector at a
 * time. Matching a large page against the whole list cost about a
 * millisecond in Chromium.
 */
export function hasConfirmationMarker(doc: Document): boolean {
  const body = doc.body;
  for (const probe of MARKER_PROBES) {
    const found =
      probe.onBody
        ? body !== null && (probe.kind === '.' ? body.classList.contains(probe.name) : body.id === probe.name)
        : probe.kind === '#'
          ? doc.getElementById(probe.name) !== null
          : doc.getElementsByClassName(probe.name).length > 0;
    // The index only says the name occurs; the whole selector (a tag, a descendant) decides.
    if (found && (probe.exact || doc.querySelector(probe.selector) !== null)) return true;
  }
  // One query per selector: a selector list loses the browser's fast paths (0.2 ms against 0.02 ms on a 200 KB page).
  return REST_OF_MARKERS.some((selector) => doc.querySelector(selector) !== null);
}

interface MarkerProbe {
  selector: string;
  onBody: boolean;
  kind: '.' | '#';
  name: string;
  /** True when finding the name is finding the selector. */
  exact: boolean;
}

const SIMPLE_MARKER = /^(\w+)?([.#])([\w-]+)(\s+.+)?$/;
const MARKER_PARTS = CONFIRMATION_MARKERS.split(/\s*,\s*/);
const MARKER_PROBES: MarkerProbe[] = MARKER_PARTS.flatMap((selector) => {
  const match = SIMPLE_MARKER.exec(selector);
  if (match === null) return [];
  const [, tag, kind, name = '', descendant] = match;
  const onBody = tag === 'body';
  return [{ selector, onBody, kind: kind as '.' | '#', name, exact: descendant === undefined && (tag === undefined || onBody) }];
});
const REST_OF_MARKERS = MARKER_PARTS.filter((selector) => !SIMPLE_MARKER.test(selector));

export function readPlatforms(page: Page): Reading[] {
  const readings: Reading[] = [];
  for (const profile of PROFILES) {
    const reading = readProfile(page, profile);
    if (reading !== null) readings.push(reading);
  }
  return readings;
}

/** Trusted Shops' checkout block: order number, gross amount and currency for its buyer protection, on the confirmation only. */
function trustedShops(page: Page): Reading | null {
  const block = safeQuery(page.doc, '#trustedShopsCheckout');
  if (block === null) return null;
  const reading = new ReadingBuilder('trusted-shops');
  const id = shortText(safeQuery(block, '#tsCheckoutOrderNr'), 80);
  const currency = normalizeCurrency(shortText(safeQuery(block, '#tsCheckoutOrderCurrency'), 10)) ?? page.currency();
  reading.orderId(id, RANK.widget, 'Trusted Shops #tsCheckoutOrderNr');
  reading.total(decimalToMoney(shortText(safeQuery(block, '#tsCheckoutOrderAmount'), 40), currency), RANK.widget, 'Trusted Shops #tsCheckoutOrderAmount');
  if (reading.orderIds.length > 0) reading.for('order-widget', 10, 'Trusted Shops checkout block');
  return reading.build();
}

/** Shopware 5's SwagGoogle plugin writes the order into data attributes on the finish page. */
function swagGoogle(page: Page): Reading | null {
  const element = queryEach(page.doc, '[data-googleAnalytics][data-orderNumber], [data-googleanalytics][data-ordernumber]');
  if (element === null) return null;
  const reading = new ReadingBuilder('shopware5');
  reading.orderId(element.getAttribute('data-orderNumber'), RANK.analytics, 'SwagGoogle data-orderNumber');
  // data-revenue is net; data-realAmount is what the customer paid.
  reading.total(decimalToMoney(element.getAttribute('data-realAmount'), element.getAttribute('data-currency') ?? page.currency()), RANK.analyticsTotal, 'SwagGoogle data-realAmount');
  if (reading.orderIds.length > 0) reading.for('purchase-event', 10, 'SwagGoogle order data');
  return reading.build();
}

/** The xt:Commerce family (modified, Gambio, xt:Commerce 3) links the new order's printable copy from the success page. */
function printLink(page: Page): Reading | null {
  // One attribute selector at a time, matched natively: a selector list, or reading every anchor's href from script, cost more on a large page.
  const links = [...safeQueryAll(page.doc, 'a[href*="print_order"]', 20), ...safeQueryAll(page.doc, 'a[href*="print_invoice"]', 20)];
  const ids = new Set<string>();
  for (const link of links) {
    const id = /[?&](?:oID|order_id|orders_id)=([A-Za-z0-9-]{1,32})/.exec(link.getAttribute('href') ?? '')?.[1];
    if (id !== undefined) ids.add(id);
  }
  if (ids.size !== 1) return null;
  const reading = new ReadingBuilder('print-link');
  const [id] = ids;
  reading.orderId(id, RANK.analytics, 'print link oID');
  reading.for('print-order-link', 3, 'a link to print this order');
  return reading.build();
}

export function readWidgets(page: Page): Reading[] {
  return [trustedShops(page), swagGoogle(page), printLink(page)].filter((reading): reading is Reading => reading !== null);
}
