/**
 * `npm start`: migrate, seed the demo catalogue when demo mode is on (on
 * loopback, or DEMO=1), listen on HOST:PORT and shut down cleanly on
 * SIGTERM/SIGINT (docs/operations.md).
 */
import { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { openDatabase } from './db/index.ts';
import { openReadRouting } from './db/read-replica.ts';
import { migrate } from './db/migrate.ts';
import { demoMode, parseEnv } from './platform/env.ts';
import { ensureExtensionBuilt, loadInstructions } from './platform/extension-build.ts';
import { createApp } from './index.ts';
import { Metrics } from './platform/metrics.ts';
import type { ShutdownState } from './platform/app.ts';
import { startScheduler } from './jobs/scheduler.ts';
import { seedDemo } from './catalog/seed.ts';
import { mailTransportFor } from './accounts/mail.ts';
import { createDemoShops, DEMO_SHOPS, demoShopForHost, demoShopUrl } from '../demo/index.ts';

async function main() {
  const env = parseEnv();
  const mode = demoMode(env);
  const demo = mode.on;
  console.log(`Demo partners ${demo ? 'on' : 'off'}: ${mode.why}`);
  // For the demo, have a current extension build ready to load (BUILD_EXTENSION=0 skips it).
  if (demo && process.env.BUILD_EXTENSION !== '0') ensureExtensionBuilt(fileURLToPath(new URL('..', import.meta.url)), console.log);
  const db = await openDatabase(env);
  const applied = await migrate(db);
  if (demo) await seedDemo(db, new Date(), { secretBase: env.DEMO_PARTNER_SECRET });
  const log =
    env.LOG_LEVEL === 'silent' ? () => {} : (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const metrics = new Metrics();
  const mail = mailTransportFor(env);
  const reads = await openReadRouting(env, db, {
    onRead: (target, reason) => metrics.readQueries.inc({ target, reason }),
    log: (message) => console.log(message),
  });
  const shutdown: ShutdownState = { draining: false };
  const api = createApp({ db, env, now: () => new Date(), log, metrics, mail, shutdown, reads });
  // With DEMO on, the demo partner shops answer on <shop>.localhost:PORT beside the API.
  const shops = demo ? createDemoShops({ apiBase: `http://localhost:${env.PORT}` }) : undefined;
  // The second argument carries the Node socket, which the limits read the client's address from.
  const fetch = (req: Request, bindings: unknown) =>
    shops && demoShopForHost(req.headers.get('host') ?? '') ? shops.fetch(req) : api.fetch(req, bindings);

  const scheduler = startScheduler(db, { now: () => new Date(), intervalMs: 60_000, log, metrics, pointsExpiryMonths: env.POINTS_EXPIRY_MONTHS });

  const server = serve({ fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const where = env.DATABASE_URL ? `PostgreSQL (DATABASE_URL${reads ? ', reads that may be a little stale from DATABASE_READ_URL' : ''})` : `PGlite in ${env.DATA_DIR}`;
    console.log(`Sammelpunkt API listening on http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${info.port} — database: ${where}` +
      (applied.length ? `, migrations applied: ${applied.join(', ')}` : ''));
    if (mail) console.log(`Mail: sent over SMTP to ${mail.describe} (SMTP_URL)`);
    else {
      console.log(`Mail: not sent (no SMTP_URL); verification and reset codes wait in the outbox, GET http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${info.port}/v1/admin/outbox?to=<email> with Bearer $ADMIN_TOKEN` +
        (env.ADMIN_TOKEN ? '' : ' (set ADMIN_TOKEN to read it)'));
    }
    if (demo) {
      console.log('Demo partner shops:');
      for (const shop of DEMO_SHOPS) console.log(`  ${demoShopUrl(shop, info.port).padEnd(40)} ${shop.name} (${shop.platform})`);
      for (const line of loadInstructions(info.port)) console.log(line);
    }
  });

  // Keep idle connections open longer than clients and load balancers do
  // (Node's default is 5 s), so a client never sends on a socket the server
  // is just closing.
  if (server instanceof HttpServer) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }

  const stop = gracefulStop({ server, shutdown, timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, async () => {
    await scheduler.stop();
    mail?.close();
    await reads?.close();
    await db.close();
  });
  process.on('SIGTERM', () => stop('SIGTERM', env.SHUTDOWN_DRAIN_MS));
  // Ctrl-C at a terminal: no balancer to wait for.
  process.on('SIGINT', () => stop('SIGINT', 0));
}

interface StopOptions {
  server: ReturnType<typeof serve>;
  shutdown: ShutdownState;
  timeoutMs: number;
}

/**
 * The shutdown a load balancer needs: from the signal on, `GET /ready`
 * answers 503 while requests are still served for `drainMs`, so the
 * balancer takes the process out of rotation; then the listener closes (new
 * connections are refused), requests in flight finish, and only then do the
 * jobs stop and the database close, so no transaction is cut in half. A
 * second signal, or requests still running after `timeoutMs`, end the
 * process at once with exit code 1.
 */
function gracefulStop({ server, shutdown, timeoutMs }: StopOptions, release: () => Promise<void>) {
  return async (signal: string, drainMs: number) => {
    if (shutdown.draining) {
      console.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    shutdown.draining = true;
    console.log(`${signal}: not ready from now on; closing the listener in ${drainMs} ms, then finishing open requests`);
    await new Promise((resolve) => setTimeout(resolve, drainMs));
    const hardStop = setTimeout(() => {
      console.error(`Requests still running ${timeoutMs} ms after the listener closed: exiting anyway`);
      process.exit(1);
    }, timeoutMs);
    hardStop.unref();
    await closeListener(server);
    await release();
    process.exit(0);
  };
}

/**
 * Stops accepting connections and resolves once every open one has ended.
 * `close()` alone waits for kept-alive connections to time out (65 s
 * here): idle ones are closed now, and each busy one as soon as its answer
 * is sent (the app answers `Connection: close` while draining; the sweep
 * catches a connection that went idle between two checks).
 */
function closeListener(server: ReturnType<typeof serve>): Promise<void> {
  return new Promise((resolve) => {
    if (!(server instanceof HttpServer)) {
      server.close(() => resolve());
      return;
    }
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
