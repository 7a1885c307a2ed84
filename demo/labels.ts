/** The words on the demo pages, in the shop's language. */
import type { Language } from './shops.ts';

export interface Labels {
  lang: string;
  home: string;
  cart: string;
  products: string;
  addToCart: string;
  quantity: string;
  update: string;
  remove: string;
  emptyCart: string;
  continueShopping: string;
  toCheckout: string;
  subtotal: string;
  shipping: string;
  freeShipping: string;
  total: string;
  inclVat: string;
  checkout: string;
  address: string;
  name: string;
  email: string;
  street: string;
  postcode: string;
  city: string;
  payment: string;
  paymentMethods: readonly string[];
  placeOrder: string;
  item: string;
  unitPrice: string;
  itemTotal: string;
  recommendations: string;
  articleNo: string;
  inStock: string;
  demoBanner: string;
  otherShops: string;
  notFound: string;
  orderNotFound: string;
}

const de: Labels = {
  lang: 'de',
  home: 'Startseite',
  cart: 'Warenkorb',
  products: 'Unsere Produkte',
  addToCart: 'In den Warenkorb',
  quantity: 'Menge',
  update: 'Aktualisieren',
  remove: 'Entfernen',
  emptyCart: 'Ihr Warenkorb ist leer.',
  continueShopping: 'Weiter einkaufen',
  toCheckout: 'Zur Kasse',
  subtotal: 'Zwischensumme',
  shipping: 'Versandkosten',
  freeShipping: 'kostenlos',
  total: 'Gesamtsumme',
  inclVat: 'inkl. MwSt.',
  checkout: 'Kasse',
  address: 'Lieferadresse',
  name: 'Name',
  email: 'E-Mail-Adresse',
  street: 'Straße und Hausnummer',
  postcode: 'PLZ',
  city: 'Ort',
  payment: 'Zahlungsart',
  paymentMethods: ['Rechnung', 'PayPal', 'Kreditkarte'],
  placeOrder: 'Zahlungspflichtig bestellen',
  item: 'Artikel',
  unitPrice: 'Stückpreis',
  itemTotal: 'Summe',
  recommendations: 'Das könnte Ihnen auch gefallen',
  articleNo: 'Artikelnummer',
  inStock: 'Sofort lieferbar',
  demoBanner: 'Demo-Shop — Teil der Sammelpunkt-Demo. Keine echten Bestellungen, kein echtes Geld.',
  otherShops: 'Weitere Demo-Shops',
  notFound: 'Seite nicht gefunden',
  orderNotFound: 'Diese Bestellung gibt es nicht.',
};

const en: Labels = {
  lang: 'en',
  home: 'Home',
  cart: 'Cart',
  products: 'Our products',
  addToCart: 'Add to cart',
  quantity: 'Quantity',
  update: 'Update',
  remove: 'Remove',
  emptyCart: 'Your cart is empty.',
  continueShopping: 'Continue shopping',
  toCheckout: 'Proceed to checkout',
  subtotal: 'Subtotal',
  shipping: 'Shipping',
  freeShipping: 'free',
  total: 'Total',
  inclVat: 'incl. VAT',
  checkout: 'Checkout',
  address: 'Shipping address',
  name: 'Name',
  email: 'Email address',
  street: 'Street and number',
  postcode: 'Postcode',
  city: 'City',
  payment: 'Payment method',
  paymentMethods: ['Invoice', 'PayPal', 'Credit card'],
  placeOrder: 'Place order',
  item: 'Product',
  unitPrice: 'Price',
  itemTotal: 'Total',
  recommendations: 'You may also like',
  articleNo: 'SKU',
  inStock: 'In stock',
  demoBanner: 'Demo shop — part of the Sammelpunkt demo. No real orders, no real money.',
  otherShops: 'Other demo shops',
  notFound: 'Page not found',
  orderNotFound: 'There is no such order.',
};

/** Swiss German: the same words, written without ß. */
const deCH: Labels = { ...de, lang: 'de-CH', street: 'Strasse und Hausnummer', total: 'Gesamt (inkl. MwSt.)' };

export function labelsFor(language: Language): Labels {
  return language === 'en' ? en : language === 'de-CH' ? deCH : de;
}
