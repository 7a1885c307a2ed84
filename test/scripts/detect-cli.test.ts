import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusPage, PAGES_DIR } from '../lib/detect/load-page.ts';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** Runs the CLI as a partner manager would; each run starts tsx and happy-dom, so the cases run side by side. */
function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, ['scripts/detect.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

const samplePages = ['woocommerce/woocommerce-de-order-received-1.html', 'prestashop/prestashop-en-confirmation-1.html', 'custom/pl-razem-przelew-nbsp.html'];

describe('npm run detect', { timeout: 90_000 }, () => {
  it.each(samplePages)('prints exactly the candidate for %s and exits 0', async (file) => {
    const page = corpusPage(file);
    const { status, stdout } = await runCli(['--url', page.url, join(PAGES_DIR, file)]);
    expect(status).toBe(0);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['orderId', 'amountMinor', 'currency', 'method']);
    expect({ ...printed, method: undefined }).toEqual({ ...page.expected, method: undefined });
  });

  it('exits 1 with a reason on stderr and nothing on stdout for a cart', async () => {
    const file = 'shopware6/shopware-de-confirm.html';
    const { status, stdout, stderr } = await runCli(['--url', corpusPage(file).url, join(PAGES_DIR, file)]);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/not an order confirmation/);
  });

  it('exits 2 with the choices on stderr when the page confirms an order but shows no total', async () => {
    const file = 'magento2/magento-en-success-no-total.html';
    const { status, stdout, stderr } = await runCli(['--url', corpusPage(file).url, join(PAGES_DIR, file)]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/no total was found/);
    expect(stderr).toContain('"orderIds":["000000124"]');
  });

  it('explains the evidence with --explain', async () => {
    const file = 'shopware6/shopware-de-confirm.html';
    const { status, stderr } = await runCli(['--explain', '--url', corpusPage(file).url, join(PAGES_DIR, file)]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/-100 place-order-button: button "Zahlungspflichtig bestellen"/);
    expect(stderr).toMatch(/^verdict: not an order confirmation/m);
  });

  it('applies a partner file’s rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detect-cli-'));
    const partnerFile = join(dir, 'partner.json');
    writeFileSync(partnerFile, JSON.stringify({
      id: 'outdoor-stuebchen', name: 'Outdoor-Stübchen', domains: ['outdoor-stuebchen.de'], category: 'sport',
      earn: { points: 1, per: 2 }, currency: 'EUR', holdDays: 30, autoConfirm: true,
      detection: { pathPattern: '^/checkout/finish', orderIdSelector: '.finish-ordernumber', orderIdPattern: '(\\d+)', amountSelector: 'dd.checkout-aside-summary-total' },
    }));
    const file = 'shopware6/shopware-de-finish-1.html';
    const { status, stdout } = await runCli(['--url', corpusPage(file).url, '--partner', partnerFile, join(PAGES_DIR, file)]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ orderId: '10023', amountMinor: 12345, currency: 'EUR', method: 'partner-rule' });
  });

  it.each([
    [['--url', 'https://shop.example/']],
    [['--url', 'not a url', join(PAGES_DIR, 'shopware6/shopware-de-cart.html')]],
  ])('exits 2 on a usage error (%j)', async (args) => {
    const { status, stdout, stderr } = await runCli(args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/usage/);
  });
});
