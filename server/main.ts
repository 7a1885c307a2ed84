/**
 * `npm start`: migrate, seed the demo catalogue when demo mode is on (on
 * loopback, or DEMO=1), listen on HOST:PORT and shut down cleanly on
 * SIGTERM/SIGINT.
 */
import { Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { openDatabase } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { demoMode, parseEnv } from './platform/env.ts';
import { ensureExtensionBuilt, loadInstructions } from './platform/extension-build.ts';
import { createApp } from './index.ts';
import { Metrics } from './platform/metrics.ts';
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
  const api = createApp({ db, env, now: () => new Date(), log, metrics, mail });
  // With DEMO on, the demo partner shops answer on <shop>.localhost:PORT beside the API.
  const shops = demo ? createDemoShops({ apiBase: `http://localhost:${env.PORT}` }) : undefined;
  // The second argument carries the Node socket, which the limits read the client's address from.
  const fetch = (req: Request, bindings: unknown) =>
    shops && demoShopForHost(req.headers.get('host') ?? '') ? shops.fetch(req) : api.fetch(req, bindings);

  const scheduler = startScheduler(db, { now: () => new Date(), intervalMs: 60_000, log, metrics });

  const server = serve({ fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const where = env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${env.DATA_DIR}`;
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

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing open requests, then closing the database`);
    // close() stops new connections and waits for requests in flight, so no
    // transaction is cut in half; the database closes only after that.
    server.close(async () => {
      await scheduler.stop();
      mail?.close();
      await db.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
