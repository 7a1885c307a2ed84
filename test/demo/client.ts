/**
 * A tiny browser for the demo shops in tests: it sends requests through
 * `app.request` with the shop's Host header and keeps the shop's cookies, the
 * way a browser keeps them per host.
 */
import type { Hono } from 'hono';

export class ShopClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: Hono,
    readonly host: string,
  ) {}

  url(path: string): URL {
    return new URL(path, `http://${this.host}`);
  }

  async get(path: string): Promise<Response> {
    return this.send(path, { method: 'GET' });
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.send(path, { method: 'POST', body: new URLSearchParams(form) });
  }

  /** GET, following redirects within the shop, as a browser would. */
  async follow(response: Response): Promise<{ response: Response; path: string }> {
    let current = response;
    let path = '';
    for (let hops = 0; current.status >= 300 && current.status < 400; hops++) {
      const location = current.headers.get('location');
      if (!location || hops > 5) throw new Error(`bad redirect: ${current.status} ${location}`);
      path = location;
      current = await this.get(location);
    }
    return { response: current, path };
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Host', this.host);
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await this.app.request(this.url(path).href, { ...init, headers });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  private store(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}
