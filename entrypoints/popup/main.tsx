/**
 * The popup: paints from IndexedDB first, then asks the background to sync
 * and paints again from the updated database. A cached number is never
 * replaced by a spinner.
 */
import { render } from 'preact';
import { PopupApp } from '../../components/PopupApp.tsx';
import '../../components/styles.css';
import { httpHost } from '../../lib/catalog/matcher.ts';
import { countPurchases, openSammelpunktDb, type SammelpunktDb } from '../../lib/db/index.ts';
import { runtimeBridge } from '../../lib/ui/bridge.ts';
import { extensionApi } from '../../lib/ui/extension-api.ts';
import { uiLocale } from '../../lib/ui/i18n.ts';
import { loadPopupState } from '../../lib/ui/local-state.ts';
import type { Ranking } from '../../lib/offers/rank.ts';
import { loadRanking } from '../../lib/ui/ranking.ts';
import { PURCHASES_PAGE, type PopupState, type RewardsView } from '../../lib/ui/model.ts';

interface View {
  state: PopupState;
  tabHost?: string;
  rewards: RewardsView;
  ranking?: Ranking;
  syncing: boolean;
}

async function activeTabHost(): Promise<string | undefined> {
  try {
    const [tab] = await extensionApi().tabs.query({ active: true, currentWindow: true });
    return httpHost(tab?.url);
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  document.documentElement.lang = uiLocale();
  const root = document.getElementById('app');
  if (!root) return;
  const tabHostPromise = activeTabHost();
  const db: SammelpunktDb = await openSammelpunktDb();
  // The newest page of purchases only: a long history is read a page at a time, when the member asks.
  let purchaseLimit = PURCHASES_PAGE;
  const read = () => loadPopupState(db, new Date(), navigator.onLine, purchaseLimit);

  // Both are local and fast; waiting for the tab too avoids painting the search first and then the shop.
  const [initial, tabHost] = await Promise.all([read(), tabHostPromise]);
  let view: View = { state: initial, tabHost, rewards: { status: 'unknown' }, syncing: false };
  const paint = (change: Partial<View>) => {
    view = { ...view, ...change };
    render(
      <PopupApp
        state={view.state}
        now={new Date()}
        tabHost={view.tabHost}
        rewards={view.rewards}
        ranking={view.ranking}
        syncing={view.syncing}
        bridge={runtimeBridge}
        onSyncNow={() => void sync()}
        onSetMuted={(partnerId, muted) => void setMuted(partnerId, muted)}
        onShowOlder={() => void showOlder()}
        onAccountChanged={() => void sync()}
        onOpenOptions={() => void extensionApi().runtime.openOptionsPage()}
      />,
      root,
    );
    // The purchases are counted after they are painted: on a long history the count walks every key (tens of ms).
    const shown = view.state;
    if (change.state !== undefined && shown.purchaseCount === null) {
      void countPurchases(db).then((purchaseCount) => {
        if (view.state === shown) paint({ state: { ...shown, purchaseCount } });
      });
    }
  };

  const loadRewards = async () => {
    if (view.state.member === undefined) return;
    const outcome = await runtimeBridge.getRewards();
    paint({ rewards: outcome.ok ? { status: 'loaded', rewards: outcome.rewards } : { status: 'failed' } });
  };
  // Run only after the balance is on screen: the year of receipts it reads never holds up the first paint.
  const rank = async () => {
    try {
      paint({ ranking: await loadRanking(db, view.state, new Date()) });
    } catch (error) {
      console.warn('Sammelpunkt: could not rank the offers', error);
    }
  };
  const sync = async () => {
    paint({ syncing: true, state: await read() });
    await runtimeBridge.syncNow();
    paint({ syncing: false, state: await read() });
    // New purchases and offers from the server: rank again.
    void rank();
    await loadRewards();
  };
  const setMuted = async (partnerId: string, muted: boolean) => {
    const others = view.state.mutedShops.filter((id) => id !== partnerId);
    await runtimeBridge.updateSettings({ mutedShops: muted ? [...others, partnerId] : others });
    paint({ state: await read() });
    // A muted partner is never suggested.
    void rank();
  };

  const showOlder = async () => {
    purchaseLimit += PURCHASES_PAGE;
    paint({ state: await read() });
  };

  paint({});
  // The balance is on screen from local state: `npm run bench` reads this mark against the 150 ms budget.
  performance.mark('sammelpunkt:balance-painted');
  void rank();
  addEventListener('online', () => void read().then((state) => paint({ state })));
  addEventListener('offline', () => void read().then((state) => paint({ state })));
  if (navigator.onLine) await sync();
  else await loadRewards();
}

void main();
