/**
 * Pages that are certainly not an order confirmation: carts, checkout steps
 * before the order is placed, product pages and order histories. They can
 * carry everything a detector looks for (a price, a GA4 event, JSON-LD of
 * past orders), so the generic detectors do not even look at them. Only the
 * URL and the body's classes and id are read, which keeps a partner page
 * that is not a confirmation well under the time budget.
 */

/** Account areas show past orders; nothing there is a new purchase. */
const HISTORY_PATH =
  /\/(?:my-account|mein-konto|account|konto|customer\/account)\/(?:orders?|bestellungen|view-order|order-detail)(?:\/|$)|\/sales\/order\/(?:history|view)|\/(?:order-history|bestellverlauf|bestellungsverlauf|order-detail|bestelldetails)(?:\/|$|\.)/i;
const HISTORY_QUERY = /(?:^|&)controller=(?:history|order-detail)(?:&|$)/i;

/** Paths of the page shown after the order was placed, on the platforms we know and in custom shops. */
const CONFIRMATION_PATH =
  /(?:order-received|bestellung-erhalten|thank[-_]?you|danke|vielen-dank|\/checkout\/finish|\/onepage\/success|order-confirmation|bestellbestaetigung|bestellbestätigung|bestellung-abgeschlossen|order-complete|\/success(?:\/|$))/i;
const CONFIRMATION_QUERY = /(?:^|&)controller=order-confirmation(?:&|$)/i;
const CONFIRMATION_BODY_CLASSES = ['woocommerce-order-received', 'is-act-finishpage', 'checkout-onepage-success', 'page-order-confirmation'];

const CART_OR_CHECKOUT_PATH =
  /\/(?:cart|warenkorb|basket|checkout|checkouts|kasse|order|bestellung)(?:\/|$|\?|\.)|\/checkout\/(?:confirm|register|cart)(?:\/|$)/i;
const CART_OR_CHECKOUT_QUERY = /(?:^|&)controller=(?:cart|order|product)(?:&|$)/i;
const PRODUCT_PATH = /\/(?:products?|produkte?)\/[^/]+/i;

const NEGATIVE_BODY_CLASSES = [
  // WooCommerce
  'woocommerce-cart', 'woocommerce-account', 'single-product',
  // Shopware 6
  'is-act-cartpage', 'is-act-confirmpage', 'is-act-checkoutregisterpage', 'is-ctl-accountorder', 'is-ctl-product',
  // Magento 2
  'checkout-cart-index', 'checkout-index-index', 'sales-order-history', 'sales-order-view', 'catalog-product-view', 'customer-account-index',
  // Shopify themes
  'template-cart', 'template-product', 'template-customers-order', 'template-customers-account',
];
/** PrestaShop names the page in the body's id. */
const NEGATIVE_BODY_IDS = new Set(['cart', 'checkout', 'history', 'order-detail', 'product']);

/** Why this page is not a confirmation, or null when it might be one. */
export function nonConfirmationReason(url: URL, doc: Document): string | null {
  const path = url.pathname.slice(0, 2000);
  const query = url.search.slice(1, 2000);
  const body = doc.body;
  const classes = body?.classList;
  if (HISTORY_PATH.test(path) || HISTORY_QUERY.test(query)) return 'an order-history page';

  const confirmationHint =
    CONFIRMATION_PATH.test(path) ||
    CONFIRMATION_QUERY.test(query) ||
    body?.id === 'order-confirmation' ||
    CONFIRMATION_BODY_CLASSES.some((name) => classes?.contains(name) === true);
  if (classes?.contains('woocommerce-account') || classes?.contains('is-ctl-accountorder') || classes?.contains('sales-order-history')) {
    return 'an order-history page';
  }
  if (confirmationHint) return null;

  const negativeClass = NEGATIVE_BODY_CLASSES.find((name) => classes?.contains(name) === true);
  if (negativeClass !== undefined) return `a cart, checkout step, product or account page (body class "${negativeClass}")`;
  if (body !== null && body !== undefined && NEGATIVE_BODY_IDS.has(body.id)) return `a cart, checkout step, product or account page (body id "${body.id}")`;
  if (classes?.contains('woocommerce-checkout')) return 'a checkout step before the order is placed';
  if (CART_OR_CHECKOUT_PATH.test(path) || CART_OR_CHECKOUT_QUERY.test(query)) return 'a cart or a checkout step before the order is placed';
  if (PRODUCT_PATH.test(path)) return 'a product page';
  return null;
}

/** True for carts, checkout steps before the order, product pages and order histories. */
export function looksLikeNonConfirmation(url: URL, doc: Document): boolean {
  return nonConfirmationReason(url, doc) !== null;
}
