import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLifetime, watchLocation } from '../../../lib/inpage/lifetime.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the detector’s lifetime', () => {
  it('ends when the extension goes away (updated or removed): timers stop and clean-ups run', () => {
    let alive = true;
    const lifetime = createLifetime(() => alive);
    const ticks: number[] = [];
    let cleanedUp = 0;
    lifetime.setInterval(() => ticks.push(Date.now()), 100);
    lifetime.onInvalidated(() => cleanedUp++);
    vi.advanceTimersByTime(250);
    expect(ticks).toHaveLength(2);
    alive = false;
    vi.advanceTimersByTime(500);
    expect(ticks).toHaveLength(2);
    expect(lifetime.isInvalid).toBe(true);
    expect(cleanedUp).toBe(1);
  });

  it('notices an address change without a page load, once per change', () => {
    const lifetime = createLifetime(() => true);
    let href = 'https://shop.example/checkout';
    const seen: string[] = [];
    watchLocation(lifetime, () => href, (now) => seen.push(now), 500);
    vi.advanceTimersByTime(1000);
    href = 'https://shop.example/checkout/thank-you';
    vi.advanceTimersByTime(1500);
    expect(seen).toEqual(['https://shop.example/checkout/thank-you']);
  });

  it('dispatches no event while it watches and when it ends (a page listener could hear one; the browser test probes a real page)', () => {
    const dispatch = vi.spyOn(EventTarget.prototype, 'dispatchEvent');
    let alive = true;
    const lifetime = createLifetime(() => alive);
    watchLocation(lifetime, () => 'https://shop.example/a', () => {});
    vi.advanceTimersByTime(2000);
    alive = false;
    vi.advanceTimersByTime(1000);
    // Only the private AbortSignal may fire its own abort event.
    expect(dispatch.mock.contexts.filter((target) => target !== lifetime.signal)).toEqual([]);
    dispatch.mockRestore();
  });
});
