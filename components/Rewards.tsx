import { useState } from 'preact/hooks';
import type { Redemption, Reward } from '../lib/contract/index.ts';
import type { Outcome, UiErrorCode } from '../lib/ui/bridge.ts';
import { t, tn } from '../lib/ui/i18n.ts';
import type { RewardsView } from '../lib/ui/model.ts';

export interface RewardsProps {
  view: RewardsView;
  /** The available points as last synced, if known. */
  available?: number;
  signedIn: boolean;
  onRedeem(rewardId: string, idempotencyKey: string): Promise<Outcome<{ redemption: Redemption }>>;
  /** Mints the idempotency key of one redemption; tests pass a fixed one. */
  newKey?: () => string;
}

export function Rewards({ view, available, signedIn, onRedeem, newKey = () => crypto.randomUUID() }: RewardsProps) {
  if (!signedIn) return <p class="empty">{t('rewardsSignedOut')}</p>;
  if (view.status === 'unknown') return <p class="empty">{t('rewardsLoading')}</p>;
  if (view.status === 'failed') return <p class="empty">{t('rewardsUnavailable')}</p>;
  const rewards = view.rewards.filter((r) => r.active);
  if (rewards.length === 0) return <p class="empty">{t('rewardsEmpty')}</p>;
  return (
    <ul class="list" aria-label={t('rewardsListLabel')}>
      {rewards.map((reward) => (
        <RewardItem key={reward.id} reward={reward} available={available} onRedeem={onRedeem} newKey={newKey} />
      ))}
    </ul>
  );
}

type Step =
  | { step: 'idle' }
  | { step: 'confirm'; key: string }
  | { step: 'sending'; key: string }
  | { step: 'done'; redemption: Redemption }
  | { step: 'failed'; key: string; error: UiErrorCode };

interface RewardItemProps {
  reward: Reward;
  available: number | undefined;
  onRedeem: RewardsProps['onRedeem'];
  newKey: () => string;
}

function RewardItem({ reward, available, onRedeem, newKey }: RewardItemProps) {
  const [state, setState] = useState<Step>({ step: 'idle' });
  const missing = available !== undefined ? reward.pointsCost - available : 0;
  // One key per confirmed attempt: a retry after a failure reuses it, so a lost answer never spends twice.
  const redeem = async (key: string) => {
    setState({ step: 'sending', key });
    const outcome = await onRedeem(reward.id, key);
    setState(outcome.ok ? { step: 'done', redemption: outcome.redemption } : { step: 'failed', key, error: outcome.error });
  };
  return (
    <li class="list-item reward">
      <div class="row">
        <span class="strong">{reward.title}</span>
        <span class="badge">{t(`rewardKind_${reward.kind}`)}</span>
      </div>
      <div class="small">{tn('points', reward.pointsCost)}</div>
      {state.step === 'idle' && (
        missing > 0 ? (
          <p class="muted small">{tn('rewardMissing', missing)}</p>
        ) : (
          <div class="actions">
            <button type="button" class="button" onClick={() => setState({ step: 'confirm', key: newKey() })}>
              {t('rewardRedeem')}
            </button>
          </div>
        )
      )}
      {(state.step === 'confirm' || state.step === 'sending') && (
        <div class="confirm" role="group" aria-label={t('rewardConfirmLabel')}>
          <p class="small">{tn('rewardConfirmQuestion', reward.pointsCost, [reward.title])}</p>
          <div class="actions">
            <button type="button" class="button" disabled={state.step === 'sending'} onClick={() => redeem(state.key)}>
              {t('rewardConfirm')}
            </button>
            <button type="button" class="button secondary" disabled={state.step === 'sending'} onClick={() => setState({ step: 'idle' })}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
      {state.step === 'done' && <RedemptionResult redemption={state.redemption} />}
      {state.step === 'failed' && (
        <div class="actions">
          <p class="small error" role="alert">{t(`error_${state.error}`)}</p>
          {state.error !== 'insufficient_points' && (
            <button type="button" class="button secondary" onClick={() => redeem(state.key)}>{t('retry')}</button>
          )}
        </div>
      )}
    </li>
  );
}

function RedemptionResult({ redemption }: { redemption: Redemption }) {
  return (
    <div class="result" role="status">
      <p class="small ok">{redemption.status === 'completed' ? t('redemptionCompleted') : t('redemptionPending')}</p>
      {redemption.code !== undefined && (
        <p class="small">
          {t('redemptionCode')} <code class="voucher">{redemption.code}</code>
        </p>
      )}
    </div>
  );
}
