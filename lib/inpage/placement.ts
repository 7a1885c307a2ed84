/**
 * Where an in-page moment goes: the first corner of the window where it
 * covers none of the shop's own controls (links, buttons, fields). Shops put
 * their cart, checkout and chat buttons in the right-hand corners, so the
 * bottom-left comes first; when every corner covers something, the one that
 * covers least wins, unless a band of the window free of controls takes the
 * card (`chooseSpot`: on a phone the card is nearly as wide as the window, so
 * every corner covers something, while a heading or a paragraph between
 * them often leaves room). The page is probed through `elementsAt` (the document's
 * `elementsFromPoint`), so tests pass a fake.
 */
export type Corner = 'bottom-left' | 'bottom-right' | 'top-left' | 'top-right';

export const CORNERS: readonly Corner[] = ['bottom-left', 'bottom-right', 'top-left', 'top-right'];

/** The gap between the card and the window's edges, in CSS pixels. */
export const EDGE_GAP_PX = 16;

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function cornerRect(corner: Corner, card: Size, viewport: Size): Rect {
  const left = corner.endsWith('left') ? EDGE_GAP_PX : viewport.width - EDGE_GAP_PX - card.width;
  const top = corner.startsWith('top') ? EDGE_GAP_PX : viewport.height - EDGE_GAP_PX - card.height;
  return { left, top, width: card.width, height: card.height };
}

const INTERACTIVE =
  'a[href], button, input, select, textarea, summary, label, iframe, [role="button"], [role="link"], [role="checkbox"], [contenteditable="true"], [contenteditable=""], [onclick]';

/** Whether clicking `element` does something on the shop's page. */
export function isInteractive(element: Element): boolean {
  return element.closest(INTERACTIVE) !== null;
}

/** How many of a grid of points over `rect` land on a shop control. */
export function coveredControls(
  rect: Rect,
  elementsAt: (x: number, y: number) => readonly Element[],
  isOurs: (e: Element) => boolean,
  grid: { columns: number; rows: number } = { columns: 7, rows: 6 },
): number {
  // From edge to edge (2 px inside), so a link the card only grazes counts too.
  const { columns, rows } = grid;
  const inset = 2;
  let hits = 0;
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) {
      const x = rect.left + inset + (c * (rect.width - 2 * inset)) / (columns - 1);
      const y = rect.top + inset + (r * (rect.height - 2 * inset)) / (rows - 1);
      if (elementsAt(x, y).some((e) => !isOurs(e) && isInteractive(e))) hits++;
    }
  }
  return hits;
}

export function chooseCorner(
  card: Size,
  viewport: Size,
  elementsAt: (x: number, y: number) => readonly Element[],
  isOurs: (e: Element) => boolean,
): Corner {
  let best: { corner: Corner; hits: number } | undefined;
  for (const corner of CORNERS) {
    const hits = coveredControls(cornerRect(corner, card, viewport), elementsAt, isOurs);
    if (hits === 0) return corner;
    if (best === undefined || hits < best.hits) best = { corner, hits };
  }
  return best?.corner ?? 'bottom-left';
}

/** Where the card goes: a corner, or, when `top` is set, that many pixels from the window's top along the left edge. */
export interface Spot {
  corner: Corner;
  top?: number;
}

/** How far apart the probed bands are, in CSS pixels. */
export const BAND_STEP_PX = 16;
/** The room a band keeps free above and below the card, in CSS pixels. */
export const BAND_MARGIN_PX = 8;

/**
 * The first corner that covers none of the shop's controls; else the first
 * band along the left edge, from the bottom up (nearest the thumb), that
 * covers none; else the corner covering least.
 */
export function chooseSpot(
  card: Size,
  viewport: Size,
  elementsAt: (x: number, y: number) => readonly Element[],
  isOurs: (e: Element) => boolean,
): Spot {
  const corner = chooseCorner(card, viewport, elementsAt, isOurs);
  if (coveredControls(cornerRect(corner, card, viewport), elementsAt, isOurs) === 0) return { corner };
  // A band is probed finer than a corner (a point every 40 × 12 px: a line of link text cannot slip
  // between two rows), with a margin above and below, so the card grazes no control either.
  const grid = { columns: Math.ceil(card.width / 40) + 1, rows: Math.ceil((card.height + 2 * BAND_MARGIN_PX) / 12) + 1 };
  for (let top = viewport.height - EDGE_GAP_PX - card.height; top >= EDGE_GAP_PX; top -= BAND_STEP_PX) {
    const band = { left: EDGE_GAP_PX, top: top - BAND_MARGIN_PX, width: card.width, height: card.height + 2 * BAND_MARGIN_PX };
    if (coveredControls(band, elementsAt, isOurs, grid) === 0) {
      return { corner: 'top-left', top: Math.round(top) };
    }
  }
  return { corner };
}
