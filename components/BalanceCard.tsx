import type { Balance, PointsExpiry, TierProgress } from '../lib/contract/index.ts';
import { ExpiryNotice } from './ExpiryNotice.tsx';
import { formatNumber, t, tn } from '../lib/ui/i18n.ts';
import { tierProgress } from '../lib/ui/model.ts';

export interface BalanceCardProps {
  balance?: Balance;
  tier?: string;
  /** The server's measure of the way to the next tier; without it, lifetime points stand in. */
  tierProgress?: TierProgress;
  /** Points about to expire, from the last sync; shown once the soonest date is near. */
  expiry?: PointsExpiry;
  /** The clock the expiry notice is judged by. */
  now?: Date;
  signedIn: boolean;
}

/** A tier's display name, or its id when the locale files do not know it. */
export function tierName(id: string): string {
  const key = `tier_${id}`;
  const name = t(key);
  return name === key ? id : name;
}

export function BalanceCard({ balance, tier, tierProgress: standing, expiry, now, signedIn }: BalanceCardProps) {
  return (
    <section class="card balance" aria-labelledby="balance-title">
      <h2 id="balance-title" class="card-title">{t('balanceTitle')}</h2>
      {balance ? <BalanceFigures balance={balance} tier={tier} standing={standing} /> : <p class="muted">{signedIn ? t('balanceNotSynced') : t('balanceSignedOut')}</p>}
      {balance && signedIn && now && <ExpiryNotice expiry={expiry} now={now} />}
    </section>
  );
}

function BalanceFigures({ balance, tier, standing }: { balance: Balance; tier: string | undefined; standing: TierProgress | undefined }) {
  return (
    <>
      <p class="balance-available">
        <span class="balance-number">{formatNumber(balance.available)}</span> <span>{t('pointsAvailable')}</span>
      </p>
      <p class="balance-pending">{tn('pointsPending', balance.pending)}</p>
      {tier !== undefined && (
        <TierProgressView
          tier={tier}
          pointsInWindow={standing?.tier === tier ? standing.pointsInWindow : balance.lifetime}
          multiplierPercent={standing?.tier === tier ? standing.multiplierPercent : undefined}
        />
      )}
    </>
  );
}

function TierProgressView({ tier, pointsInWindow, multiplierPercent }: { tier: string; pointsInWindow: number; multiplierPercent: number | undefined }) {
  const progress = tierProgress(tier, pointsInWindow);
  return (
    <div class="tier">
      <p class="tier-name">{t('tierCurrent', [tierName(tier)])}</p>
      {multiplierPercent !== undefined && multiplierPercent > 100 && (
        <p class="small">{t('tierMultiplier', [formatNumber(multiplierPercent - 100)])}</p>
      )}
      {progress.next !== undefined ? (
        <>
          <div
            class="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress.percent}
            aria-label={t('tierProgressLabel', [tierName(progress.next)])}
          >
            <div class="progress-bar" style={{ width: `${progress.percent}%` }} />
          </div>
          <p class="muted small">{tn('tierMissing', progress.missing, [tierName(progress.next)])}</p>
          <p class="muted small">{t('tierCounts')}</p>
        </>
      ) : (
        <p class="muted small">{t('tierTop')}</p>
      )}
    </div>
  );
}
