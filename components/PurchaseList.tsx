import { useState } from 'preact/hooks';
import type { Outcome, UiErrorCode } from '../lib/ui/bridge.ts';
import { formatDate, formatMoney, t, tn } from '../lib/ui/i18n.ts';
import type { PurchaseRow } from '../lib/ui/model.ts';

export interface PurchaseListProps {
  /** The newest purchases, newest first; the popup reads a page at a time (`PURCHASES_PAGE`). */
  rows: PurchaseRow[];
  /** All purchases on this device: those beyond `rows` are offered as "show older"; null while not yet counted. */
  total: number | null;
  /** Whether older purchases than `rows` exist (known before they are counted). */
  more: boolean;
  signedIn: boolean;
  onClaim(purchaseId: string): Promise<Outcome<object>>;
  /** Asks for the next page of older purchases. */
  onShowOlder(): void;
}

export function PurchaseList({ rows, total, more, signedIn, onClaim, onShowOlder }: PurchaseListProps) {
  if (rows.length === 0) return <p class="empty">{t('purchasesEmpty')}</p>;
  const older = total === null ? null : total - rows.length;
  return (
    <>
      <ul class="list" aria-label={t('purchasesListLabel')}>
        {rows.map((row) => <PurchaseItem key={row.id} row={row} signedIn={signedIn} onClaim={onClaim} />)}
      </ul>
      {(older === null ? more : older > 0) && (
        <div class="actions">
          <button type="button" class="button secondary" onClick={onShowOlder}>
            {older === null ? t('purchasesShowOlderUncounted') : tn('purchasesShowOlder', older)}
          </button>
        </div>
      )}
    </>
  );
}

type ClaimState = { step: 'idle' } | { step: 'sending' } | { step: 'sent' } | { step: 'failed'; error: UiErrorCode };

function PurchaseItem({ row, signedIn, onClaim }: { row: PurchaseRow; signedIn: boolean; onClaim(id: string): Promise<Outcome<object>> }) {
  const [claim, setClaim] = useState<ClaimState>({ step: 'idle' });
  const send = async () => {
    setClaim({ step: 'sending' });
    const outcome = await onClaim(row.id);
    setClaim(outcome.ok ? { step: 'sent' } : { step: 'failed', error: outcome.error });
  };
  const points = row.pointsEstimated ? tn('pointsEstimated', row.points) : tn('points', row.points);
  return (
    <li class="list-item purchase">
      <div class="row">
        <span class="strong">{row.shopName}</span>
        <span class={`badge state-${row.state}`}>{t(`state_${row.state}`)}</span>
      </div>
      <div class="row small">
        <span>{formatDate(row.detectedAt)} · {formatMoney(row.amountMinor, row.currency)}</span>
        <span class="strong">{points}</span>
      </div>
      <div class="muted small">{t('orderNumber', [row.orderId])}</div>
      {row.note === 'underReview' && <div class="small warn">{t('purchaseUnderReview')}</div>}
      {row.note === undefined && row.expectedConfirmationAt !== undefined && (
        <div class={row.overdue ? 'small warn' : 'muted small'}>
          {row.overdue ? t('purchaseOverdue', [formatDate(row.expectedConfirmationAt)]) : t('expectedConfirmation', [formatDate(row.expectedConfirmationAt)])}
        </div>
      )}
      {row.state === 'rejected' && (
        <div class="muted small">
          {t(row.note === 'notConfirmedByShop' ? 'purchaseNotConfirmedByShopHint' : row.note === 'notTheBuyer' ? 'purchaseNotTheBuyerHint' : 'purchaseRejectedHint')}
        </div>
      )}
      {row.state === 'conflict' && <div class="small warn">{t('purchaseConflictHint')}</div>}
      {row.overdue && signedIn && <ClaimAction state={claim} onSend={send} />}
      {row.overdue && !signedIn && <div class="muted small">{t('claimSignInFirst')}</div>}
    </li>
  );
}

function ClaimAction({ state, onSend }: { state: ClaimState; onSend(): void }) {
  if (state.step === 'sent') return <p class="small ok" role="status">{t('claimSent')}</p>;
  return (
    <div class="actions">
      <button type="button" class="button secondary" disabled={state.step === 'sending'} onClick={onSend}>
        {t('claimMissingPoints')}
      </button>
      {state.step === 'failed' && <p class="small error" role="alert">{t(`error_${state.error}`)}</p>}
    </div>
  );
}
