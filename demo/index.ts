/**
 * The demo partner shops, served by the API process when DEMO is on. Each shop
 * answers on `http://<id>.localhost:PORT/` (browsers resolve `*.localhost` to
 * loopback); the main server routes a request here when `demoShopForHost`
 * knows its Host header, and to the API otherwise:
 *
 *   const shops = createDemoShops({ apiBase });
 *   (c) => demoShopForHost(c.req.header('host') ?? '') ? shops.fetch(c.req.raw) : api.fetch(c.req.raw)
 */
import { Hono } from 'hono';
import { createShopApp } from './shop-app.ts';
import { DEMO_SHOPS, type DemoShop, type Platform, type ShopId } from './shops.ts';
import type { Theme } from './theme.ts';
import { feinkostTheme } from './themes/feinkost.ts';
import { magentoTheme } from './themes/magento.ts';
import { modehausTheme } from './themes/modehaus.ts';
import { prestashopTheme } from './themes/prestashop.ts';
import { roestereiTheme } from './themes/roesterei.ts';
import { teehausTheme } from './themes/teehaus.ts';
import { werkzeugTheme } from './themes/werkzeug.ts';
import { shopifyTheme } from './themes/shopify.ts';
import { shopwareTheme } from './themes/shopware.ts';
import { woocommerceTheme } from './themes/woocommerce.ts';

export { DEMO_SHOPS, type DemoShop, type Platform, type ShopId };

const THEMES: Readonly<Record<Platform, Theme>> = {
  shopware6: shopwareTheme,
  woocommerce: woocommerceTheme,
  magento2: magentoTheme,
  shopify: shopifyTheme,
  'ga4-only': modehausTheme,
  'spa-late': feinkostTheme,
  prestashop: prestashopTheme,
  'hand-built': roestereiTheme,
  unreadable: teehausTheme,
  'order-page': werkzeugTheme,
};

/** The shop id when `host` is `<shopid>.localhost` (with or without a port) for a known shop. */
export function demoShopForHost(host: string): string | undefined {
  const match = /^([a-z0-9-]+)\.localhost\.?(?::\d{1,5})?$/i.exec(host.trim());
  const label = match?.[1]?.toLowerCase();
  return DEMO_SHOPS.find((s) => s.hostLabel === label)?.id;
}

/** Where a shop's home page is, for the start-up banner and the README. */
export function demoShopUrl(shop: DemoShop, port: number): string {
  return `http://${shop.hostLabel}.localhost:${port}/`;
}

/**
 * All demo shops as one Hono app that dispatches on the Host header's first
 * label. Each call makes fresh shops with empty order books, so tests do not
 * share orders.
 */
export function createDemoShops(opts: { apiBase?: string; now?: () => Date } = {}): Hono {
  const shops = new Map<string, Hono>(DEMO_SHOPS.map((shop) => [shop.id, createShopApp(shop, THEMES[shop.platform], opts)]));
  const app = new Hono();
  // The shops imitate real ones, inline scripts and all, so their policy
  // limits what a real shop's would without stopping those scripts: no
  // plugins, no <base> rewrites, no framing by other sites.
  app.use(async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    if (c.res.headers.get('Content-Type')?.startsWith('text/html')) {
      c.res.headers.set('Content-Security-Policy', "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    }
  });
  app.all('*', (c) => {
    const id = demoShopForHost(c.req.header('host') ?? new URL(c.req.url).host);
    const shop = id === undefined ? undefined : shops.get(id);
    if (!shop) return c.text('No demo shop at this host', 404);
    return shop.fetch(c.req.raw);
  });
  return app;
}
