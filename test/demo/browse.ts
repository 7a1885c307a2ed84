/**
 * Shopping through a demo shop the way a person does with a mouse: follow the
 * links and submit the forms the pages show, never a URL the test made up.
 */
import { Window } from 'happy-dom';
import { ShopClient } from './client.ts';

export interface Page {
  path: string;
  status: number;
  html: string;
}

export interface Journey {
  home: Page;
  product: Page;
  cart: Page;
  checkout: Page;
  confirmation: Page;
}

/** Parses a page without running its scripts, as the `detect` CLI does. */
export function parsePage(html: string, url: URL): { document: Document; close: () => Promise<void> } {
  const window = new Window({
    url: url.href,
    settings: {
      enableJavaScriptEvaluation: false,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      handleDisabledFileLoadingAsSuccess: true,
      navigation: { disableMainFrameNavigation: true, disableChildFrameNavigation: true, disableChildPageNavigation: true },
    },
  });
  window.document.write(html);
  // happy-dom's Document implements the DOM the detectors read; its own type is not lib.dom's.
  const document = window.document as unknown as Document;
  return { document, close: () => window.happyDOM.close() };
}

async function withPage<T>(client: ShopClient, page: Page, read: (doc: Document) => T): Promise<T> {
  const { document, close } = parsePage(page.html, client.url(page.path));
  try {
    return read(document);
  } finally {
    await close();
  }
}

async function load(client: ShopClient, path: string): Promise<Page> {
  const response = await client.get(path);
  return { path, status: response.status, html: await response.text() };
}

async function submit(client: ShopClient, form: { action: string; fields: Record<string, string> }): Promise<{ redirect: Response; page: Page }> {
  const redirect = await client.post(form.action, form.fields);
  const { response, path } = await client.follow(redirect.clone());
  return { redirect, page: { path, status: response.status, html: await response.text() } };
}

function formFields(form: HTMLFormElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const input of Array.from(form.querySelectorAll('input'))) {
    if ((input.type === 'radio' || input.type === 'checkbox') && !input.checked) continue;
    fields[input.name] = input.value;
  }
  return fields;
}

/** Opens the shop, clicks a product, adds it to the cart. */
export async function addProduct(client: ShopClient, productIndex: number, quantity: number): Promise<{ home: Page; product: Page; cart: Page; redirect: Response }> {
  const home = await load(client, '/');
  const productHref = await withPage(client, home, (doc) => doc.querySelectorAll<HTMLAnchorElement>('.product-card h3 a')[productIndex]?.getAttribute('href'));
  if (!productHref) throw new Error(`no product ${productIndex} on ${client.host}`);
  const product = await load(client, productHref);
  const form = await withPage(client, product, (doc) => {
    const element = doc.querySelector<HTMLFormElement>('form.add-to-cart');
    return element ? { action: element.getAttribute('action') ?? '', fields: { ...formFields(element), quantity: String(quantity) } } : undefined;
  });
  if (!form) throw new Error(`no add-to-cart form on ${productHref}`);
  const { redirect, page: cart } = await submit(client, form);
  return { home, product, cart, redirect };
}

/** From the cart: the checkout button, then the "place order" button with the prefilled form. */
export async function checkOut(client: ShopClient, cart: Page, fields: Record<string, string> = {}): Promise<{ checkout: Page; confirmation: Page; redirect: Response }> {
  const checkoutHref = await withPage(client, cart, (doc) => doc.querySelector('a.checkout-button')?.getAttribute('href'));
  if (!checkoutHref) throw new Error(`no checkout button on ${cart.path}`);
  const checkout = await load(client, checkoutHref);
  const form = await withPage(client, checkout, (doc) => {
    const element = doc.querySelector<HTMLFormElement>('form.checkout-form');
    return element ? { action: element.getAttribute('action') ?? '', fields: { ...formFields(element), ...fields } } : undefined;
  });
  if (!form) throw new Error(`no checkout form on ${checkoutHref}`);
  const { redirect, page: confirmation } = await submit(client, form);
  return { checkout, confirmation, redirect };
}

export async function shopOnce(client: ShopClient, items: ReadonlyArray<readonly [productIndex: number, quantity: number]>): Promise<Journey & { placed: Response }> {
  let first: { home: Page; product: Page; cart: Page } | undefined;
  let cart: Page | undefined;
  for (const [index, quantity] of items) {
    const added = await addProduct(client, index, quantity);
    first ??= added;
    cart = added.cart;
  }
  if (!first || !cart) throw new Error('nothing to buy');
  const { checkout, confirmation, redirect } = await checkOut(client, cart);
  return { home: first.home, product: first.product, cart, checkout, confirmation, placed: redirect };
}

export async function reload(client: ShopClient, page: Page): Promise<Page> {
  return load(client, page.path);
}
