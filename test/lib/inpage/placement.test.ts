// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { chooseCorner, cornerRect, type Rect } from '../../../lib/inpage/placement.ts';

const viewport = { width: 1000, height: 700 };
const card = { width: 300, height: 120 };

/** A page whose only elements are these boxes, hit-tested like `elementsFromPoint`. */
function page(boxes: Array<{ rect: Rect; element: Element }>) {
  return (x: number, y: number) =>
    boxes.filter(({ rect }) => x >= rect.left && x <= rect.left + rect.width && y >= rect.top && y <= rect.top + rect.height).map((b) => b.element);
}
const notOurs = () => false;

function box(html: string, rect: Rect) {
  const host = document.createElement('div');
  host.innerHTML = html;
  return { rect, element: host.querySelector('[data-hit]') ?? host.firstElementChild! };
}

describe('chooseCorner', () => {
  it('prefers the bottom-left corner when it covers nothing the shop needs', () => {
    const text = box('<p data-hit>Unsere Produkte</p>', cornerRect('bottom-left', card, viewport));
    expect(chooseCorner(card, viewport, page([text]), notOurs)).toBe('bottom-left');
  });

  it('moves away from a shop button, and from a link inside a product card', () => {
    const cart = box('<button data-hit>In den Warenkorb</button>', { left: 20, top: 600, width: 180, height: 44 });
    expect(chooseCorner(card, viewport, page([cart]), notOurs)).toBe('bottom-right');
    const chat = box('<a href="/chat"><span data-hit>Chat</span></a>', { left: 900, top: 620, width: 80, height: 60 });
    expect(chooseCorner(card, viewport, page([cart, chat]), notOurs)).toBe('top-left');
  });

  it('takes the corner covering least when every corner covers something', () => {
    const everywhere = box('<input data-hit>', { left: 0, top: 0, width: 1000, height: 700 });
    const small = box('<span>x</span>', { left: 0, top: 0, width: 1, height: 1 });
    expect(chooseCorner(card, viewport, page([everywhere, small]), notOurs)).toBe('bottom-left');
  });

  it('does not count its own card as the shop’s', () => {
    const ours = box('<button data-hit>×</button>', cornerRect('bottom-left', card, viewport));
    expect(chooseCorner(card, viewport, page([ours]), (e) => e === ours.element)).toBe('bottom-left');
  });
});
