import type { Partner } from '../../lib/contract/index.ts';
import type { ReminderMoment as Reminder } from '../../lib/inpage/moments.ts';
import { formatEarnRate, t } from '../../lib/ui/i18n.ts';
import { offerEffect } from '../offer-text.ts';
import { MomentCard } from './MomentCard.tsx';

export interface ReminderMomentProps {
  partner: Partner;
  reminder: Reminder;
  onDismiss(): void;
  /** "Not in this shop": mutes the reminder for this partner, then closes. */
  onMuteShop(): void;
}

/** A reminder is a courtesy: it leaves by itself unless the member is reading it. */
export const REMINDER_AUTO_HIDE_MS = 15_000;

/** On the first visit of the day to a partner shop: points are collected here automatically, at this rate. */
export function ReminderMoment({ partner, reminder, onDismiss, onMuteShop }: ReminderMomentProps) {
  const offer = reminder.offer;
  return (
    <MomentCard
      title={t('inpageReminderTitle')}
      autoHideMs={REMINDER_AUTO_HIDE_MS}
      onDismiss={onDismiss}
      actions={
        <button type="button" class="moment-link" onClick={onMuteShop}>
          {t('inpageMuteShop')}
        </button>
      }
    >
      <p class="moment-body moment-rate">{t('inpageReminderRate', [partner.name, formatEarnRate(partner.earn, partner.currency)])}</p>
      {offer !== undefined && <p class="moment-body">{t('inpageReminderOffer', [offerEffect(offer), offer.title])}</p>}
      <p class="moment-body moment-muted moment-optional">{t('inpageReminderHow')}</p>
    </MomentCard>
  );
}
