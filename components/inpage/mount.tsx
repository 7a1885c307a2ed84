/**
 * Puts one in-page moment on the shop's page, inside a shadow root (WXT's
 * `createShadowRootUi`), so the shop's styles cannot break it and its styles
 * cannot leak into the shop. One moment at a time: a new one replaces the
 * one on screen (the purchase confirmation replaces the reminder).
 *
 * The stylesheet is bundled as a string (`?inline`) rather than through
 * `cssInjectionMode: 'ui'`: that mode fetches the CSS file at run time, which
 * needs it listed in `web_accessible_resources` for the pages it runs on, and
 * this content script is registered at run time with no manifest matches.
 * A web-accessible file would also let any page probe for the extension.
 */
import { render, type VNode } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import type { Lifetime } from '../../lib/inpage/lifetime.ts';
import css from './inpage.css?inline';

export type MomentView = (dismiss: () => void) => VNode;

export interface MomentHost {
  show(view: MomentView): Promise<void>;
  hide(): void;
}

export function momentHost(lifetime: Lifetime): MomentHost {
  // createShadowRootUi uses only `onInvalidated` (and `options`, absent here: the CSS comes inline).
  // It is typed with WXT's context class, whose constructor announces the script on the page
  // (lib/inpage/lifetime.ts), so the quiet lifetime stands in for it.
  const ctx = lifetime as unknown as ContentScriptContext;
  let current: ShadowRootContentScriptUi<HTMLElement> | undefined;
  const hide = () => {
    current?.remove();
    current = undefined;
  };
  return {
    hide,
    async show(view) {
      const ui: ShadowRootContentScriptUi<HTMLElement> = await createShadowRootUi<HTMLElement>(ctx, {
        name: 'sammelpunkt-moment',
        position: 'inline',
        anchor: 'body',
        append: 'last',
        css,
        // Closed: the shop's scripts cannot reach into the card.
        mode: 'closed',
        // Keys typed on our buttons are ours: the shop's keyboard shortcuts must not see them.
        isolateEvents: true,
        onMount: (container) => {
          render(view(() => (current === ui ? hide() : ui.remove())), container);
          return container;
        },
        // Unrendering runs the components' clean-ups (timers, the page-wide Escape listener).
        onRemove: (container) => {
          if (container !== undefined) render(null, container);
        },
      });
      // Whichever moment was asked for last is the one on screen.
      hide();
      current = ui;
      ui.mount();
    },
  };
}
