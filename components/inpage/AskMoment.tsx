import { useState } from 'preact/hooks';
import type { Candidate } from '../../lib/detect/types.ts';
import { answerFrom, type AskMoment as Ask } from '../../lib/inpage/ask.ts';
import { formatMoney, t } from '../../lib/ui/i18n.ts';
import { MomentCard } from './MomentCard.tsx';

export interface AskMomentProps {
  moment: Ask;
  onCollect(candidate: Candidate): void;
  onNotAnOrder(): void;
  onDismiss(): void;
}

/** A total as the member reads and edits it: "114,00" (de) or "114.00" (en), without the sign. */
function editableTotal(amountMinor: number, currency: string): string {
  return formatMoney(amountMinor, currency).replace(/[^\d.,'’\s]/g, '').trim();
}

/**
 * "Did you just order?" on a partner page that is clearly an order
 * confirmation whose order number or total could not be read for sure. The
 * values found are offered, first the likeliest, and both can be edited;
 * nothing is recorded unless the member says so. Never shown on a page
 * without evidence of an order (lib/inpage/ask.ts).
 */
export function AskMoment({ moment, onCollect, onNotAnOrder, onDismiss }: AskMomentProps) {
  const [orderId, setOrderId] = useState(moment.orderIds[0] ?? '');
  const [total, setTotal] = useState(moment.totals[0] === undefined ? '' : editableTotal(moment.totals[0], moment.currency));
  const [problem, setProblem] = useState<'order_id' | 'total' | undefined>(undefined);

  const submit = (event: Event) => {
    event.preventDefault();
    const answer = answerFrom(moment, orderId, total);
    if (!answer.ok) {
      setProblem(answer.problem);
      return;
    }
    onCollect(answer.candidate);
  };

  return (
    <MomentCard title={t('inpageAskTitle')} onDismiss={onDismiss}>
      <p class="moment-body">{t('inpageAskBody', [moment.partnerName])}</p>
      <form class="moment-form" onSubmit={submit} noValidate>
        <label class="moment-field">
          <span>{t('inpageAskOrderLabel')}</span>
          <input
            name="orderId"
            value={orderId}
            list={moment.orderIds.length > 1 ? 'sammelpunkt-order-ids' : undefined}
            maxLength={64}
            autoComplete="off"
            spellcheck={false}
            aria-invalid={problem === 'order_id'}
            onInput={(e) => setOrderId((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        {moment.orderIds.length > 1 && (
          <datalist id="sammelpunkt-order-ids">
            {moment.orderIds.map((id) => (
              <option key={id} value={id} />
            ))}
          </datalist>
        )}
        <label class="moment-field">
          <span>{t('inpageAskTotalLabel', [moment.currency])}</span>
          {moment.totals.length > 1 ? (
            <select name="total" value={total} onChange={(e) => setTotal((e.currentTarget as HTMLSelectElement).value)}>
              {moment.totals.map((amount) => (
                <option key={amount} value={editableTotal(amount, moment.currency)}>
                  {formatMoney(amount, moment.currency)}
                </option>
              ))}
            </select>
          ) : (
            <input
              name="total"
              value={total}
              inputMode="decimal"
              maxLength={20}
              autoComplete="off"
              aria-invalid={problem === 'total'}
              onInput={(e) => setTotal((e.currentTarget as HTMLInputElement).value)}
            />
          )}
        </label>
        {problem !== undefined && (
          <p class="moment-problem" role="alert">
            {t(problem === 'order_id' ? 'inpageAskBadOrder' : 'inpageAskBadTotal')}
          </p>
        )}
        <div class="moment-actions">
          <button type="button" class="moment-link" onClick={onNotAnOrder}>
            {t('inpageAskNotAnOrder')}
          </button>
          <button type="submit" class="moment-primary">
            {t('inpageAskCollect')}
          </button>
        </div>
      </form>
    </MomentCard>
  );
}
