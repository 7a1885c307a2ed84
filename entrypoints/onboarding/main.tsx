/**
 * The onboarding page, opened on install: what is read and what never is,
 * the consent choice, host access for the partner shops, and sign-in.
 */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Onboarding } from '../../components/Onboarding.tsx';
import '../../components/styles.css';
import { getAccount, getCatalog, getSettings, openSammelpunktDb } from '../../lib/db/index.ts';
import { runtimeBridge } from '../../lib/ui/bridge.ts';
import { t, uiLocale } from '../../lib/ui/i18n.ts';
import { partnerOrigins } from '../../lib/ui/origins.ts';

/** The background fetches the catalogue on install; until it lands, look again this often. */
const CATALOG_POLL_MS = 1000;

async function main(): Promise<void> {
  document.documentElement.lang = uiLocale();
  document.title = t('onbTitle');
  const root = document.getElementById('app');
  if (!root) return;
  const db = await openSammelpunktDb();

  const paint = async (): Promise<number> => {
    const [settings, account, catalog] = await Promise.all([getSettings(db), getAccount(db), getCatalog(db)]);
    const origins = partnerOrigins(catalog?.partners ?? []);
    render(
      <Onboarding
        origins={origins}
        consentGiven={settings.consent?.given === true}
        signedIn={account !== undefined}
        bridge={runtimeBridge}
        requestHostAccess={(wanted) => browser.permissions.request({ origins: wanted })}
        onSignedIn={() => void paint()}
      />,
      root,
    );
    return origins.length;
  };

  if ((await paint()) === 0) {
    // The background fetches the catalogue on install; ask once more in case that failed.
    void runtimeBridge.refreshCatalog();
    const timer = setInterval(() => {
      void paint().then((count) => {
        if (count > 0) clearInterval(timer);
      });
    }, CATALOG_POLL_MS);
  }
}

void main();
