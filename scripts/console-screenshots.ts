/**
 * Regenerates the console's screenshots in docs/screenshots/ (README):
 * `npx tsx scripts/console-screenshots.ts`. Builds the console, starts the
 * API with the demo catalogue on a fresh PGlite directory, makes an admin,
 * a few members with purchases over the last two weeks, claims and a
 * partner file, and takes each page in headless Chromium (/usr/bin/chromium)
 * in English and German, light and dark.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs/screenshots');
const ADMIN_TOKEN = `shots-${randomUUID()}`;
const OPERATOR = { email: 'ada@ops.example', password: 'violet tractor mountain 42' };
const DAY = 86_400_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function call<T>(base: string, method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

async function seed(base: string): Promise<string> {
  await call(base, 'POST', '/v1/admin/operators', { ...OPERATOR, role: 'admin' });
  const now = Date.now();
  const tokens: string[] = [];
  let applied = 'order_id,status,amount_minor\n';
  let previewed = 'order_id,status,amount_minor\n';
  for (let m = 0; m < 6; m++) {
    const email = `member-${m}@example.org`;
    const { token } = await call<{ token: string }>(base, 'POST', '/v1/auth/register', { email, password: 'correct horse battery' }, '');
    const purchases = Array.from({ length: 2 + (m % 3) }, (_, i) => ({
      id: randomUUID(),
      partnerId: ['schuhhaus', 'buecherwurm', 'technikwelt'][(m + i) % 3],
      orderId: `SP-${m}${i}-${1000 + m * 7 + i}`,
      amountMinor: 1990 + m * 1350 + i * 870,
      currency: 'EUR',
      detectedAt: new Date(now - ((m * 3 + i * 5) % 14) * DAY - 3_600_000).toISOString(),
      method: 'jsonld',
    }));
    await call(base, 'POST', '/v1/purchases', { purchases }, token);
    tokens.push(token);
    for (const p of purchases.filter((p) => p.partnerId === 'schuhhaus')) applied += `${p.orderId},confirmed,${p.amountMinor}\n`;
    for (const p of purchases.filter((p) => p.partnerId === 'buecherwurm')) previewed += `${p.orderId},${m === 2 ? 'cancelled' : 'confirmed'},${m === 2 ? '' : p.amountMinor}\n`;
    if (m < 3) {
      await call(base, 'POST', `/v1/purchases/${randomUUID()}/claim`, { partnerId: 'gartenglueck', orderId: `GG-${4400 + m}`, amountMinor: 3490 + m * 1000, currency: 'EUR', detectedAt: new Date(now - (m + 2) * DAY).toISOString(), method: 'jsonld' }, token);
    }
  }
  // Two members send the same order: both are held for review (contested).
  for (const token of tokens.slice(0, 2)) {
    await call(base, 'POST', '/v1/purchases', { purchases: [{ id: randomUUID(), partnerId: 'technikwelt', orderId: 'TW-88120', amountMinor: 64900, currency: 'EUR', detectedAt: new Date(now - DAY).toISOString(), method: 'jsonld' }] }, token);
  }
  // Schuhhaus has confirmed its orders already; Bücherwurm's file is the one previewed on the page.
  await call(base, 'POST', '/v1/admin/confirmations/schuhhaus', { csv: applied });
  return `${previewed}SP-UNKNOWN-1,confirmed,\n`;
}

async function signIn(page: Page, base: string, email: string, password: string, button: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: button }).click();
  await page.getByRole('navigation').waitFor();
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sammelpunkt-console-shots-'));
  // Always on a PGlite directory of its own, even where DATABASE_URL is set for the tests.
  const { DATABASE_URL: _unused, ...inherited } = process.env;
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN, DEMO: '1', SCRYPT_LOG_N: '10', BUILD_EXTENSION: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const profile = mkdtempSync(join(tmpdir(), 'sammelpunkt-console-shots-chromium-'));
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/health`).catch(() => null))?.ok) break;
      if (i > 300) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 500));
    }
    const csv = await seed(base);
    for (const [locale, scheme, shots] of [
      ['en-GB', 'light', ['overview', 'claims', 'partners', 'confirmations']],
      ['de-DE', 'dark', ['overview', 'holds', 'members']],
    ] as const) {
      const context = await chromium.launchPersistentContext(join(profile, locale), {
        executablePath: '/usr/bin/chromium',
        headless: true,
        locale,
        colorScheme: scheme,
        viewport: { width: 1280, height: 800 },
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const page = context.pages()[0] ?? (await context.newPage());
      await signIn(page, base, OPERATOR.email, OPERATOR.password, locale === 'de-DE' ? 'Anmelden' : 'Sign in');
      for (const name of shots) {
        await page.goto(`${base}/console/#${name}`);
        await page.reload();
        await page.getByRole('navigation').waitFor();
        if (name === 'overview') await page.locator('li.kpi svg').first().waitFor();
        if (name === 'claims') await page.getByRole('checkbox').nth(1).check();
        if (name === 'members') {
          await page.locator('main input').first().fill('member-4@example.org');
          await page.locator('main form button[type=submit]').first().click();
          await page.getByText('member-4@example.org').waitFor();
        }
        if (name === 'confirmations') {
          await page.getByRole('combobox').first().selectOption('buecherwurm');
          await page.locator('textarea').fill(csv);
          await page.getByRole('button', { name: 'Preview' }).click();
          await page.getByRole('table').waitFor();
        }
        await page.waitForTimeout(300);
        const file = join(OUT, `console-${name}-${locale.slice(0, 2)}-${scheme}.png`);
        await page.screenshot({ path: file });
        console.log(`  ${file.slice(ROOT.length + 1)}`);
      }
      await context.close();
    }
  } finally {
    server.kill();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
