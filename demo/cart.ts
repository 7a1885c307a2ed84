/**
 * The cart lives in one plain cookie per shop host: `slug:qty,slug:qty`.
 * Anything in it that is not a product of this shop, or a quantity outside
 * 1–99, is dropped on reading, so a hand-edited cookie cannot break a page.
 */
import type { Product, ShopCatalogue } from './shops.ts';

export const CART_COOKIE = 'demo_cart';
export const MAX_QUANTITY = 99;

export interface CartLine {
  product: Product;
  quantity: number;
  lineTotalMinor: number;
}

export interface CartTotals {
  lines: CartLine[];
  itemCount: number;
  subtotalMinor: number;
  shippingMinor: number;
  totalMinor: number;
}

/** Product slug → quantity, in the order the items were added. */
export type Cart = Map<string, number>;

export function parseCart(cookie: string | undefined, catalogue: ShopCatalogue): Cart {
  const cart: Cart = new Map();
  if (!cookie) return cart;
  for (const entry of cookie.split(',').slice(0, 50)) {
    const [slug, qty] = entry.split(':');
    const quantity = Number(qty);
    if (!slug || !catalogue.products.some((p) => p.slug === slug)) continue;
    if (!Number.isInteger(quantity) || quantity < 1) continue;
    cart.set(slug, Math.min(quantity, MAX_QUANTITY));
  }
  return cart;
}

export function serializeCart(cart: Cart): string {
  return [...cart].map(([slug, qty]) => `${slug}:${qty}`).join(',');
}

export function addToCart(cart: Cart, slug: string, quantity: number): Cart {
  const next = new Map(cart);
  next.set(slug, Math.min((next.get(slug) ?? 0) + quantity, MAX_QUANTITY));
  return next;
}

export function setQuantity(cart: Cart, slug: string, quantity: number): Cart {
  const next = new Map(cart);
  if (quantity < 1) next.delete(slug);
  else next.set(slug, Math.min(quantity, MAX_QUANTITY));
  return next;
}

/** A quantity from a form field: a whole number 1–99, or undefined. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,3}$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return n >= 0 && n <= MAX_QUANTITY ? n : undefined;
}

export function cartTotals(cart: Cart, catalogue: ShopCatalogue): CartTotals {
  const lines: CartLine[] = [];
  for (const [slug, quantity] of cart) {
    const product = catalogue.products.find((p) => p.slug === slug);
    if (product) lines.push({ product, quantity, lineTotalMinor: product.priceMinor * quantity });
  }
  const subtotalMinor = lines.reduce((sum, l) => sum + l.lineTotalMinor, 0);
  const itemCount = lines.reduce((sum, l) => sum + l.quantity, 0);
  const shippingMinor = subtotalMinor === 0 || subtotalMinor >= catalogue.freeShippingFromMinor ? 0 : catalogue.shippingMinor;
  return { lines, itemCount, subtotalMinor, shippingMinor, totalMinor: subtotalMinor + shippingMinor };
}
