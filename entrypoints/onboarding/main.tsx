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

async function main(): Promise<void> {
  document.documentElement.lang = uiLocale();
  document.title = t('onbTitle');
  const root = document.getElementById('app');
  if (!root) return;
  const db = await openSammelpunktDb();
  // Only what is stored: nothing is fetched before the member agrees (the background fetches the catalogue then).
  const storedOrigins = async () => partnerOrigins((await getCatalog(db))?.partners ?? []);

  const paint = async (): Promise<void> => {
    const [settings, account, origins] = await Promise.all([getSettings(db), getAccount(db), storedOrigins()]);
    render(
      <Onboarding
        origins={origins}
        consentGiven={settings.consent?.given === true}
        signedIn={account !== undefined}
        bridge={runtimeBridge}
        requestHostAccess={(wanted) => browser.permissions.request({ origins: wanted })}
        loadOrigins={storedOrigins}
        onSignedIn={() => void paint()}
      />,
      root,
    );
  };
  await paint();
}

void main();
