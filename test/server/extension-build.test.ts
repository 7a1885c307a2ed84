import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extensionBuildIsStale } from '../../server/platform/extension-build.ts';

// `npm start` rebuilds the extension only when a newcomer would otherwise load an old one.
describe('whether npm start must build the extension first', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function project(): string {
    root = mkdtempSync(join(tmpdir(), 'sp-build-'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib', 'a.ts'), 'export {};');
    return root;
  }
  function build(at: Date) {
    mkdirSync(join(root, '.output', 'chrome-mv3'), { recursive: true });
    const manifest = join(root, '.output', 'chrome-mv3', 'manifest.json');
    writeFileSync(manifest, '{}');
    utimesSync(manifest, at, at);
  }

  it('builds when there is no build yet', () => {
    expect(extensionBuildIsStale(project())).toBe(true);
  });

  it('builds when a source changed after the last build, and not otherwise', () => {
    project();
    const source = join(root, 'lib', 'a.ts');
    utimesSync(source, new Date('2026-01-01'), new Date('2026-01-01'));
    utimesSync(join(root, 'lib'), new Date('2026-01-01'), new Date('2026-01-01'));
    build(new Date('2026-02-01'));
    expect(extensionBuildIsStale(root)).toBe(false);
    utimesSync(source, new Date('2026-03-01'), new Date('2026-03-01'));
    expect(extensionBuildIsStale(root)).toBe(true);
  });
});
