import { useEffect, useMemo, useState } from 'preact/hooks';
import { buildMatcher } from '../lib/catalog/matcher.ts';
import type { Ranking } from '../lib/offers/rank.ts';
import type { UiBridge } from '../lib/ui/bridge.ts';
import { t } from '../lib/ui/i18n.ts';
import type { PopupState, RewardsView } from '../lib/ui/model.ts';
import { BalanceCard } from './BalanceCard.tsx';
import { CurrentShop } from './CurrentShop.tsx';
import { MemberCard } from './MemberCard.tsx';
import type { MissionsList as MissionsListComponent, MissionsListProps } from './MissionsList.tsx';
import { OffersList } from './OffersList.tsx';
import { PurchaseList } from './PurchaseList.tsx';
import { Rewards } from './Rewards.tsx';
import { SignIn } from './SignIn.tsx';
import { VerifyEmail } from './VerifyEmail.tsx';
import { SyncStatus } from './SyncStatus.tsx';
import { Tabs } from './Tabs.tsx';

export interface PopupAppProps {
  state: PopupState;
  now: Date;
  /** The host of the active tab, when the popup may read it. */
  tabHost?: string;
  rewards: RewardsView;
  /** The personal order of the offers tab, computed after the first paint; absent until then and when switched off. */
  ranking?: Ranking;
  syncing: boolean;
  bridge: UiBridge;
  onSyncNow(): void;
  onSetMuted(partnerId: string, muted: boolean): void;
  /** The member asked for older purchases than the popup has read. */
  onShowOlder(): void;
  /** After sign-in or sign-out: re-read local state and sync. */
  onAccountChanged(): void;
  onOpenOptions(): void;
}

type TabId = 'purchases' | 'offers' | 'rewards' | 'card';

export function PopupApp(props: PopupAppProps) {
  const { state, now, tabHost, bridge } = props;
  const [tab, setTab] = useState<TabId>('purchases');
  const matcher = useMemo(() => buildMatcher(state.partners), [state.partners]);
  const partnerId = tabHost !== undefined ? matcher.lookup(tabHost) : undefined;
  const partner = partnerId !== undefined ? state.partners.find((p) => p.id === partnerId) : undefined;
  const signedIn = state.member !== undefined;
  const tabs: ReadonlyArray<{ id: TabId; label: string }> = [
    { id: 'purchases', label: t('tabPurchases') },
    { id: 'offers', label: t('tabOffers') },
    { id: 'rewards', label: t('tabRewards') },
    { id: 'card', label: t('tabCard') },
  ];

  return (
    <div class="popup">
      <header class="popup-header">
        <h1 class="brand">{t('appName')}</h1>
        <button type="button" class="link small" onClick={props.onOpenOptions}>{t('openOptions')}</button>
      </header>
      {!state.consentGiven && <p class="notice small" role="note">{t('consentMissing')}</p>}
      <BalanceCard balance={state.balance} tier={state.tier} tierProgress={state.tierProgress} expiry={state.expiry} now={now} signedIn={signedIn} />
      <SyncStatus sync={state.sync} signedIn={signedIn} syncing={props.syncing} onSyncNow={props.onSyncNow} />
      {!signedIn && (
        <SignIn onSubmit={bridge.signIn} onSignedIn={props.onAccountChanged} />
      )}
      {state.member?.emailVerified === false && (
        <VerifyEmail email={state.member.email} onVerify={bridge.verifyEmail} onResend={bridge.resendCode} onVerified={props.onAccountChanged} />
      )}
      <CurrentShop
        partner={partner}
        partners={state.partners}
        offers={state.offers}
        muted={partner !== undefined && state.mutedShops.includes(partner.id)}
        onSetMuted={props.onSetMuted}
        now={now}
      />
      {signedIn && state.missions !== undefined && state.missions.length > 0 && <Missions missions={state.missions} now={now} />}
      <Tabs<TabId> tabs={tabs} selected={tab} onSelect={setTab} label={t('tabsLabel')}>
        {tab === 'purchases' && (
          <PurchaseList
            rows={state.purchases}
            total={state.purchaseCount}
            more={state.morePurchases}
            signedIn={signedIn}
            onClaim={bridge.claim}
            onShowOlder={props.onShowOlder}
          />
        )}
        {tab === 'offers' && <OffersList offers={state.offers} partners={state.partners} now={now} ranking={props.ranking} />}
        {tab === 'rewards' && (
          <Rewards view={props.rewards} available={state.balance?.available} signedIn={signedIn} onRedeem={bridge.redeem} />
        )}
        {tab === 'card' && <MemberCard member={state.member} />}
      </Tabs>
    </div>
  );
}

/**
 * The missions section, loaded when the member has missions: most openings
 * have none, and the popup's first paint carries only what it shows.
 */
function Missions(props: MissionsListProps) {
  const [List, setList] = useState<typeof MissionsListComponent | undefined>(undefined);
  useEffect(() => {
    let open = true;
    void import('./MissionsList.tsx').then((module) => {
      if (open) setList(() => module.MissionsList);
    });
    return () => {
      open = false;
    };
  }, []);
  return List ? <List {...props} /> : null;
}
