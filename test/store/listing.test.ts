/**
 * The store material under store/: within each store's limits, and saying
 * what the code and docs/permissions.md say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { privacyPolicyText } from '../../lib/privacy/policy.ts';
import config from '../../wxt.config.ts';

type Manifest = Record<string, unknown>;
type ManifestFn = (env: { browser: string; manifestVersion: 2 | 3; mode: string; command: string }) => Manifest;

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const LANGS = ['en', 'de'] as const;
/** Characters as the stores count them (code points, not UTF-16 units). */
const length = (text: string) => [...text.trim()].length;

/** The limits, per field: the lowest of the stores that take it. */
const LIMITS = {
  name: 50, // AMO 50, Chrome 75
  manifestDescription: 132, // Chrome's manifest description, also its summary
  amoSummary: 250,
  description: { min: 250, max: 10_000 }, // Edge 250–10,000; Chrome 16,000
};

describe('store listing texts', () => {
  it.each(LANGS)('%s: name and short description fit the manifest limits', (lang) => {
    const messages = JSON.parse(read(`public/_locales/${lang}/messages.json`)) as Record<string, { message: string }>;
    expect(length(messages.extName!.message)).toBeLessThanOrEqual(LIMITS.name);
    expect(length(messages.extDescription!.message)).toBeLessThanOrEqual(LIMITS.manifestDescription);
  });

  it.each(LANGS)('%s: the AMO summary and the description fit every store', (lang) => {
    expect(length(read(`store/listing/${lang}/amo-summary.txt`))).toBeLessThanOrEqual(LIMITS.amoSummary);
    const description = length(read(`store/listing/${lang}/description.txt`));
    expect(description).toBeGreaterThanOrEqual(LIMITS.description.min);
    expect(description).toBeLessThanOrEqual(LIMITS.description.max);
  });

  it.each(LANGS)('%s: the privacy policy for AMO is the text the API and the extension show', (lang) => {
    expect(read(`store/listing/${lang}/privacy-policy.txt`)).toBe(privacyPolicyText(lang));
  });

  it.each(LANGS)('%s: the description says what is sent, and that nothing else is', (lang) => {
    const text = read(`store/listing/${lang}/description.txt`);
    const words = lang === 'en'
      ? ['order number', 'amount', 'currency', 'browsing history', 'No cookies']
      : ['Bestellnummer', 'Betrag', 'Währung', 'Browserverlauf', 'Keine Cookies'];
    for (const word of words) expect(text).toContain(word);
  });
});

describe('privacy practices', () => {
  beforeEach(() => vi.stubEnv('WXT_API_URL', 'https://api.sammelpunkt.example'));
  afterEach(() => vi.unstubAllEnvs());
  const practices = read('store/privacy-practices.md');

  it('justify every permission the Chrome build asks for', () => {
    const manifest = (config.manifest as ManifestFn)({ browser: 'chrome', manifestVersion: 3, mode: 'production', command: 'build' });
    const asked = [...(manifest.permissions as string[]), ...((manifest.optional_host_permissions ?? []) as string[])];
    for (const permission of asked) expect(practices, permission).toMatch(new RegExp(`^\\| \`${permission.replace(/[*/]/g, '\\$&')}\``, 'm'));
    // …and each of them appears in docs/permissions.md too.
    const documented = read('docs/permissions.md');
    for (const permission of asked) expect(documented).toContain(`\`${permission}\``);
  });

  it('declare the same Firefox data categories as the Firefox manifest, each explained in docs/permissions.md', () => {
    const manifest = (config.manifest as ManifestFn)({ browser: 'firefox', manifestVersion: 2, mode: 'production', command: 'build' });
    const gecko = (manifest.browser_specific_settings as { gecko: { data_collection_permissions: { required: string[]; optional?: string[] } } }).gecko;
    const listed = (kind: 'required' | 'optional') => [...new RegExp(`^- \`${kind}\`: (.+)$`, 'm').exec(practices)![1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(listed('required')).toEqual(gecko.data_collection_permissions.required);
    // The detection-health counters: Firefox takes technical data only as an opt-in.
    expect(gecko.data_collection_permissions.optional).toEqual(['technicalAndInteraction']);
    expect(listed('optional')).toEqual(gecko.data_collection_permissions.optional);
    const documented = read('docs/permissions.md');
    for (const kind of [...gecko.data_collection_permissions.required, ...(gecko.data_collection_permissions.optional ?? [])]) expect(documented).toContain(`\`${kind}\``);
  });
});
