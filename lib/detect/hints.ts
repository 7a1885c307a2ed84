/**
 * What the page's address, body and controls say about which step it is.
 * URL, body classes and title are hints with small weights: shops put their
 * confirmation under `/checkout/…` as often as anywhere, so nothing here
 * decides alone. The one exception is the control that places the order:
 * a page with the final step's "zahlungspflichtig bestellen" / "Place order"
 * button is the review before the order, never its confirmation.
 */
import { ReadingBuilder } from './common.ts';
import { ORDER_STATUS, ORDER_THANKS, PLACE_ORDER_BUTTON, RECEIPT_TITLE } from './labels.ts';
import { shortText, type Page } from './page.ts';
import { VETO, type Reading } from './types.ts';

/** Paths and queries of the page shown after the order, in the shop systems we know and in custom shops. */
const CONFIRMATION_ADDRESS =
  /(?:order-received|bestellung-erhalten|thank[-_]?you|danke|vielen-dank|bedankt|merci|grazie|gracias|dziekujemy|tack|\/checkout\/finish|\/onepage\/success|order-confirmation|orderconfirmation|bestellbest(?:ae|ä|a)tigung|bestellung-abgeschlossen|\/abgeschlossen|bestellabschluss|checkout-complete|order-complete|checkout_success|checkout\/success|\/success(?:\/|$|\?)|\/completed?(?:\/|$|\?)|\/confirmed(?:\/|$)|\/confirmation(?:\/|$|\?)|order\/placed|order-?placed|[?&]success=(?:true|1)|cl=thankyou|controller=order-confirmation|Order-Confirm|\/checkouts\/[^/]+\/thank[-_]you|\/orders\/[0-9a-f]{16,})/i;
const HISTORY_ADDRESS =
  /\/(?:my-account|mein-konto|account|konto|customer\/account|user\/\d+)\/(?:orders?|bestellungen|view-order|order-detail)(?:\/|$)|\/sales\/order\/(?:history|view)|\/(?:order-history|bestellverlauf|bestellungsverlauf|order-detail|orderdetails|bestelldetails)(?:\/|$|\.)|controller=(?:history|order-detail)|Order-Details|\/(?:mein-konto|my-account|customer\/account|kundenkonto|account)(?:\/|$|\?)|\/orders\/\d+$|\/(?:mypage|member|members|user|users)\/(?:history|orders?)(?:\/|$)/i;
