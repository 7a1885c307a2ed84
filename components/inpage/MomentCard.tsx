import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { chooseSpot, type Corner, type Size, type Spot } from '../../lib/inpage/placement.ts';
import { t } from '../../lib/ui/i18n.ts';

export interface MomentCardProps {
  /** The first line, read out by screen readers together with the body. */
  title: string;
  children?: ComponentChildren;
  /** Buttons beside "close", e.g. "Not in this shop". */
  actions?: ComponentChildren;
  tone?: 'ok' | 'info';
  /** Hides itself after this long, but never while the pointer or the focus is on it. */
  autoHideMs?: number;
  onDismiss(): void;
  /** Picks the corner (or the band) for a card of this size; by default the first that covers none of the shop's controls. */
  place?: (card: Size) => Corner | Spot;
}

/** Probes the real page; our own host element (the shadow root's) is not the shop's. */
function placeOnPage(card: Size): Spot {
  if (typeof document.elementsFromPoint !== 'function') return { corner: 'bottom-left' };
  return chooseSpot(
    card,
    { width: document.documentElement.clientWidth || window.innerWidth, height: window.innerHeight },
    (x, y) => document.elementsFromPoint(x, y),
    (element) => element.localName === 'sammelpunkt-moment',
  );
}

/**
 * The frame of every in-page moment: a small card in the bottom-left corner
 * with the Sammelpunkt mark, a live region for its text and a close button.
 * Escape closes it, from inside the card or anywhere on the page, unless the
 * shop already handled that Escape (its own dialog, say).
 */
export function MomentCard({ title, children, actions, tone = 'info', autoHideMs, onDismiss, place = placeOnPage }: MomentCardProps) {
  const [held, setHeld] = useState(false);
  const [spot, setSpot] = useState<Spot | undefined>(undefined);
  const card = useRef<HTMLElement>(null);
  const dismissed = useRef(false);
  const dismiss = () => {
    if (dismissed.current) return;
    dismissed.current = true;
    onDismiss();
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) dismiss();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Measured once, hidden until placed, so it never flashes over a shop button first.
  useLayoutEffect(() => {
    const box = card.current?.getBoundingClientRect();
    const placed = box === undefined ? 'bottom-left' : place({ width: box.width, height: box.height });
    setSpot(typeof placed === 'string' ? { corner: placed } : placed);
  }, []);

  useEffect(() => {
    if (autoHideMs === undefined || held) return;
    const timer = setTimeout(dismiss, autoHideMs);
    return () => clearTimeout(timer);
  }, [autoHideMs, held]);

  return (
    <aside
      ref={card}
      class={`moment moment-${tone} ${spot === undefined ? 'moment-measuring' : `moment-${spot.corner}`}`}
      style={spot?.top === undefined ? undefined : { top: `${spot.top}px`, bottom: 'auto' }}
      aria-label={t('inpageLabel')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') dismiss();
      }}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocusIn={() => setHeld(true)}
      onFocusOut={() => setHeld(false)}
    >
      <div class="moment-head">
        <svg class="moment-mark" viewBox="0 0 26 26" aria-hidden="true" focusable="false">
          <circle cx="13" cy="13" r="13" class="moment-mark-disc" />
          <circle cx="13" cy="13" r="5.5" class="moment-mark-point" />
        </svg>
        <div class="moment-text" role="status" aria-live="polite">
          <p class="moment-title">{title}</p>
          {children}
        </div>
        <button type="button" class="moment-close" aria-label={t('inpageClose')} onClick={dismiss}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {actions !== undefined && <div class="moment-actions">{actions}</div>}
    </aside>
  );
}
