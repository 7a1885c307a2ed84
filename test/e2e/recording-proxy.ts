/**
 * A recording HTTP proxy for the privacy tests: the browser sends every
 * request through it (Chromium `--proxy-server` without the loopback bypass,
 * Firefox's proxy prefs with localhost hijacking allowed), and it writes down
 * each one (host, method, path, the names of the JSON body's fields, the
 * headers that could identify an installation) under the phase the test is
 * in. Only loopback is served: any host is resolved to 127.0.0.1 at the
 * request's port, so made-up shop hosts work without DNS; a TLS tunnel
 * (`CONNECT`) is recorded and refused, so nothing leaves the machine.
 *
 * It can also put a script at the very start of every HTML page it serves
 * (`injectIntoHtml`): the page-side probe, which then runs before anything
 * else on the page, in both browsers alike, without help from the driver.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  phase: string;
  method: string;
  /** `host:port` as the browser asked for it. */
  host: string;
  /** Path without the query string (the query is kept apart, for the reader of a failure). */
  path: string;
  query: string;
  /** The top-level field names of a JSON body, sorted; for `{purchases:[…]}` also each purchase's. */
  bodyFields: string[];
  purchaseFields: string[][];
  origin?: string;
  referer?: string;
  userAgent?: string;
}

export class RecordingProxy {
  readonly requests: RecordedRequest[] = [];
  phase = 'start';
  /** A script put first into every HTML page served through the proxy. */
  injectIntoHtml: string | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<RecordingProxy> {
    let proxy: RecordingProxy | undefined;
    // A browser closes connections as it likes (a tab closed mid-request): a reset socket ends that request only.
    const server = createServer((req, res) => {
      proxy?.forward(req, res).catch(() => res.destroy());
    });
    server.on('connect', (req: IncomingMessage, socket) => {
      socket.on('error', () => socket.destroy());
      proxy?.requests.push({ phase: proxy.phase, method: 'CONNECT', host: req.url ?? '', path: '', query: '', bodyFields: [], purchaseFields: [] });
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    proxy = new RecordingProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** The requests of one phase (or all), optionally only to one host. */
  during(phase?: string, host?: string): RecordedRequest[] {
    return this.requests.filter((r) => (phase === undefined || r.phase === phase) && (host === undefined || r.host === host));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async forward(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let url: URL;
    try {
      // Proxies get the absolute URL; a request without one was not meant for a proxy.
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const { bodyFields, purchaseFields } = fieldsOf(body, req.headers['content-type']);
    this.requests.push({
      phase: this.phase,
      method: req.method ?? 'GET',
      host: url.host,
      path: url.pathname,
      query: url.search,
      bodyFields,
      purchaseFields,
      origin: req.headers.origin,
      referer: req.headers.referer,
      userAgent: req.headers['user-agent'],
    });
    if (url.protocol !== 'http:' || !isLoopbackName(url.hostname)) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('the privacy test serves loopback only');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: '127.0.0.1', port: Number(url.port || 80), method: req.method, path: url.pathname + url.search, headers, agent: false },
      (answer) => {
        answer.on('error', () => res.destroy());
        const script = this.injectIntoHtml;
        if (script === undefined || !String(answer.headers['content-type'] ?? '').includes('text/html')) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const html = Buffer.concat(parts).toString('utf8');
          const tag = `<script>${script}</script>`;
          const at = html.search(/<head[^>]*>/i);
          const withProbe = at < 0 ? tag + html : html.replace(/<head[^>]*>/i, (head) => head + tag);
          const headers = { ...answer.headers };
          delete headers['content-length'];
          res.writeHead(answer.statusCode ?? 200, headers);
          res.end(withProbe);
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  }
}

/** The test's made-up hosts all end in `.localhost` (or are `localhost`), as browsers resolve them to loopback anyway. */
function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '127.0.0.1';
}

function fieldsOf(body: Buffer, contentType: string | undefined): { bodyFields: string[]; purchaseFields: string[][] } {
  if (body.length === 0) return { bodyFields: [], purchaseFields: [] };
  if (!contentType?.includes('json')) return { bodyFields: [`(${body.length} bytes of ${contentType ?? 'unknown type'})`], purchaseFields: [] };
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { bodyFields: ['(not an object)'], purchaseFields: [] };
    const purchases = (parsed as { purchases?: unknown }).purchases;
    const purchaseFields = Array.isArray(purchases)
      ? purchases.map((p) => (typeof p === 'object' && p !== null ? Object.keys(p).sort() : ['(not an object)']))
      : [];
    return { bodyFields: Object.keys(parsed).sort(), purchaseFields };
  } catch {
    return { bodyFields: ['(unreadable JSON)'], purchaseFields: [] };
  }
}
