/** The content script's way to show the in-page moments, without JSX in the entrypoint. */
import type { Partner } from '../../lib/contract/index.ts';
import type { Candidate } from '../../lib/detect/types.ts';
import type { AskMoment as Ask } from '../../lib/inpage/ask.ts';
import { AskMoment } from './AskMoment.tsx';
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

/**
 * Asks the member about an unclear confirmation. Resolves with what the
 * member said: the purchase to record, "not an order", or nothing (closed);
 * never, if another moment replaced it first.
 */
export function showAsk(host: MomentHost, moment: Ask): Promise<Candidate | 'not-an-order' | null> {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (value: Candidate | 'not-an-order' | null) => {
      if (answered) return;
      answered = true;
      resolve(value);
    };
    void host
      .show((dismiss) => (
        <AskMoment
          moment={moment}
          onCollect={(candidate) => {
            answer(candidate);
            dismiss();
          }}
          onNotAnOrder={() => {
            answer('not-an-order');
            dismiss();
          }}
          onDismiss={() => {
            answer(null);
            dismiss();
          }}
        />
      ))
      // Shown (the promise resolves on mount, the answer comes later), or it could not be: then there is no answer.
      .catch(() => answer(null));
  });
}
