/**
 * The sync API as a Hono app. Everything it needs (database, settings, clock)
 * is passed in, so each test builds its own app on its own database.
 */
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { MailTransport } from '../accounts/mail.ts';
import type { Actor } from '../accounts/operators.ts';
import type { CatalogVersions } from '../catalog/catalog-cache.ts';
import type { Db, Queryable } from '../db/index.ts';
import type { ReadRouting } from '../db/read-replica.ts';
import type { Env } from './env.ts';
import { ApiError, errorBody } from './http.ts';
import { Metrics } from './metrics.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The extension calls the API from its own origin (its service worker or
 * background page), which the browser treats as a cross-origin request. Only
 * the configured extension origins (`EXTENSION_ORIGINS`) are answered: the
 * API authenticates with bearer tokens, never cookies, so no web page gains
 * anything, and neither a page nor another extension is invited. Firefox
 * gives every installation its own random `moz-extension://<UUID>` origin,
 * which no list can name; the Firefox build reaches the API through its host
 * permission for the API origin and needs no answer here. The `Origin` header
 * is read for this answer and nothing else: it is never logged or stored, as
 * in Firefox it identifies one installation for its whole life.
 */
export interface Deps {
  db: Db;
  env: Env;
  /** The current time; tests move it to cross hold periods and signature windows. */
  now: () => Date;
  /** Where the one structured log line per request goes. */
  log: (line: Record<string, unknown>) => void;
  /** Where requests and ingest results are counted for `GET /metrics`; a fresh set when not given. */
  metrics?: Metrics;
  /** The SMTP transport (`SMTP_URL`); without it, mails go to the outbox table. */
  mail?: MailTransport;
  /** A streaming replica for reads that may be a little stale (`DATABASE_READ_URL`); without it every read goes to `db`. */
  reads?: ReadRouting;
  /** Where the built operator console is (default .output/console; `npm run build:console`). */
  consoleDir?: string;
  /** Set by main.ts when SIGTERM arrives: `GET /ready` answers 503 and connections are not kept alive. */
  shutdown?: ShutdownState;
}

export interface ShutdownState {
  draining: boolean;
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    metrics: Metrics;
    /** Set by `requireMember` and `requireMemberWithinLimit`. */
    memberId: string;
    tokenHash: string;
    /** The member's stored tier, read with the token. */
    tier: string;
    /** The primary's WAL position after the member's last write (read with the token); null before the first. */
    writtenLsn: string | null;
    /** Set by `requireMemberWithinLimit`: the catalogue versions as of the token check. */
    catalogVersions: CatalogVersions;
    /** Set by `requirePermission` (accounts/operator-auth.ts): who is acting on an operator route. */
    actor: Actor;
    /** Set by `requireConsoleSession`: the SHA-256 of the console session's cookie token. */
    sessionTokenHash: string;
  };
}

/** The handle for reads that may be a little stale: the catalogue, offers, rewards, operator reports. */
export function staleReads(deps: Deps): Queryable {
  return deps.reads?.stale() ?? deps.db;
}

/** The handle for the signed-in member's own reads, which must show the member's own writes. */
export function memberReads(c: Context<AppEnv>): Queryable {
  const deps = c.get('deps');
  return deps.reads?.forMember(c.get('writtenLsn')) ?? deps.db;
}

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createBaseApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const metrics = deps.metrics ?? new Metrics();

  app.use(async (c, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    c.set('metrics', metrics);
    await next();
    // Before the answer leaves: the member's next read, on any process, must see this write.
    const writer = c.get('memberId');
    if (deps.reads && writer && !READ_ONLY_METHODS.has(c.req.method)) {
      await deps.reads.markWritten(writer).catch((err: unknown) => {
        deps.log({ time: new Date().toISOString(), level: 'error', requestId, error: `marking a member's write for the read replica: ${String(err)}` });
      });
    }
    c.header('X-Request-Id', requestId);
    // While draining, a kept-alive connection would bring the client's next
    // request back to a process that is about to go: close it after this answer.
    if (deps.shutdown?.draining) c.header('Connection', 'close');
    // No answer of the API is to be sniffed into something else, run as a
    // page, or framed: JSON needs no scripts, styles or frames of its own.
    c.header('X-Content-Type-Options', 'nosniff');
    // A page of the API's own (GET /privacy) sets a policy of its own, no looser than this.
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    metrics.recordRequest(c.req.method, c.req.routePath, c.res.status, (performance.now() - started) / 1000);
    deps.log({
      time: new Date().toISOString(),
      level: c.res.status >= 500 ? 'error' : 'info',
      requestId,
      method: c.req.method,
      // The route pattern, not the concrete path: no ids or query strings in the log.
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  const extensionOrigins = new Set(deps.env.EXTENSION_ORIGINS);
  app.use(
    cors({
      origin: (origin) => (extensionOrigins.has(origin) ? origin : null),
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match'],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['ETag', 'Retry-After', 'X-Request-Id', 'RateLimit', 'RateLimit-Policy'],
      maxAge: 600,
    }),
  );

  const tooLarge = (c: Context<AppEnv>) =>
    c.json(errorBody(c.get('requestId'), 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`), 413);
  const limitUndeclaredBodies = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  app.use(async (c, next) => {
    // Hono's bodyLimit first asks for `c.req.raw.body`, which makes the Node
    // adapter build a full web Request for every request, GETs included:
    // about a tenth of the API's CPU under load. A declared length is judged
    // from the headers; only a body of undeclared length is read through it.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('Content-Length');
    if (declared !== undefined && c.req.header('Transfer-Encoding') === undefined) {
      return Number.parseInt(declared, 10) > MAX_BODY_BYTES ? tooLarge(c) : next();
    }
    return limitUndeclaredBodies(c, next);
  });

  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? randomUUID();
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(requestId, err.code, err.message), err.status);
    }
    deps.log({ time: new Date().toISOString(), level: 'error', requestId, error: String((err as Error).stack ?? err) });
    return c.json(errorBody(requestId, 'internal', 'Something went wrong on our side; the request can be retried'), 500);
  });

  app.notFound((c) => c.json(errorBody(c.get('requestId'), 'not_found', `No route for ${c.req.method} ${c.req.path}`), 404));

  return app;
}
