/** The options page: settings, consent, sign-out, export and deletion of local data. */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Options, type SettingsPatch } from '../../components/Options.tsx';
import '../../components/styles.css';
import { removeTechnicalData, requestTechnicalData, technicalDataGranted, type DataCollectionApi } from '../../lib/data-collection.ts';
import { getAccount, getCatalog, getSettings, openSammelpunktDb } from '../../lib/db/index.ts';
import { runtimeBridge } from '../../lib/ui/bridge.ts';
import { buildExport, downloadJson } from '../../lib/ui/export.ts';
import { t, uiLocale } from '../../lib/ui/i18n.ts';
import { apiHostPattern, partnerOrigins } from '../../lib/ui/origins.ts';

async function main(): Promise<void> {
  document.documentElement.lang = uiLocale();
  document.title = t('optionsTitle');
  const root = document.getElementById('app');
  if (!root) return;
  const db = await openSammelpunktDb();
  // WXT types browser.permissions after Chrome's, which has no `data_collection`; Firefox 140+ has it.
  const dataCollection = browser.permissions as unknown as DataCollectionApi;
  // Feature-checked once: only a browser with data-collection permissions lists them.
  const hasDataCollection = (await technicalDataGranted(dataCollection).catch(() => undefined)) !== undefined;
  const technicalDataPermission = hasDataCollection
    ? { request: () => requestTechnicalData(dataCollection), remove: () => removeTechnicalData(dataCollection) }
    : undefined;

  const paint = async () => {
    const [settings, account, catalog] = await Promise.all([getSettings(db), getAccount(db), getCatalog(db)]);
    const partners = catalog?.partners ?? [];
    const origins = partnerOrigins(partners);
    render(
      <Options
        settings={settings}
        member={account?.member}
        partners={partners}
        bridge={runtimeBridge}
        onSaveSettings={async (patch: SettingsPatch) => {
          await runtimeBridge.updateSettings(patch);
          await paint();
        }}
        requestHostAccess={() => (origins.length > 0 ? browser.permissions.request({ origins }) : Promise.resolve(false))}
        requestApiAccess={import.meta.env.FIREFOX ? (baseUrl) => browser.permissions.request({ origins: [apiHostPattern(baseUrl)] }) : undefined}
        technicalDataPermission={technicalDataPermission}
        onExport={() => void buildExport(db, new Date()).then((data) => downloadJson(document, data, new Date()))}
        onChanged={() => void paint()}
      />,
      root,
    );
  };
  await paint();
}

void main();
