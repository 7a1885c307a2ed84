/**
 * On a phone (Firefox for Android, or any small touch screen): the onboarding,
 * the options and the popup fit 360×640 without sideways scrolling, their
 * controls are big enough to tap (WCAG 2.2 target size, 24×24 CSS px), they
 * work by tapping, and the in-page moment on a partner shop covers none of
 * the shop's buttons or links.
 *
 * Chromium with a phone's viewport, touch and mobile viewport handling stands
 * in for Firefox for Android, which the test machines cannot run; the layout
 * is the same CSS in both.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, ChromiumSession, InPageMoment, shown, waitFor, withEvidence } from './harness.ts';

const PHONE = { width: 360, height: 640 };
const SHOP = 'schuhhaus';

let api: ApiServer;
let chromium: ChromiumSession;

beforeAll(async () => {
  api = await ApiServer.start();
  chromium = await ChromiumSession.launch(undefined, [], { viewport: PHONE, isMobile: true, hasTouch: true });
});

afterAll(async () => {
  await chromium?.close();
  await api?.stop();
});

/**
 * What does not fit: sideways scrolling, controls sticking out of the screen
 * or smaller than 24×24 (links inside running text are exempt, as WCAG
 * allows; a checkbox counts with its label). A string, not a function: it
 * runs in the page as written.
 */
const LAYOUT_PROBE = `((width) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > width) problems.push('the page scrolls sideways: ' + doc.scrollWidth + ' px wide');
  for (const el of document.querySelectorAll('button, a[href], input, select, textarea, [role="tab"]')) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.closest('[hidden]')) continue;
    if (el.tagName === 'A' && el.closest('p, li')) continue;
    const target = (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.type || el.tagName).trim().slice(0, 40);
    if (r.right > width + 0.5 || r.left < -0.5) problems.push(name + ' sticks out of the screen');
    if (r.width < 24 || r.height < 24) problems.push(name + ' is ' + Math.round(r.width) + '×' + Math.round(r.height) + ' px, under 24×24');
  }
  return problems;
})`;

async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(`${LAYOUT_PROBE}(${PHONE.width})`) as Promise<string[]>;
}

function step(name: string, body: () => Promise<void>): void {
  it(name, () => withEvidence(`mobile ${name}`, () => chromium.context.pages(), body, api, () => chromium.log()), 120_000);
}

describe('Chromium as a 360×640 touch phone', () => {
  step('the options page fits and saves the API address by tapping', async () => {
    const options = await chromium.openPage(chromium.extensionUrl('options.html'));
    expect(await layoutProblems(options)).toEqual([]);
    await options.getByLabel('API base URL').fill(api.baseUrl);
    await options.getByRole('button', { name: 'Save' }).tap();
    await shown(options.getByText('Saved.'));
    await options.close();
  });

  step('the onboarding fits, and agreeing works by tapping', async () => {
    const onboarding = await waitFor('the onboarding tab', async () => chromium.findPage(chromium.extensionUrl('onboarding.html')), (p) => p !== undefined);
    if (onboarding === undefined) throw new Error('no onboarding tab');
    await onboarding.bringToFront();
    expect(await layoutProblems(onboarding)).toEqual([]);
    await onboarding.getByRole('button', { name: 'Agree and allow on partner shops' }).tap();
    const granted = onboarding.getByText('Access to the partner shops is allowed.');
    const allow = onboarding.getByRole('button', { name: 'Allow access to partner shops' });
    await granted.or(allow).first().waitFor({ timeout: 15_000 });
    if (await allow.isVisible()) {
      await waitFor('the partner list on the onboarding page', () => allow.isEnabled(), (enabled) => enabled);
      await allow.tap();
    }
    await shown(granted, 15_000);
    expect(await layoutProblems(onboarding)).toEqual([]);
  });

  step('on a partner shop, the reminder covers none of the shop\'s buttons or links', async () => {
    const shop = await chromium.openPage(api.shopUrl(SHOP));
    const moment = await InPageMoment.waitFor(shop, 'Points are collected automatically here');
    await shop.waitForTimeout(400);
    const card = await moment.rect();
    // The card is in a closed shadow root: its rectangle comes from the protocol, the shop's controls from the page.
    const overlap = await shop.evaluate(`((card) => {
      const hits = [];
      if (card.right - card.left <= 0 || card.bottom - card.top <= 0) return ['the moment has no size'];
      if (card.left < 0 || card.right > innerWidth) hits.push('the moment is wider than the screen');
      for (const el of document.querySelectorAll('a[href], button, input, select, textarea')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.top >= innerHeight) continue;
        const covers = r.left < card.right && r.right > card.left && r.top < card.bottom && r.bottom > card.top;
        if (covers) hits.push((el.textContent || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 40));
      }
      return hits;
    })(${JSON.stringify(card)})`);
    expect(overlap).toEqual([]);
  });

  step('the popup fits the phone and its tabs switch by tapping', async () => {
    const shop = chromium.context.pages().find((p) => p.url().startsWith(api.shopUrl(SHOP))) ?? (await chromium.openPage(api.shopUrl(SHOP)));
    const popup = await chromium.openPopupBeside(shop);
    await popup.setViewportSize(PHONE);
    await popup.getByRole('tab').first().waitFor({ timeout: 15_000 });
    expect(await layoutProblems(popup)).toEqual([]);
    const tabs = popup.getByRole('tab');
    for (let i = 0; i < (await tabs.count()); i++) {
      await tabs.nth(i).tap();
      await expect.poll(() => tabs.nth(i).getAttribute('aria-selected')).toBe('true');
      expect(await layoutProblems(popup), `tab ${i + 1}`).toEqual([]);
    }
    await popup.close();
  });
});
