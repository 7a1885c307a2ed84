/**
 * What ships writes no markup from strings: Preact's one innerHTML assignment
 * is taken out at build time, and no source of the extension writes markup.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutInnerHtml } from '../../../scripts/vite/preact-without-inner-html.ts';

const ROOT = join(import.meta.dirname, '../../..');
const preactBundle = readFileSync(createRequire(import.meta.url).resolve('preact'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|tsx)$/.test(file))
    .map((file) => join(dir, file));
}

describe('Preact without innerHTML', () => {
  it('the installed Preact has exactly the assignment the plugin replaces, and none is left after', () => {
    expect(preactBundle).toMatch(/\.innerHTML=/);
    const rewritten = withoutInnerHtml(preactBundle);
    expect(rewritten).not.toMatch(/\.innerHTML\s*=/);
    expect(rewritten).toContain('dangerouslySetInnerHTML is not supported');
  });

  it('refuses a Preact whose code it does not recognise, so an upgrade is checked by hand', () => {
    expect(() => withoutInnerHtml('e.textContent=t')).toThrow(/found 0/);
  });

  it.each(['entrypoints', 'components', 'lib'])('no source under %s/ writes markup from a string', (dir) => {
    for (const file of sources(dir)) {
      const code = readFileSync(join(ROOT, file), 'utf8');
      expect(code, file).not.toMatch(/dangerouslySetInnerHTML|\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/);
    }
  });
});
