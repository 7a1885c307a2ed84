/**
 * The pages every demo shop has — listing, product, cart, checkout step — and
 * the frame around them. Platform specifics come from the shop's theme.
 */
import type { CartLine, CartTotals } from './cart.ts';
import { MAX_QUANTITY } from './cart.ts';
import { dataLayerPush, esc, jsonLdScript } from './html.ts';
import { decimal, formatMoney } from './money.ts';
import type { Customer } from './orders.ts';
import { DEMO_SHOPS, type Product } from './shops.ts';
import type { PageKind, RenderedPage, ShopContext } from './theme.ts';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d232a;background:#f6f7f9}
a{color:#0b5cad}
.demo-banner{background:#ffd43b;color:#1d232a;padding:.4rem 1rem;font-size:.9rem;text-align:center}
.site-header{display:flex;justify-content:space-between;align-items:center;padding:1rem 1.5rem;background:#fff;border-bottom:1px solid #dde1e6}
.site-header .logo{font-weight:700;font-size:1.3rem;text-decoration:none;color:#1d232a}
.site-header nav a{margin-left:1rem}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}
.products{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:1rem;padding:0;list-style:none}
.card,.box{background:#fff;border:1px solid #dde1e6;border-radius:.5rem;padding:1rem}
.card h3{margin:.2rem 0 .5rem;font-size:1.05rem}
.price{font-weight:600}
button,.button{display:inline-block;background:#0b5cad;color:#fff;border:0;border-radius:.35rem;padding:.55rem 1rem;font:inherit;cursor:pointer;text-decoration:none}
button.secondary{background:#e7ebf0;color:#1d232a}
input,select{font:inherit;padding:.35rem .5rem;border:1px solid #b9c0c8;border-radius:.3rem}
input[type=number]{width:4.5rem}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e4e7eb;vertical-align:middle}
td.num,th.num{text-align:right}
.summary{margin-top:1rem;max-width:24rem;margin-left:auto}
.summary dl,.summary table{margin:0}
.summary dt,.summary dd{display:inline-block;margin:0;width:49%}
.summary dd{text-align:right}
.grand{font-weight:700;font-size:1.1rem}
form.checkout-form{display:grid;gap:.6rem;max-width:30rem}
form.checkout-form label{display:grid;gap:.2rem}
.thanks{background:#e8f6ec;border:1px solid #a6d8b4;border-radius:.5rem;padding:1rem 1.25rem}
.recommendations ul{display:flex;gap:1rem;list-style:none;padding:0;flex-wrap:wrap}
.recommendations li{background:#fff;border:1px solid #dde1e6;border-radius:.5rem;padding:.6rem .8rem}
footer{max-width:60rem;margin:2rem auto;padding:1rem;color:#56606b;font-size:.9rem;border-top:1px solid #dde1e6}
footer a{margin-right:.8rem}
.spinner{color:#56606b;font-style:italic}
`;

export function money(ctx: ShopContext, minor: number): string {
  return formatMoney(minor, ctx.theme.money);
}

export function price(ctx: ShopContext, minor: number): string {
  return ctx.theme.price ? ctx.theme.price(ctx, minor) : `<span class="price">${esc(money(ctx, minor))}</span>`;
}

function otherShopLinks(ctx: ShopContext): string {
  return DEMO_SHOPS.filter((s) => s.id !== ctx.shop.id)
    .map((s) => `<a href="http://${esc(s.hostLabel)}.localhost${esc(ctx.port)}/">${esc(s.name)}</a>`)
    .join(' ');
}

export function layout(ctx: ShopContext, kind: PageKind, page: RenderedPage): string {
  const { labels, shop } = ctx;
  const api = ctx.apiBase ? ` · API: <a href="${esc(ctx.apiBase)}/health">${esc(ctx.apiBase)}</a>` : '';
  return `<!doctype html>
<html lang="${esc(labels.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)} | ${esc(shop.name)}</title>
<style>${CSS}</style>
${ctx.theme.pageHead?.(ctx, kind) ?? ''}
${page.head ?? ''}
</head>
<body ${ctx.theme.bodyAttributes(kind)}>
<div class="demo-banner" role="note">${esc(labels.demoBanner)}${api}</div>
<header class="site-header">
<a class="logo" href="/">${esc(shop.name)}</a>
<nav><a href="/">${esc(labels.home)}</a><a href="${esc(ctx.theme.paths.cart)}" class="header-cart">${esc(labels.cart)} (<span class="cart-count">${ctx.cartCount}</span>)</a></nav>
</header>
<main>
${page.main}
</main>
<footer>${esc(labels.otherShops)}: ${otherShopLinks(ctx)}</footer>
${page.scripts ?? ''}
</body>
</html>`;
}

export function ga4Item(product: Product, quantity: number): Record<string, string | number> {
  return { item_id: product.sku, item_name: product.name, price: Number(decimal(product.priceMinor)), quantity };
}

function addToCartForm(ctx: ShopContext, product: Product): string {
  return `<form method="post" action="${esc(ctx.theme.paths.cartAdd)}" class="add-to-cart">
<input type="hidden" name="product" value="${esc(product.slug)}">
<label>${esc(ctx.labels.quantity)} <input type="number" name="quantity" value="1" min="1" max="${MAX_QUANTITY}"></label>
<button type="submit">${esc(ctx.labels.addToCart)}</button>
</form>`;
}

export function homePage(ctx: ShopContext): RenderedPage {
  const cards = ctx.catalogue.products
    .map(
      (p, i) => `<li class="card product-card">
<h3><a href="${esc(ctx.theme.paths.product(p, i))}">${esc(p.name)}</a></h3>
<p>${price(ctx, p.priceMinor)}</p>
${addToCartForm(ctx, p)}
</li>`,
    )
    .join('\n');
  return {
    title: ctx.labels.products,
    main: `<h1>${esc(ctx.shop.name)}</h1><p>${esc(ctx.shop.tagline)}</p><h2>${esc(ctx.labels.products)}</h2><ul class="products">${cards}</ul>`,
  };
}

export function productPage(ctx: ShopContext, product: Product, url: URL): RenderedPage {
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.name,
    sku: product.sku,
    description: product.description,
    offers: {
      '@type': 'Offer',
      url: url.href,
      price: decimal(product.priceMinor),
      priceCurrency: ctx.shop.currency,
      availability: 'https://schema.org/InStock',
    },
  };
  return {
    title: product.name,
    head: jsonLdScript(jsonLd),
    main: `<article class="box product-detail">
<h1 class="product-name">${esc(product.name)}</h1>
<p>${esc(ctx.labels.articleNo)}: <span class="sku">${esc(product.sku)}</span></p>
<p class="product-price">${price(ctx, product.priceMinor)} <small>${esc(ctx.labels.inclVat)}</small></p>
<p>${esc(product.description)}</p>
<p>${esc(ctx.labels.inStock)}</p>
${addToCartForm(ctx, product)}
</article>
${recommendations(ctx, [product.slug])}`,
    scripts: dataLayerPush('view_item', {
      currency: ctx.shop.currency,
      value: Number(decimal(product.priceMinor)),
      items: [ga4Item(product, 1)],
    }),
  };
}

export function cartPage(ctx: ShopContext, totals: CartTotals, added: CartLine | undefined): RenderedPage {
  const { labels, theme } = ctx;
  if (totals.lines.length === 0) {
    return {
      title: labels.cart,
      main: `<h1>${esc(labels.cart)}</h1><p class="cart-empty">${esc(labels.emptyCart)}</p><p><a class="button" href="/">${esc(labels.continueShopping)}</a></p>`,
    };
  }
  const rows = totals.lines
    .map(
      (l) => `<tr class="cart-item">
<td>${esc(l.product.name)}</td>
<td class="num">${price(ctx, l.product.priceMinor)}</td>
<td><form method="post" action="${esc(theme.paths.cartUpdate)}"><input type="hidden" name="product" value="${esc(l.product.slug)}"><input type="number" name="quantity" value="${l.quantity}" min="0" max="${MAX_QUANTITY}" aria-label="${esc(labels.quantity)}"> <button class="secondary" type="submit">${esc(labels.update)}</button></form></td>
<td class="num">${price(ctx, l.lineTotalMinor)}</td>
<td><form method="post" action="${esc(theme.paths.cartUpdate)}"><input type="hidden" name="product" value="${esc(l.product.slug)}"><input type="hidden" name="quantity" value="0"><button class="secondary" type="submit">${esc(labels.remove)}</button></form></td>
</tr>`,
    )
    .join('\n');
  const events = [
    added
      ? dataLayerPush('add_to_cart', {
          currency: ctx.shop.currency,
          value: Number(decimal(added.product.priceMinor * added.quantity)),
          items: [ga4Item(added.product, added.quantity)],
        })
      : '',
    dataLayerPush('view_cart', {
      currency: ctx.shop.currency,
      value: Number(decimal(totals.totalMinor)),
      items: totals.lines.map((l) => ga4Item(l.product, l.quantity)),
    }),
  ];
  return {
    title: labels.cart,
    main: `<h1>${esc(labels.cart)}</h1>
<table class="cart-table"><thead><tr><th>${esc(labels.item)}</th><th class="num">${esc(labels.unitPrice)}</th><th>${esc(labels.quantity)}</th><th class="num">${esc(labels.itemTotal)}</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>
${theme.summary(ctx, totals, 'cart')}
<p style="text-align:right"><a class="button checkout-button" href="${esc(theme.paths.checkout)}">${esc(labels.toCheckout)}</a></p>
${recommendations(ctx, totals.lines.map((l) => l.product.slug))}`,
    scripts: events.join('\n'),
  };
}

export const DEMO_CUSTOMER: Customer = {
  name: 'Erika Mustermann',
  email: 'erika@example.org',
  street: 'Musterstraße 12',
  postcode: '10115',
  city: 'Berlin',
  payment: '',
};

export function checkoutPage(ctx: ShopContext, totals: CartTotals): RenderedPage {
  const { labels, theme } = ctx;
  const swiss = ctx.shop.language === 'de-CH';
  const field = (name: keyof Customer, label: string, value: string, type = 'text') =>
    `<label>${esc(label)} <input type="${type}" name="${name}" value="${esc(value)}" required maxlength="120"></label>`;
  const methods = labels.paymentMethods
    .map((m, i) => `<label><span><input type="radio" name="payment" value="${esc(m)}"${i === 0 ? ' checked' : ''}> ${esc(m)}</span></label>`)
    .join('');
  const review = totals.lines
    .map((l) => `<tr><td>${l.quantity} × ${esc(l.product.name)}</td><td class="num">${price(ctx, l.lineTotalMinor)}</td></tr>`)
    .join('');
  return {
    title: labels.checkout,
    head: theme.checkoutHead?.(ctx, totals),
    main: `<h1>${esc(labels.checkout)}</h1>
<div class="checkout-columns">
<form method="post" action="${esc(theme.paths.placeOrder)}" class="checkout-form box">
<h2>${esc(labels.address)}</h2>
${field('name', labels.name, DEMO_CUSTOMER.name)}
${field('email', labels.email, DEMO_CUSTOMER.email, 'email')}
${field('street', labels.street, swiss ? 'Bahnhofstrasse 7' : DEMO_CUSTOMER.street)}
${field('postcode', labels.postcode, swiss ? '8001' : DEMO_CUSTOMER.postcode)}
${field('city', labels.city, swiss ? 'Zürich' : DEMO_CUSTOMER.city)}
<fieldset><legend>${esc(labels.payment)}</legend>${methods}</fieldset>
<button type="submit" class="place-order">${esc(labels.placeOrder)}</button>
</form>
<section class="order-review box"><table>${review}</table>
${theme.summary(ctx, totals, 'checkout')}
</section>
</div>`,
    scripts: dataLayerPush('begin_checkout', {
      currency: ctx.shop.currency,
      value: Number(decimal(totals.totalMinor)),
      items: totals.lines.map((l) => ga4Item(l.product, l.quantity)),
    }),
  };
}

/** Other products with their prices: realistic noise next to a confirmation's total. */
export function recommendations(ctx: ShopContext, exclude: readonly string[]): string {
  const items = ctx.catalogue.products
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !exclude.includes(p.slug))
    .slice(0, 3)
    .map(({ p, i }) => `<li><a href="${esc(ctx.theme.paths.product(p, i))}">${esc(p.name)}</a><br>${price(ctx, p.priceMinor)}</li>`)
    .join('');
  return items ? `<section class="recommendations"><h2>${esc(ctx.labels.recommendations)}</h2><ul>${items}</ul></section>` : '';
}

/** The ordered items as a table: each unit price and line total, the noise every confirmation carries. */
export function orderLines(ctx: ShopContext, lines: readonly CartLine[], tableClass = 'order-items'): string {
  const { labels } = ctx;
  const rows = lines
    .map(
      (l) =>
        `<tr class="order-item"><td>${esc(l.product.name)}</td><td class="num">${price(ctx, l.product.priceMinor)}</td><td class="num">${l.quantity}</td><td class="num">${price(ctx, l.lineTotalMinor)}</td></tr>`,
    )
    .join('');
  return `<table class="${esc(tableClass)}"><thead><tr><th>${esc(labels.item)}</th><th class="num">${esc(labels.unitPrice)}</th><th class="num">${esc(labels.quantity)}</th><th class="num">${esc(labels.itemTotal)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function shippingText(ctx: ShopContext, shippingMinor: number): string {
  return shippingMinor === 0 ? esc(ctx.labels.freeShipping) : price(ctx, shippingMinor);
}

export function notFoundPage(ctx: ShopContext, message: string): RenderedPage {
  return { title: ctx.labels.notFound, main: `<h1>${esc(ctx.labels.notFound)}</h1><p>${esc(message)}</p><p><a href="/">${esc(ctx.labels.home)}</a></p>` };
}

/** Totals for shops without a platform theme: subtotal, shipping, total. */
export function plainSummary(ctx: ShopContext, totals: CartTotals): string {
  return `<div class="summary box"><dl>
<dt>${esc(ctx.labels.subtotal)}</dt><dd>${price(ctx, totals.subtotalMinor)}</dd>
<dt>${esc(ctx.labels.shipping)}</dt><dd>${shippingText(ctx, totals.shippingMinor)}</dd>
<dt class="grand">${esc(ctx.labels.total)}</dt><dd class="grand">${price(ctx, totals.totalMinor)}</dd>
</dl><p><small>${esc(ctx.labels.inclVat)}</small></p></div>`;
}
