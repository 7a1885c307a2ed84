/** The content script's way to show the in-page moments, without JSX in the entrypoint. */
import type { Partner } from '../../lib/contract/index.ts';
import type { PurchaseMoment, ReminderMoment as Reminder } from '../../lib/inpage/moments.ts';
import type { MomentHost } from './mount.tsx';
import { RecordedMoment } from './RecordedMoment.tsx';
import { ReminderMoment } from './ReminderMoment.tsx';

export function showRecorded(host: MomentHost, moment: PurchaseMoment): Promise<void> {
  return host.show((dismiss) => <RecordedMoment moment={moment} onDismiss={dismiss} />);
}

export function showReminder(host: MomentHost, partner: Partner, reminder: Reminder, muteShop: () => Promise<unknown>): Promise<void> {
  return host.show((dismiss) => (
    <ReminderMoment
      partner={partner}
      reminder={reminder}
      onDismiss={dismiss}
      onMuteShop={() => {
        dismiss();
        void muteShop().catch((error: unknown) => console.warn('Sammelpunkt: could not mute this shop', error));
      }}
    />
  ));
}
