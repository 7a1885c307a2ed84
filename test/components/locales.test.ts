/**
 * Both languages say everything, and no component says anything on its own:
 * every member-visible string comes from the locale files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// Babel's parser comes with @preact/preset-vite; TypeScript 7 has no JavaScript API to parse TSX with.
import { parse } from '@babel/parser';
import type { LocaleMessages } from '../../lib/ui/i18n.ts';

/** The JSX text nodes of a source file that contain a letter (punctuation such as "·" is fine). */
function jsxTexts(source: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record['type'] === 'JSXText' && typeof record['value'] === 'string' && /\p{L}/u.test(record['value'])) found.push(record['value']);
    for (const [key, value] of Object.entries(record)) if (key !== 'loc') walk(value);
  };
  walk(parse(source, { sourceType: 'module', plugins: ['typescript', 'jsx'] }).program);
  return found;
}

const root = process.cwd();
const load = (lang: string): LocaleMessages =>
  JSON.parse(readFileSync(resolve(root, 'public/_locales', lang, 'messages.json'), 'utf8')) as LocaleMessages;
const en = load('en');
const de = load('de');

function sources(dir: string, pattern: RegExp): Array<{ path: string; text: string }> {
  return readdirSync(resolve(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => ({ path: join(dir, name), text: readFileSync(resolve(root, dir, name), 'utf8') }));
}
const uiSources = [
  ...sources('components', /\.tsx?$/),
  ...sources('entrypoints/popup', /\.tsx?$/),
  ...sources('entrypoints/options', /\.tsx?$/),
  ...sources('entrypoints/onboarding', /\.tsx?$/),
];
const components = uiSources.filter((s) => s.path.endsWith('.tsx'));

describe('locale files', () => {
  it('have the same keys in German and English', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('have the same placeholders for each key, each numbered in order', () => {
    for (const key of Object.keys(en)) {
      expect(Object.keys(de[key]?.placeholders ?? {}).sort(), key).toEqual(Object.keys(en[key]?.placeholders ?? {}).sort());
      const contents = Object.values(en[key]?.placeholders ?? {}).map((p) => p.content).sort();
      expect(contents, key).toEqual(contents.map((_c, i) => `$${i + 1}`));
    }
  });

  it('have no empty messages and only key names the browser accepts', () => {
    for (const [lang, messages] of [['en', en], ['de', de]] as const) {
      for (const [key, entry] of Object.entries(messages)) {
        expect(key, `${lang}:${key}`).toMatch(/^[A-Za-z0-9_]+$/);
        expect(entry.message.trim(), `${lang}:${key}`).not.toBe('');
      }
    }
  });

  it('contain every key the UI asks for', () => {
    const keys = new Set<string>();
    for (const { text } of uiSources) {
      for (const m of text.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) keys.add(m[1]!);
      for (const m of text.matchAll(/\btn\('([A-Za-z0-9_]+)'/g)) {
        keys.add(`${m[1]}_one`);
        keys.add(`${m[1]}_other`);
      }
    }
    // Keys built at run time from a closed set of values.
    for (const state of ['pending', 'confirmed', 'rejected', 'reversed', 'local', 'conflict']) keys.add(`state_${state}`);
    for (const kind of ['voucher', 'donation']) keys.add(`rewardKind_${kind}`);
    for (const code of ['offline', 'unauthorized', 'invalid_credentials', 'email_taken', 'insufficient_points', 'rate_limited', 'no_consent', 'generic']) keys.add(`error_${code}`);
    expect(keys.size).toBeGreaterThan(100);
    const missing = [...keys].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });
});

describe('components', () => {
  it('contain no hard-coded text between JSX tags', () => {
    const offenders: string[] = [];
    for (const { path, text } of components) {
      for (const node of jsxTexts(text)) offenders.push(`${path}: ${node.trim()}`);
    }
    expect(offenders).toEqual([]);
  });

  it('would notice a hard-coded string', () => {
    expect(jsxTexts('const a = <p class="x">Hello {name}</p>;')).toEqual(['Hello ']);
    expect(jsxTexts('const b = <p>{t(`x`)} · {y}</p>;')).toEqual([]);
  });

  it('contain no hard-coded labels, placeholders or titles', () => {
    const offenders: string[] = [];
    for (const { path, text } of components) {
      for (const m of text.matchAll(/\b(aria-label|placeholder|title|alt)="([^"]*\p{L}[^"]*)"/gu)) offenders.push(`${path}: ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('never set inner HTML', () => {
    for (const { path, text } of uiSources) expect(text, path).not.toMatch(/dangerouslySetInnerHTML|innerHTML/);
  });
});
