/**
 * Saved pages for the detector tests. `loadHtml` gives a happy-dom window
 * (scripts kept as text, never run or fetched) for tests that need a live
 * DOM with MutationObserver; `parseCorpusPage` gives the linkedom document
 * the `detect` CLI and `npm run detect:accuracy` use.
 */
import { Window } from 'happy-dom';
import { parsePage } from '../../../scripts/lib/parse-html.ts';
import { CORPUS_DIR, loadCorpus, readCorpusPage, type CorpusPage } from '../../fixtures/pages/corpus.ts';

export const PAGES_DIR = CORPUS_DIR;
export const CORPUS: CorpusPage[] = loadCorpus();

export function corpusPage(file: string): CorpusPage {
  const page = CORPUS.find((entry) => entry.file === file);
  if (page === undefined) throw new Error(`no corpus page ${file}`);
  return page;
}

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

/** A corpus page in happy-dom, at its own URL or another. */
export function loadFixture(file: string, url?: string): LoadedPage {
  const page = corpusPage(file);
  return loadHtml(readCorpusPage(page), url ?? page.url);
}

/** A corpus page as the CLI reads it (linkedom). */
export function parseFixture(file: string): { doc: Document; url: URL; page: CorpusPage } {
  const page = corpusPage(file);
  return { doc: parsePage(readCorpusPage(page)), url: new URL(page.url), page };
}
