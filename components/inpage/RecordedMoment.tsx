import type { PurchaseMoment } from '../../lib/inpage/moments.ts';
import { formatDate, formatMoney, t, tn } from '../../lib/ui/i18n.ts';
import { MomentCard } from './MomentCard.tsx';

export interface RecordedMomentProps {
  moment: PurchaseMoment;
  onDismiss(): void;
}

/** Long enough to read twice; a member who wants it longer hovers or focuses it. */
export const RECORDED_AUTO_HIDE_MS = 30_000;

/**
 * Right after the order confirmation was recorded: "✓ 57 points pending —
 * Sammelpunkt recorded order 10023 (€114.00)". After a reload of the page it
 * says, gently, that the order was already recorded.
 */
export function RecordedMoment({ moment, onDismiss }: RecordedMomentProps) {
  const amount = formatMoney(moment.amountMinor, moment.currency);
  const title = !moment.fresh
    ? t('inpageAlready')
    : moment.points > 0
      ? tn('inpageRecorded', moment.points)
      : t('inpageRecordedNoPoints');
  const body = moment.fresh
    ? t('inpageRecordedBody', [moment.orderId, amount])
    : t('inpageAlreadyBody', [moment.orderId, amount, formatDate(moment.recordedAt)]);
  return (
    <MomentCard title={title} tone="ok" autoHideMs={RECORDED_AUTO_HIDE_MS} onDismiss={onDismiss}>
      <p class="moment-body">{body}</p>
    </MomentCard>
  );
}
