/**
 * One page as the readers see it: the document, its URL, the partner, and
 * what several readers need, computed once and only when first asked for
 * (the visible text, the inline scripts). Works on any DOM: the browser's,
 * happy-dom's or linkedom's, so it uses nothing but nodes, attributes and
 * `querySelectorAll`.
 */
import type { Partner } from '../contract/index.ts';
import type { DetectContext } from './context.ts';
import { currencyOfLocale, resolveSign, SIGN_SOURCE, type CurrencyHint } from './currency.ts';
import { normalizeCurrency } from './money.ts';

/** A piece of visible text and the element it sits in. */
export interface TextPiece {
  /** The text, spaces collapsed, trimmed. */
  text: string;
  /** The same, lower-cased, for matching labels. */
  lower: string;
  element: Element;
  /** The text node itself, for reading what follows it inside the same element. */
  node: Node;
}

/** Elements whose text a member never reads as page text. */
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'svg', 'IFRAME', 'SELECT', 'OPTION', 'TEXTAREA', 'HEAD', 'CANVAS', 'OBJECT']);
/** A confirmation's evidence is near the top; pages this large are read up to here. */
const MAX_TEXT_PIECES = 6000;
const MAX_PIECE_LENGTH = 400;
const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

export interface Page {
  readonly doc: Document;
  readonly url: URL;
  readonly partner: Partner | undefined;
  readonly ctx: DetectContext | undefined;
  /** The shop's currency and the page's language, for amounts that name no currency or a shared sign. */
  readonly hint: CurrencyHint;
  /** The body's text content (scripts inside the body included), as it is: for cheap "is it worth reading" checks. */
  bodyText(): string;
  /**
   * Whether the body text has a match of `pattern` near one of the stems
   * every such phrase contains: a few short windows instead of one
   * alternation of a hundred phrases over the whole text.
   */
  bodyMatches(pattern: RegExp): boolean;
  /** Visible text pieces in document order. */
  texts(): TextPiece[];
  /** The shop's currency, or the one its prices on this page are written in. */
  currency(): string | undefined;
  /** Inline scripts of any type but data blocks and templates, each at most `MAX_SCRIPT_LENGTH`. */
  scripts(): string[];
  /** `<script>` elements of one type, e.g. `application/ld+json`. */
  dataScripts(type: string): string[];
}

const MAX_SCRIPT_LENGTH = 512 * 1024;
/**
 * Script types that hold no tracking calls. Everything else is read as text,
 * including scripts that a consent manager has parked (`text/plain`,
 * `as-oil`) until the visitor agrees: the order is written in them all the same.
 */
const NOT_SCRIPT_TYPES = /^(?:application\/ld\+json|text\/(?:x-)?template|text\/html|text\/x-handlebars(?:-template)?|text\/ng-template|text\/x-jsrender|importmap|speculationrules)$/;

