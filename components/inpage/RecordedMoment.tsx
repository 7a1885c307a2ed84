import type { PurchaseMoment } from '../../lib/inpage/moments.ts';
import type { SuggestionMoment } from '../../lib/inpage/suggestion.ts';
import { formatDate, formatEarnRate, formatMoney, t, tn } from '../../lib/ui/i18n.ts';
import { offerEffect, suggestionReason } from '../offer-text.ts';
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
      {moment.suggestion !== undefined && <Suggestion suggestion={moment.suggestion} />}
    </MomentCard>
  );
}

/** One line, and its reason where the page leaves room: the card stays small and off the shop's buttons. */
function Suggestion({ suggestion: { partner, offer, reason } }: { suggestion: SuggestionMoment }) {
  const line = offer !== undefined
    ? t('inpageSuggestOffer', [partner.name, offerEffect(offer), formatDate(offer.endsAt)])
    : t('inpageSuggestRate', [partner.name, formatEarnRate(partner.earn, partner.currency)]);
  return (
    <>
      <p class="moment-body moment-suggestion">{line}</p>
      <p class="moment-body moment-muted moment-optional">{suggestionReason(reason, () => partner.name)}</p>
    </>
  );
}