const CART_OR_CHECKOUT_ADDRESS = /\/(?:cart|warenkorb|basket|kasse|checkout|bestellvorgang)(?:\/(?:cart|confirm|review|payment|shipping))?(?:\/|$|\?|\.|#)|controller=(?:cart|order)(?:&|$)|route=checkout\/(?:cart|checkout)|checkout_confirmation|checkout_payment|shopping_cart|cl=(?:order|basket|payment)\b/i;
const PRODUCT_ADDRESS = /\/(?:products?|produkte?|artikel|p)\/[^/]+|controller=product/i;

const CONFIRMATION_BODY = [
  'woocommerce-order-received', 'is-act-finishpage', 'is--act-finish', 'checkout-onepage-success', 'page-order-confirmation', 'cl-thankyou',
  'page-checkout-success', 'page-confirmation', 'checkout_success', 'html-order-completed-page', 'page--thank-you', 'template-checkout--success',
];
const NEGATIVE_BODY = [
  'woocommerce-cart', 'woocommerce-account', 'single-product', 'woocommerce-order-pay', 'is-act-cartpage', 'is-act-confirmpage', 'is--act-confirm',
  'is--act-cart', 'is-ctl-accountorder', 'is-ctl-product', 'checkout-cart-index', 'checkout-index-index', 'sales-order-history', 'sales-order-view',
  'catalog-product-view', 'customer-account-index', 'template-cart', 'template-product', 'template-customers-order', 'template-customers-account',
  'cl-order', 'cl-basket', 'page-checkout-confirmation', 'page-shopping-cart', 'page-basket', 'checkout_confirmation',
  'html-order-confirm-page', 'html-shopping-cart-page',
];
const NEGATIVE_BODY_IDS = new Set(['cart', 'checkout', 'history', 'order-detail', 'product']);

const BACK_TO_ORDERS =
  /(?:back to (?:all |my |your )?orders|zurück zu(?:r)? (?:allen |den |meinen |ihren )?bestellungen|zurück zur bestellübersicht|retour (?:à|aux) (?:mes |vos |toutes les )?commandes|terug naar (?:alle |mijn |je )?bestellingen|torna (?:a|agli|ai) (?:tutti gli |i miei )?ordini|volver a (?:mis |todos los )?pedidos)/;

/** "Order again": offered on a past order's page, never on the confirmation of the order just placed. */
const REORDER =
  /^(?:re-?order|order (?:it )?again|buy (?:it )?again|erneut bestellen|(?:noch ?mal|nochmals|wieder) bestellen|nachbestellen|commander (?:à nouveau|de nouveau)|renouveler (?:la|cette) commande|opnieuw bestellen|nogmaals bestellen|ordina di nuovo|riordina|volver a (?:pedir|comprar)|repetir (?:el )?pedido|zamów ponownie|beställ igen|köp igen|bestil igen|køb igen|objednat znovu|再注文(?:する)?|再度購入(?:する)?|再次购买|повторить заказ|tekrar sipariş ver|재주문)$/;
/** The heading of the account's order history or one past order's page. */
const ORDER_HISTORY_HEADING =
  /(?:^(?:my |your )?order history|^(?:meine |ihre )?(?:bestell(?:historie|verlauf)|bestellungen)$|^historique (?:des|de mes|de vos) commandes|^(?:mes|vos) commandes$|^(?:mijn )?bestelgeschiedenis|^mijn bestellingen$|^storico (?:degli )?ordini|^i miei ordini$|^historial de pedidos|^mis pedidos$|^historia zamówień|^moje zamówienia$|^orderhistorik|^ordrehistorik|^historie objednávek|ご?注文履歴|購入履歴|订单历史|历史订单|我的订单|訂單記錄|история заказов|^мои заказы$|історія замовлень|sipariş geçmişi|^siparişlerim$|주문 ?내역)/;
const MAX_LINKS = 400;

/** Whether a link or button offers to order the same again. */
function reorderControl(doc: Document): string | null {
  for (const elements of [doc.getElementsByTagName('a'), doc.getElementsByTagName('button')]) {
    for (let index = 0; index < elements.length && index < MAX_LINKS; index += 1) {
      const text = (elements[index]?.textContent ?? '').trim();
      if (text.length === 0 || text.length > 40) continue;
      if (REORDER.test(text.replace(/\s+/g, ' ').toLowerCase())) return text;
    }
  }
  return null;
}

/** Forms that put one product in the cart carry buy buttons too; those are not the order's final step. */
const ADD_TO_CART = /add[-_]?to[-_]?cart|cart\/add|line-item\/add|addtocart|basket\/add|add-to-basket|warenkorb|buy-widget|product-form|wishlist|merkzettel|notepad|newsletter|search/i;
const ORDER_CONTROL = /order|checkout|pay|submit|confirm|place|complete|bestell|kasse|kaufen|commande|bestelling|ordine|pedido|zam(?:ó|o)wi|best(?:ä|a)ll|bestil|objedn/i;
const MAX_BUTTONS = 200;

function classesAndIds(element: Element): string {
  return `${element.getAttribute('id') ?? ''} ${element.getAttribute('class') ?? ''} ${element.getAttribute('name') ?? ''} ${element.getAttribute('data-testing') ?? ''} ${element.getAttribute('data-test') ?? ''}`;
}

/** The button that places the order on a review step, or null. */
export function placeOrderButton(page: Page): string | null {
  for (const button of pageButtons(page.doc)) {
    const type = (button.getAttribute('type') ?? 'submit').toLowerCase();
    // A plain button, or one outside any form, counts only when its id or class says it places the order:
    // asked before its text is read, so the hundred "Add to cart" tiles of a category page cost an attribute read each.
    const saysOrder = ORDER_CONTROL.test(classesAndIds(button));
    if (!saysOrder && (type === 'button' || button.closest('form') === null)) continue;
    const raw = button.tagName === 'INPUT' ? (button.getAttribute('value') ?? '') : (shortText(button, 80) ?? '');
    // "Finalise and Pay £86.40 For my Order": the amount on the button is not part of its wording.
    const text = raw.replace(/(?:[£$€¥]|chf|eur)\s?\d[\d.,’']*|\d[\d.,’']*\s?(?:€|zł|kr\.?|kč|chf|eur)/gi, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
    if (text.length === 0 || text.length > 80 || !PLACE_ORDER_BUTTON.test(text)) continue;
    const form = button.closest('form');
    if (form !== null) {
      const formSignature = `${form.getAttribute('action') ?? ''} ${classesAndIds(form)}`;
      if (ADD_TO_CART.test(formSignature) || ADD_TO_CART.test(classesAndIds(button))) continue;
      return raw.trim();
    }
    // Outside a form (script-driven checkouts) the button must say what it is.
    if (!ADD_TO_CART.test(classesAndIds(button))) return raw.trim();
  }
  return null;
}

/** A cart: quantity fields in a form that updates the cart. */
function cartForm(page: Page): boolean {
  // The document's forms first (a handful), their fields only where the form is a cart's: a selector list over every field of a large page cost far more.
  const forms = page.doc.forms ?? page.doc.getElementsByTagName('form');
  for (let index = 0; index < forms.length && index < 50; index += 1) {
    const form = forms[index] as Element;
    if (!CART_FORM.test(`${form.getAttribute('action') ?? ''} ${classesAndIds(form)}`)) continue;
    for (const field of Array.from(form.querySelectorAll('input, select')).slice(0, 200)) {
      if (/qty|quantity|cart\[/i.test(field.getAttribute('name') ?? '') && (field.tagName === 'INPUT' || /quantity/i.test(field.getAttribute('name') ?? ''))) return true;
    }
  }
  return false;
}

const CART_FORM = /cart|basket|warenkorb|korb|panier|winkelwagen|carrello|carrito|koszyk|varukorg|kurv|košík/i;

/** Buttons and submit inputs, through the document's tag collections (a selector list lost the browser's fast paths). */
function pageButtons(doc: Document): Element[] {
  const found: Element[] = [];
  const buttons = doc.getElementsByTagName('button');
  for (let index = 0; index < buttons.length && found.length < MAX_BUTTONS; index += 1) found.push(buttons[index] as Element);
  const inputs = doc.getElementsByTagName('input');
  for (let index = 0; index < inputs.length && found.length < MAX_BUTTONS; index += 1) {
    const type = (inputs[index]?.getAttribute('type') ?? '').toLowerCase();
    if (type === 'submit' || type === 'button') found.push(inputs[index] as Element);
  }
  return found;
}

/**
 * The first h1 or h2 (of the first ten of each) whose text passes `test`, read tag by tag: a selector list
 * would match every element of a large page against both.
 */
export function firstHeading(doc: Document, test: (text: string) => boolean): string | null {
  for (const tag of ['h1', 'h2']) {
    const headings = doc.getElementsByTagName(tag);
    for (let index = 0; index < headings.length && index < 10; index += 1) {
      const text = shortText(headings[index], 80);
      if (text !== null && test(text)) return text;
    }
  }
  return null;
}

export function readHints(page: Page): Reading | null {
  const reading = new ReadingBuilder('page');
  const { url, doc } = page;
  const address = `${url.pathname.slice(0, 2000)}${url.search.slice(0, 2000)}`;
  const body = doc.body;
  const bodyClasses = `${body?.getAttribute('class') ?? ''} ${doc.documentElement?.getAttribute('class') ?? ''}`.split(/\s+/);

  if (HISTORY_ADDRESS.test(address)) {
    // Unless the final step led here: shops that show the new order as the account's page of it (SilverShop for members) put it at that address.
    if (page.ctx?.afterFinalStep !== true) reading.for('account-address', -6, `address ${url.pathname}`);
  } else if (CONFIRMATION_ADDRESS.test(address)) reading.for('confirmation-address', 3, `address ${url.pathname}`);
  else if (CART_OR_CHECKOUT_ADDRESS.test(address)) reading.for('checkout-address', -2, `address ${url.pathname}`);
  else if (PRODUCT_ADDRESS.test(address)) reading.for('product-address', -2, `address ${url.pathname}`);

  const positiveClass = CONFIRMATION_BODY.find((name) => bodyClasses.includes(name));
  if (positiveClass !== undefined) reading.for('confirmation-page-class', 3, `class "${positiveClass}"`);
  const negativeClass = NEGATIVE_BODY.find((name) => bodyClasses.includes(name));
  if (negativeClass !== undefined) reading.for('other-page-class', -4, `class "${negativeClass}"`);
  if (body !== null && body !== undefined && NEGATIVE_BODY_IDS.has(body.id)) reading.for('other-page-class', -4, `body id "${body.id}"`);
  if (body?.id === 'order-confirmation') reading.for('confirmation-page-class', 3, 'body id "order-confirmation"');

  const title = (doc.title ?? '').slice(0, 300).toLowerCase();
  if (ORDER_THANKS.test(title) || ORDER_STATUS.test(title) || RECEIPT_TITLE.test(title)) reading.for('confirmation-title', 3, `title "${doc.title.trim()}"`);

  // A link back to the order list: a past order's page in the account, never the confirmation of a new one.
  if (page.bodyMatches(BACK_TO_ORDERS)) reading.for('back-to-orders', -6, 'a link back to the list of orders');
  const reorder = reorderControl(doc);
  if (reorder !== null) reading.for('reorder', -6, `"${reorder}": offered on a past order's page`);
  const historyHeading = firstHeading(doc, (text) => ORDER_HISTORY_HEADING.test(text.toLowerCase()));
  if (historyHeading !== null) reading.for('order-history-heading', -6, `heading "${historyHeading}"`);
  const button = placeOrderButton(page);
  if (button !== null) reading.for('place-order-button', VETO, `button "${button}": the review before the order`);
  if (cartForm(page)) reading.for('cart-form', -12, 'quantity fields in a cart form');
  return reading.build();
}
