/**
 * What makes one demo shop look like its platform: its URLs, its body
 * classes, how it prints prices and totals, and above all its order
 * confirmation page, which mirrors the platform's real theme markup so that
 * generic detectors can be tried on it.
 */
import type { CartTotals } from './cart.ts';
import type { Labels } from './labels.ts';
import type { MoneyStyle } from './money.ts';
import type { DemoOrder, OrderBook } from './orders.ts';
import type { DemoShop, Product, ShopCatalogue } from './shops.ts';

export type PageKind = 'home' | 'product' | 'cart' | 'checkout' | 'confirmation';

export interface ShopPaths {
  product(product: Product, index: number): string;
  cart: string;
  /** POST: slug + quantity; answers 303 to the cart. */
  cartAdd: string;
  /** POST: slug + quantity (0 removes); answers 303 to the cart. */
  cartUpdate: string;
  checkout: string;
  /** POST: the checkout form; answers 303 to the confirmation. */
  placeOrder: string;
  /** A Hono route pattern for GET of the confirmation page. */
  confirmationRoute: string;
}

/** What a confirmation route can look at to find its order. */
export interface ConfirmationRequest {
  url: URL;
  param(name: string): string | undefined;
  /** The token of the last order placed in this browser (a cookie), for platforms whose success URL names no order. */
  lastOrderToken: string | undefined;
}

/** Everything a page renderer needs about the shop it is drawing. */
export interface ShopContext {
  shop: DemoShop;
  catalogue: ShopCatalogue;
  theme: Theme;
  labels: Labels;
  /** `host:port` of this request, to link the other demo shops on the same port. */
  port: string;
  apiBase: string | undefined;
  cartCount: number;
}

export interface RenderedPage {
  title: string;
  main: string;
  /** Extra markup for `<head>`: JSON-LD, platform globals. */
  head?: string;
  /** Extra markup at the end of `<body>`: GA4 events, late rendering. */
  scripts?: string;
}

export interface Theme {
  paths: ShopPaths;
  money: MoneyStyle;
  /** Markup every page of the platform carries in `<head>` (Shopify's and PrestaShop's globals). */
  pageHead?(ctx: ShopContext, kind: PageKind): string;
  /** Attributes of `<body>` (`class="…"`, `id="…"`) for each kind of page. */
  bodyAttributes(kind: PageKind): string;
  /** A price as the platform marks it up; defaults to `<span class="price">`. */
  price?(ctx: ShopContext, minor: number): string;
  /** The totals box of the cart and the checkout step, in the platform's markup. */
  summary(ctx: ShopContext, totals: CartTotals, kind: 'cart' | 'checkout'): string;
  /** Anything a platform adds to its checkout step (Shopify's `Shopify.Checkout.step`). */
  checkoutHead?(ctx: ShopContext, totals: CartTotals): string;
  confirmationUrl(order: DemoOrder): string;
  findOrder(req: ConfirmationRequest, book: OrderBook): DemoOrder | undefined;
  confirmation(ctx: ShopContext, order: DemoOrder): RenderedPage;
}
