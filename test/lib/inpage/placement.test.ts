// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { chooseCorner, chooseSpot, cornerRect, coveredControls, type Rect } from '../../../lib/inpage/placement.ts';

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

describe('chooseSpot, on a phone', () => {
  const phone = { width: 360, height: 640 };
  const wide = { width: 328, height: 130 };
  const header = box('<a href="/cart" data-hit>Cart</a>', { left: 0, top: 0, width: 360, height: 100 });
  const products = box('<button data-hit>Add to cart</button>', { left: 0, top: 500, width: 360, height: 140 });

  it('takes a band free of controls when every corner covers one, as low as it fits', () => {
    const spot = chooseSpot(wide, phone, page([header, products]), notOurs);
    expect(spot.corner).toBe('top-left');
    // Clear of both, with 8 px to spare, and as low as the 16 px steps allow.
    expect(spot.top).toBeGreaterThanOrEqual(108);
    expect(spot.top! + wide.height).toBeLessThanOrEqual(492);
    expect(spot.top! + 16 + wide.height).toBeGreaterThan(492);
    expect(coveredControls({ left: 16, top: spot.top!, ...wide }, page([header, products]), notOurs)).toBe(0);
  });

  it('sees a line of link text that could slip between the rows a corner is probed with', () => {
    const thin = box('<a href="/p" data-hit>Sneaker</a>', { left: 17, top: 440, width: 200, height: 12 });
    const spot = chooseSpot(wide, phone, page([header, products, thin]), notOurs);
    expect(spot.top! + wide.height).toBeLessThanOrEqual(440 - 8);
  });

  it('keeps a free corner when there is one, and the least-covered corner when no band is free', () => {
    expect(chooseSpot(wide, phone, page([header]), notOurs)).toEqual({ corner: 'bottom-left' });
    const everywhere = box('<input data-hit>', { left: 0, top: 0, width: 360, height: 640 });
    expect(chooseSpot(wide, phone, page([everywhere]), notOurs)).toEqual({ corner: 'bottom-left' });
  });
});
