/**
 * One demo shop as a Hono app: listing, product pages, a cookie cart, the
 * checkout step, placing an order (POST → 303) and the order confirmation,
 * which is a GET of a stored order. The theme decides the URLs and markup.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { CART_COOKIE, addToCart, cartTotals, parseCart, parseQuantity, serializeCart, setQuantity, type Cart, type CartLine } from './cart.ts';
import { labelsFor } from './labels.ts';
import { OrderBook, type Customer } from './orders.ts';
import { DEMO_CUSTOMER, cartPage, checkoutPage, homePage, layout, notFoundPage, productPage } from './pages.ts';
import { CATALOGUES, type DemoShop } from './shops.ts';
import type { PageKind, RenderedPage, ShopContext, Theme } from './theme.ts';

/** The browser's token of its last order, for success pages whose URL names no order (Magento). */
const LAST_ORDER_COOKIE = 'demo_last_order';

export interface ShopAppOptions {
  apiBase?: string;
  now?: () => Date;
}

export function createShopApp(shop: DemoShop, theme: Theme, opts: ShopAppOptions = {}): Hono {
  const catalogue = CATALOGUES[shop.id];
  const labels = labelsFor(shop.language);
  const book = new OrderBook(shop.platform, shop.currency);
  const now = opts.now ?? (() => new Date());
  const app = new Hono();

  const readCart = (c: Context): Cart => parseCart(getCookie(c, CART_COOKIE), catalogue);
  const writeCart = (c: Context, cart: Cart) => {
    if (cart.size === 0) deleteCookie(c, CART_COOKIE, { path: '/' });
    else setCookie(c, CART_COOKIE, serializeCart(cart), { path: '/', httpOnly: true, sameSite: 'Lax' });
  };
  const context = (c: Context, cart: Cart): ShopContext => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const port = /:\d+$/.exec(host)?.[0] ?? '';
    return { shop, catalogue, theme, labels, port, apiBase: opts.apiBase, cartCount: cartTotals(cart, catalogue).itemCount };
  };
  const render = (c: Context, kind: PageKind, page: RenderedPage, status: 200 | 404 = 200, cart = readCart(c)) => {
    c.header('Cache-Control', 'no-store');
    return c.html(layout(context(c, cart), kind, page), status);
  };
  const notFound = (c: Context, message = labels.notFound) => render(c, 'home', notFoundPage(context(c, readCart(c)), message), 404);

  app.get('/', (c) => render(c, 'home', homePage(context(c, readCart(c)))));

  // Test tooling compares these with what the extension recorded; no page links here.
  app.get('/__demo/orders.json', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ shop: shop.id, orders: book.summaries() });
  });

  app.get(theme.paths.cart, (c) => {
    const cart = readCart(c);
    const totals = cartTotals(cart, catalogue);
    const addedSlug = c.req.query('added');
    const added: CartLine | undefined = totals.lines.find((l) => l.product.slug === addedSlug);
    return render(c, 'cart', cartPage(context(c, cart), totals, added), 200, cart);
  });

  app.post(theme.paths.cartAdd, async (c) => {
    const form = await c.req.parseBody();
    const slug = typeof form.product === 'string' ? form.product : '';
    const quantity = parseQuantity(form.quantity ?? '1');
    if (!catalogue.products.some((p) => p.slug === slug) || !quantity) return c.text('Unknown product or bad quantity', 400);
    writeCart(c, addToCart(readCart(c), slug, quantity));
    return c.redirect(`${theme.paths.cart}?added=${encodeURIComponent(slug)}`, 303);
  });

  app.post(theme.paths.cartUpdate, async (c) => {
    const form = await c.req.parseBody();
    const slug = typeof form.product === 'string' ? form.product : '';
    const quantity = parseQuantity(form.quantity);
    if (quantity === undefined) return c.text('Bad quantity', 400);
    writeCart(c, setQuantity(readCart(c), slug, quantity));
    return c.redirect(theme.paths.cart, 303);
  });

  app.get(theme.paths.checkout, (c) => {
    const cart = readCart(c);
    const totals = cartTotals(cart, catalogue);
    if (totals.lines.length === 0) return c.redirect(theme.paths.cart, 303);
    return render(c, 'checkout', checkoutPage(context(c, cart), totals), 200, cart);
  });

  app.post(theme.paths.placeOrder, async (c) => {
    const totals = cartTotals(readCart(c), catalogue);
    if (totals.lines.length === 0) return c.redirect(theme.paths.cart, 303);
    const customer = customerFrom(await c.req.parseBody(), labels.paymentMethods[0] ?? '');
    const order = book.place(totals, customer, now());
    writeCart(c, new Map());
    setCookie(c, LAST_ORDER_COOKIE, order.token, { path: '/', httpOnly: true, sameSite: 'Lax' });
    return c.redirect(theme.confirmationUrl(order), 303);
  });

  app.get(theme.paths.confirmationRoute, (c) => {
    const order = theme.findOrder(
      { url: new URL(c.req.url), param: (name) => c.req.param(name), lastOrderToken: getCookie(c, LAST_ORDER_COOKIE) },
      book,
    );
    if (!order) return notFound(c, labels.orderNotFound);
    return render(c, 'confirmation', theme.confirmation(context(c, readCart(c)), order));
  });

  // Product pages use each platform's own URL shape, so they are matched by path, not by route pattern.
  app.get('*', (c) => {
    const index = catalogue.products.findIndex((p, i) => theme.paths.product(p, i) === c.req.path);
    const product = catalogue.products[index];
    if (!product) return notFound(c);
    return render(c, 'product', productPage(context(c, readCart(c)), product, new URL(c.req.url)));
  });

  app.notFound((c) => notFound(c));
  return app;
}

function field(form: Record<string, unknown>, name: string, fallback: string): string {
  const value = form[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 120) : fallback;
}

/** The checkout form; empty fields fall back to the demo customer so a click on "place order" always works. */
function customerFrom(form: Record<string, unknown>, defaultPayment: string): Customer {
  return {
    name: field(form, 'name', DEMO_CUSTOMER.name),
    email: field(form, 'email', DEMO_CUSTOMER.email),
    street: field(form, 'street', DEMO_CUSTOMER.street),
    postcode: field(form, 'postcode', DEMO_CUSTOMER.postcode),
    city: field(form, 'city', DEMO_CUSTOMER.city),
    payment: field(form, 'payment', defaultPayment),
  };
}