function isHidden(element: Element): boolean {
  if (element.hasAttribute('hidden')) return true;
  const style = element.getAttribute('style');
  return style !== null && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

/**
 * Letters of the scripts besides Latin that some stems are written in:
 * Greek, Cyrillic, kana, CJK ideographs, Hangul. Stems in Latin letters are
 * written in ASCII, a `.` standing for a letter outside it ("dzi.ku" for
 * "dziękuj"): V8 searches case-insensitively for letters outside ASCII at
 * several times the cost per character, and most pages have no Greek,
 * Cyrillic or CJK text at all, so the other stems are looked for only
 * where a letter of their script is.
 */
const OTHER_SCRIPTS = /[\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/**
 * One pattern for stems written `a|b|c`, grouped by their first letter
 * (`d(?:ank|zi.ku)|t(?:hank|ack)`): V8 then tries a group only where its
 * letter is, instead of every stem at every character, about three times
 * faster over a large page's text. Matches exactly what the plain
 * alternation matches, at the same places.
 */
function stemPattern(stems: string, flags: string): RegExp {
  const groups = new Map<string, string[]>();
  const others: string[] = [];
  for (const stem of stems.split('|')) {
    const first = stem[0]?.toLowerCase() ?? '';
    if (/^[a-z]$/.test(first)) groups.set(first, [...(groups.get(first) ?? []), stem.slice(1)]);
    else others.push(stem);
  }
  const grouped = Array.from(groups, ([first, rests]) => (rests.length === 1 ? `${first}${rests[0]}` : `${first}(?:${rests.join('|')})`));
  return new RegExp([...grouped, ...others].join('|'), flags);
}

/** Whether a text holds one of the key stems. */
function hasKeyStem(text: string): boolean {
  return KEY_STEMS.test(text) || (OTHER_SCRIPTS.test(text) && KEY_STEMS_OTHER.test(text));
}

/**
 * Stems of every word a reader looks for (thanks, order numbers, totals,
 * payment and failure words, in every language the labels cover). Text
 * without one is a product name, a menu entry or a price tag and never a
 * label, so it is not even normalised.
 */
const KEY_STEMS = stemPattern(
  'dank|thank|merci|successful|erfolgreich|votre paiement|bedank|grazie|gracias|agradec|orden|dzi.ku|tack|tak|d.kuj|akuj|kiitos|obrigad|k.sz.n|takk|mul.um|order|ordre|bestel|bestil|best.ll|auftrag|vorgang|commande|ordine|pedido|zam.wien|objedn|tilau|encomend|rendel|comand|confirm|best.tig|bevestig|conferm|potwierdz|bekr|potvr|vahvist|referen|riferiment|nummer|number|num.ro|numero|\\bnr\\b|\\bno\\.|n[°º]|total|totaa|bedrag|prijs|prix|preis|prezzo|precio|pre.o|cena|hinta|summe|summa|suma|gesamt|betrag|razem|cznie|i alt|celk|spolu|yhteens|sszes|\\bsum\\b|montant|importe|importo|kwota|belop|bel.p|bel.b|stka|amount|zahl|pay|paie|betal|pag|p.at|fizet|maksett|hrad|zaplacen|invoice|rechnung|factur|fattura|faktur|lasku|sz.mla|verwendungs|communication|causale|concepto|tytu|variabil|ocr|receipt|summary|capitulatif|eingegangen|erhalten|received|placed|processed|registr|ontvangen|geplaatst|ricevut|recibid|przyj.t|mottag|modtag|p.ijat|vastaanot|recebid|r.gz.t|fogadt|storn|cancel|annul|fehlgeschlagen|failed|declin|mislukt|fallit|fallid|powiod|misslyck|mislykk|nezda.il|zru.en|abgebrochen|anulowan|zu bezahlen|endsumme|rechnungsbetrag|mwst|vat|sipari|te.ekk.r|toplam|tutar|transfer|berweis|virer|paid|zap.acon',
  'i',
);
/** The stems in other scripts, looked for only in text that has a letter of one (`OTHER_SCRIPTS`). */
const KEY_STEMS_OTHER = /支付成功|付款成功|ευχαριστ|παραγγελ|σύνολ|ποσό|注文|購入|ありがとう|合計|金額|番号|订单|訂單|谢谢|感谢|感謝|謝謝|合计|总计|總計|金额|实付|应付|應付|請求|総額|小计|小計|заказ|спасибо|итого|сум|оплат|замовлен|дякуєм|сплат|주문|감사|합계|금액/i;

/**
 * The text nodes of the body that may hold a label, through the DOM's own
 * TreeWalker (native in a browser, far faster than walking nodes from
 * script), skipping text whose element a member never reads (scripts,
 * styles) or that is hidden.
 */
function collectTexts(doc: Document, root: Element | null): TextPiece[] {
  const pieces: TextPiece[] = [];
  if (root === null) return pieces;
  const SHOW_TEXT = 4;
  const walker = doc.createTreeWalker(root, SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null && pieces.length < MAX_TEXT_PIECES; node = walker.nextNode()) {
    // Adjacent text nodes are read as one, as a browser's parser makes them: linkedom (the CLI's DOM) splits a text at
    // each character reference, "Vielen Dank f" · "ü" · "r Ihre Bestellung".
    if (node.previousSibling?.nodeType === TEXT_NODE) continue;
    let raw = node.nodeValue ?? '';
    for (let next = node.nextSibling; next !== null && next.nodeType === TEXT_NODE && raw.length <= MAX_PIECE_LENGTH * 4; next = next.nextSibling) raw += next.nodeValue ?? '';
    if (raw.length < 2 || raw.length > MAX_PIECE_LENGTH * 4 || !hasKeyStem(raw)) continue;
    const element = node.parentNode as Element | null;
    if (element === null || SKIPPED.has(element.tagName) || isHidden(element)) continue;
    const text = raw.replace(/[\s\u00a0\u202f\u2009\u2007\u200b]+/g, ' ').trim();
    if (text.length === 0 || text.length > MAX_PIECE_LENGTH) continue;
    // Text inside a skipped container two levels up (an <option> in a <select>, a <title> in an <svg>).
    const grand = element.parentNode as Element | null;
    if (grand !== null && grand.nodeType === ELEMENT_NODE && SKIPPED.has(grand.tagName)) continue;
    pieces.push({ text, lower: text.toLowerCase(), element, node });
  }
  return pieces;
}

/** Short texts with a digit (prices), for the page's currency. */
function priceTexts(doc: Document, root: Element | null): string[] {
  const found: string[] = [];
  if (root === null) return found;
  const walker = doc.createTreeWalker(root, 4);
  for (let node = walker.nextNode(); node !== null && found.length < 500; node = walker.nextNode()) {
    const raw = node.nodeValue ?? '';
    if (raw.length > 1 && raw.length <= 60 && /\d/.test(raw)) found.push(raw);
  }
  return found;
}

/** The currency most prices on the page are written in (an empty mini-cart's "0,00 €" counts), for amounts in tags that name none. */
function commonCurrency(texts: string[], hint: CurrencyHint): string | null {
  const counts = new Map<string, number>();
  const sign = new RegExp(SIGN_SOURCE, 'gu');
  for (const text of texts) {
    for (const [token] of text.matchAll(sign)) {
      const code = resolveSign(token, hint);
      if (code !== null) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  for (const [code, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = code;
  return best;
}

/**
 * Word stems of the phrases that confirm an order, in every language the
 * labels cover: thanks, the order's name, being received or confirmed, a payment that went through.
 */
const STEMS = stemPattern(
  'dank|thank|merci|successful|erfolgreich|votre paiement|bedankt|grazie|gracias|agradec|orden|dzi.ku|tack|tak for|d.kuj|kiitos|obrigad|k.sz.n|takk|mul.um|akuj|order|bestell|auftrag|commande|ordine|pedido|zam.wien|objedn|tilau|encomend|rendel|comand|capitulatif|receipt|best.tig|confirm|bevestig|conferm|potwierdz|bekr.ft|bekreft|potvrz|sipari|te.ekk.r',
  'gi',
);
const STEMS_OTHER = /支付成功|付款成功|ευχαριστ|παραγγελ|注文|購入|ありがとう|订单|訂單|谢谢|感谢|感謝|謝謝|заказ|спасибо|замовлен|дякуєм|주문|감사/gi;
const MAX_STEMS = 400;

function stemPositions(text: string): number[] {
  const found = windowStarts(text.matchAll(STEMS));
  if (!OTHER_SCRIPTS.test(text)) return found;
  const other = Array.from(text.matchAll(STEMS_OTHER), (match) => match.index);
  return windowStarts([...found, ...other].sort((a, b) => a - b));
}

/**
 * The text around each stem, from 80 characters before it to 200 after,
 * lower-cased and spaces collapsed; windows that overlap are joined, so
 * that no character is searched twice.
 */
function stemWindows(text: string): string[] {
  const windows: string[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start >= 0) windows.push(text.slice(start, end).toLowerCase().replace(/[\s\u00a0\u202f]+/g, ' '));
  };
  for (const at of stemPositions(text)) {
    const from = Math.max(0, at - 80);
    if (start >= 0 && from <= end) {
      end = at + 200;
      continue;
    }
    flush();
    start = from;
    end = at + 200;
  }
  flush();
  return windows;
}

/** Where windows start: several stems in one window are tested once. */
function windowStarts(positions: Iterable<number | RegExpMatchArray>): number[] {
  const found: number[] = [];
  for (const position of positions) {
    const at = typeof position === 'number' ? position : (position.index ?? 0);
    if (found.length === 0 || at - (found[found.length - 1] ?? 0) > 100) found.push(at);
    if (found.length >= MAX_STEMS) break;
  }
  return found;
}

/** The one dollar currency a page names by its code (AUD, CAD, …), if it names exactly one. */
function namedDollar(text: string): string | null {
  const codes = new Set(Array.from(text.matchAll(/\b(USD|CAD|AUD|NZD|SGD|HKD)\b/gi), (match) => (match[1] ?? '').toUpperCase()));
  return codes.size === 1 ? ([...codes][0] ?? null) : null;
}

function pageLanguage(doc: Document): string | undefined {
  const lang = doc.documentElement?.getAttribute('lang') ?? undefined;
  return lang !== undefined && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(lang) ? lang : undefined;
}

export function makePage(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): Page {
  let bodyText: string | undefined;
  let texts: TextPiece[] | undefined;
  let scripts: string[] | undefined;
  let currency: string | null | undefined;
  let windows: string[] | undefined;
  /** Readers ask about the same phrases (thanks, order status): each pattern is searched once per page. */
  const matched = new Map<RegExp, boolean>();
  const dataScripts = new Map<string, string[]>();
  let dollar: string | null | undefined;
  const hint: CurrencyHint = {
    currency: normalizeCurrency(partner?.currency) ?? undefined,
    lang: pageLanguage(doc),
    get dollar() {
      dollar ??= namedDollar(bodyText ??= doc.body?.textContent ?? '');
      return dollar ?? undefined;
    },
  };

  /** One pass over the page's scripts: inline code (of any type but data and templates) and data blocks by type. */
  function readScripts(): void {
    scripts = [];
    const elements = doc.getElementsByTagName('script');
    for (let index = 0; index < elements.length; index += 1) {
      const script = elements[index] as Element;
      if (script.hasAttribute('src')) continue;
      const type = (script.getAttribute('type') ?? '').trim().toLowerCase();
      const text = script.textContent ?? '';
      if (text.length === 0 || text.length > MAX_SCRIPT_LENGTH) continue;
      if (type === 'application/ld+json') {
        const list = dataScripts.get(type) ?? [];
        list.push(text);
        dataScripts.set(type, list);
      } else if (!NOT_SCRIPT_TYPES.test(type)) {
        scripts.push(text);
      }
    }
  }

  return {
    doc,
    url,
    partner,
    ctx,
    hint,
    bodyText() {
      bodyText ??= doc.body?.textContent ?? '';
      return bodyText;
    },
    bodyMatches(pattern) {
      let answer = matched.get(pattern);
      if (answer !== undefined) return answer;
      // Only the windows around order words are lower-cased, once: the whole text of a large page costs more to lower-case than to search.
      windows ??= stemWindows(this.bodyText());
      answer = windows.some((window) => pattern.test(window));
      matched.set(pattern, answer);
      return answer;
    },
    texts() {
      texts ??= collectTexts(doc, doc.body);
      return texts;
    },
    currency() {
      if (hint.currency !== undefined) return hint.currency;
      currency ??= commonCurrency(priceTexts(doc, doc.body), hint) ?? currencyOfLocale(hint.lang) ?? null;
      return currency ?? undefined;
    },
    scripts() {
      if (scripts === undefined) readScripts();
      return scripts as string[];
    },
    dataScripts(type) {
      if (scripts === undefined) readScripts();
      return dataScripts.get(type) ?? [];
    },
  };
}

/**
 * The first element matching any selector of a list, asked one selector at a
 * time: Chromium answers a single selector through its fast paths (an id, a
 * class, one attribute) and a list by matching every element against all of
 * them, ten times slower on a large page. For our own selector lists, whose
 * parts hold no comma.
 */
export function queryEach(root: ParentNode, list: string): Element | null {
  for (const selector of list.split(/\s*,\s*/)) {
    const found = safeQuery(root, selector);
    if (found !== null) return found;
  }
  return null;
}

/** `querySelector` that treats an invalid selector (from a catalogue rule) as "nothing found". */
export function safeQuery(root: ParentNode, selector: string): Element | null {
  try {
    return root.querySelector(selector);
  } catch {
    return null;
  }
}

/** `querySelectorAll` likewise, at most `limit` elements. */
export function safeQueryAll(root: ParentNode, selector: string, limit = 50): Element[] {
  try {
    return Array.from(root.querySelectorAll(selector)).slice(0, limit);
  } catch {
    return [];
  }
}

/** Texts of nodes we read are labels and price tags; a longer text means we picked the wrong node. */
export const MAX_NODE_TEXT = 400;

/** Elements that start a new line of text: their text is not run together with the next element's. */
const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2',
  'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'SECTION', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL',
]);

export function appendText(node: Node, parts: string[], budget: { left: number }): void {
  if (budget.left <= 0) return;
  if (node.nodeType === TEXT_NODE) {
    const value = node.nodeValue ?? '';
    parts.push(value);
    budget.left -= value.length;
    return;
  }
  if (node.nodeType !== ELEMENT_NODE) return;
  const element = node as Element;
  if (SKIPPED.has(element.tagName) || isHidden(element)) return;
  const block = BLOCK.has(element.tagName);
  if (block) parts.push(' ');
  const children = element.childNodes;
  for (let index = 0; index < children.length && budget.left > 0; index += 1) appendText(children[index] as Node, parts, budget);
  if (block) parts.push(' ');
}

/**
 * The visible text of a small element, as a reader sees it: block elements
 * apart (`<dd>4711</dd><dt>Datum</dt>` is "4711 Datum"), inline ones run
 * together (`<span>$</span><span>65</span>.<span>27</span>` is "$65.27"),
 * scripts and hidden elements left out. Null when the element is absent or
 * its text longer than `max`.
 */
export function shortText(node: Element | null | undefined, max = MAX_NODE_TEXT): string | null {
  if (!node) return null;
  const raw = node.textContent;
  if (raw === null || raw.length > max * 4) return null;
  const parts: string[] = [];
  appendText(node, parts, { left: max * 4 });
  const collapsed = parts.join('').replace(/[\s\u00a0\u202f\u2009\u2007\u200b]+/g, ' ').trim();
  return collapsed.length > max ? null : collapsed;
}
