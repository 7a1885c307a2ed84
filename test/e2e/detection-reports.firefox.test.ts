/**
 * Detection reports in Firefox ESR: the options page's switch is off, asks
 * Firefox for the optional `technicalAndInteraction` data collection when
 * turned on, and the background turns the setting off when the permission
 * is taken back (as about:addons does).
 *
 * Firefox's permission prompt is browser UI the driver cannot click, so this
 * session turns it off (`extensions.webextOptionalPermissionPrompts`): a
 * request from a user gesture is granted as if the member had accepted. A
 * request made outside a gesture still fails, so the click must be the one
 * that asks. No API is needed: before consent the extension makes no request.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirefoxSession, sleep, waitFor } from './harness.ts';

let firefox: FirefoxSession;
let tab: Page;

/**
 * Opens the options page in the extension's tab by the page's own navigation: the driver may not open
 * moz-extension:// addresses, and reports no navigation events for such pages, so this polls.
 */
async function openOptions(): Promise<void> {
  await tab.evaluate(() => location.assign('options.html'));
  await sleep(300);
  await waitFor('the options page', () => tab.evaluate(() => `${location.pathname} ${document.readyState}`), (at) => at === '/options.html complete');
  await waitFor('the switch on the options page', () => tab.evaluate((s) => document.querySelector(s) !== null, SWITCH), Boolean);
}

beforeAll(async () => {
  firefox = await FirefoxSession.launch(undefined, { prefs: { 'extensions.webextOptionalPermissionPrompts': false } });
  tab = await firefox.extensionTab('onboarding.html');
  await openOptions();
});

afterAll(async () => {
  await firefox?.close();
});

const SWITCH = 'input[role=switch][aria-describedby=opt-detection-what]';

function switchIsOn(): Promise<boolean> {
  return tab.evaluate((selector) => (document.querySelector(selector) as HTMLInputElement | null)?.checked === true, SWITCH);
}

/** What Firefox says it granted: `data_collection` exists in Firefox only. */
function grantedDataCollection(): Promise<string[] | undefined> {
  return tab.evaluate(async () => {
    const { browser } = globalThis as unknown as { browser: { permissions: { getAll(): Promise<{ data_collection?: string[] }> } } };
    return (await browser.permissions.getAll()).data_collection;
  });
}

/** The stored setting, read from the extension's IndexedDB in its own page. */
function storedDetectionReports(): Promise<boolean | undefined> {
  return tab.evaluate(
    () =>
      new Promise<boolean | undefined>((resolve, reject) => {
        const open = indexedDB.open('sammelpunkt');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const read = db.transaction('settings').objectStore('settings').get('current');
          read.onerror = () => reject(read.error);
          read.onsuccess = () => {
            resolve((read.result as { detectionReports?: boolean } | undefined)?.detectionReports);
            db.close();
          };
        };
      }),
  );
}

describe('Firefox ESR: detection reports are an opt-in', () => {
  it('the switch is off on a new install, and Firefox has not granted technical data', async () => {
    expect(await switchIsOn()).toBe(false);
    // Firefox lists the required categories here too; the optional one is not among them yet.
    expect(await grantedDataCollection()).toEqual(expect.arrayContaining(['personallyIdentifyingInfo']));
    expect(await grantedDataCollection()).not.toContain('technicalAndInteraction');
    expect(await storedDetectionReports()).not.toBe(true);
  });

  it('turning the switch on asks Firefox for technicalAndInteraction, inside the click, and saves it on', async () => {
    await tab.locator(SWITCH).click();
    await waitFor('Firefox to grant technical data', grantedDataCollection, (granted) => granted?.includes('technicalAndInteraction') === true);
    await waitFor('the setting saved on', storedDetectionReports, (on) => on === true);
    await waitFor('the switch shown on', switchIsOn, (on) => on);
  });

  it('taken back as about:addons does: the background turns the setting off', async () => {
    await tab.evaluate(async () => {
      const { browser } = globalThis as unknown as { browser: { permissions: { remove(p: { data_collection: string[] }): Promise<boolean> } } };
      await browser.permissions.remove({ data_collection: ['technicalAndInteraction'] });
    });
    await waitFor('the setting turned off by the background', storedDetectionReports, (on) => on === false);
    expect(await grantedDataCollection()).not.toContain('technicalAndInteraction');
    await openOptions();
    expect(await switchIsOn()).toBe(false);
  });
});
