/** Loads saved pages into happy-dom the way the CLI does: scripts are kept as text, never run or fetched. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import type { Candidate } from '../../../lib/detect/types.ts';

export const PAGES_DIR = join(import.meta.dirname, '../../fixtures/pages');

export interface PageExpectation {
  url: string;
  expected: Candidate | null;
  kind?: string;
  large?: boolean;
}

export const EXPECTATIONS = JSON.parse(readFileSync(join(PAGES_DIR, 'expected.json'), 'utf8')) as Record<string, PageExpectation>;

export interface LoadedPage {
  window: Window;
  doc: Document;
  url: URL;
  close: () => Promise<void>;
}

export function loadHtml(html: string, url: string): LoadedPage {
  const window = new Window({ url, settings: { disableJavaScriptFileLoading: true, handleDisabledFileLoadingAsSuccess: true } });
  window.document.write(html);
  return {
    window,
    doc: window.document as unknown as Document,
    url: new URL(url),
    close: async () => {
      await window.happyDOM.abort();
      window.close();
    },
  };
}

export function loadFixture(file: string, url?: string): LoadedPage {
  const expectation = EXPECTATIONS[file];
  const pageUrl = url ?? expectation?.url;
  if (pageUrl === undefined) throw new Error(`no URL for ${file}`);
  return loadHtml(readFileSync(join(PAGES_DIR, file), 'utf8'), pageUrl);
}
