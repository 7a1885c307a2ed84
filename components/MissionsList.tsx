import type { MissionStanding } from '../lib/contract/index.ts';
import { formatDayMonth, formatMoney, formatNumber, t, tn, uiLocale } from '../lib/ui/i18n.ts';

export interface MissionsListProps {
  /** The member's missions as of the last sync; nothing is shown without any. */
  missions?: MissionStanding[];
  now: Date;
}

/** "Three shops in December · 2 of 3 partners · +300 points · until 31 December", one line per mission. */
export function MissionsList({ missions, now }: MissionsListProps) {
  if (!missions || missions.length === 0) return null;
  return (
    <section class="card missions" aria-labelledby="missions-title">
      <h2 id="missions-title" class="card-title">{t('missionsTitle')}</h2>
      <ul class="mission-list">
        {missions.map((standing) => (
          <MissionItem key={standing.mission.id} standing={standing} now={now} />
        ))}
      </ul>
    </section>
  );
}

function MissionItem({ standing, now }: { standing: MissionStanding; now: Date }) {
  const { mission, progress, confirmedProgress, target, completed } = standing;
  const title = uiLocale().toLowerCase().startsWith('de') ? mission.title.de : mission.title.en;
  const running = Date.parse(mission.endsAt) > now.getTime();
  const lastDay = formatDayMonth(new Date(Date.parse(mission.endsAt) - 1).toISOString().slice(0, 10));
  const waiting = progress - confirmedProgress;
  return (
    <li class={completed ? 'mission completed' : 'mission'}>
      <p class="mission-title">{title}</p>
      <progress value={completed ? target : progress} max={target} aria-label={title} />
      <p class="small">
        {progressText(standing)} · {tn('missionBonus', mission.bonusPoints)} · {running ? t('missionUntil', [lastDay]) : t('missionEnded', [lastDay])}
      </p>
      {completed ? (
        <p class="small mission-done" role="status">✓ {t('missionCompleted')}</p>
      ) : (
        waiting > 0 && <p class="small muted mission-pending">{pendingText(standing, waiting)}</p>
      )}
    </li>
  );
}

function progressText({ mission, progress, target }: MissionStanding): string {
  switch (mission.rule.kind) {
    case 'distinct-partners':
      return t('missionPartners', [formatNumber(progress), formatNumber(target)]);
    case 'spend':
      return t('missionSpend', [formatMoney(progress, mission.rule.currency), formatMoney(target, mission.rule.currency)]);
    case 'purchase-count':
    case 'category-purchase':
      return tn('missionPurchases', target, [formatNumber(progress)]);
  }
}

function pendingText({ mission }: MissionStanding, waiting: number): string {
  if (mission.rule.kind === 'spend') return t('missionPendingAmount', [formatMoney(waiting, mission.rule.currency)]);
  return tn('missionPending', waiting);
}
