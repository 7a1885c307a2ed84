/** The overview: the programme's KPIs over a chosen period, each a number and a small chart per day or week. */
import { useEffect, useState } from 'preact/hooks';
import type { OverviewBucket, OverviewInterval, ProgrammeOverview } from '../lib/contract/console.ts';
import type { Api } from './api.ts';
import { Bars } from './Chart.tsx';
import type { Locale, Words } from './i18n.ts';

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The last 30 days, today included (UTC, as the server counts). */
export function defaultPeriod(now = new Date()): { from: string; to: string } {
  return { from: day(new Date(now.getTime() - 29 * DAY_MS)), to: day(now) };
}

interface Kpi {
  key: string;
  title: string;
  value: string;
  note?: string;
  series?: (b: OverviewBucket) => number;
  format?: (n: number) => string;
}

export function Overview(props: { api: Api; t: Words; locale: Locale; onFailure: (err: unknown) => void; now?: Date }) {
  const { api, t, locale, onFailure } = props;
  const [period, setPeriod] = useState<{ from: string; to: string; interval: OverviewInterval | '' }>({ ...defaultPeriod(props.now), interval: '' });
  const [draft, setDraft] = useState(period);
  const [data, setData] = useState<ProgrammeOverview | null>(null);

  useEffect(() => {
    setData(null);
    api.overview({ from: period.from, to: period.to, ...(period.interval ? { interval: period.interval } : {}) }).then(setData, onFailure);
  }, [period]);

  const num = new Intl.NumberFormat(locale);
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const n = (v: number) => num.format(v);
  const share = (v: number | null) => (v === null ? '—' : pct.format(v));
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

  const kpis = (o: ProgrammeOverview): Kpi[] => [
    { key: 'active', title: t.kpiActive, value: n(o.totals.activeMembers), series: (b) => b.activeMembers },
    { key: 'new', title: t.kpiNew, value: n(o.totals.newMembers), series: (b) => b.newMembers },
    { key: 'purchases', title: t.kpiPurchases, value: n(o.totals.purchases), note: t.kpiPending(n(o.totals.pendingPurchases)), series: (b) => b.purchases },
    { key: 'booked', title: t.kpiPointsBooked, value: n(o.totals.pointsBooked), series: (b) => b.pointsBooked },
    { key: 'confirmed', title: t.kpiConfirmation, value: share(o.totals.confirmationRate), note: n(o.totals.confirmedPurchases), series: (b) => ratio(b.confirmedPurchases, b.purchases), format: (v) => pct.format(v) },
    { key: 'rejected', title: t.kpiRejection, value: share(o.totals.rejectionRate), note: n(o.totals.rejectedPurchases), series: (b) => ratio(b.rejectedPurchases, b.purchases), format: (v) => pct.format(v) },
    { key: 'repeat', title: t.kpiRepeat, value: share(o.totals.repeatPurchaseRate), note: t.kpiRepeatNote(n(o.totals.repeatMembers)) },
    { key: 'issued', title: t.kpiIssued, value: n(o.totals.pointsIssued), series: (b) => b.pointsIssued },
    { key: 'redemption', title: t.kpiRedemption, value: share(o.totals.redemptionRate), note: t.kpiRedeemedNote(n(o.totals.pointsRedeemed)), series: (b) => b.pointsRedeemed },
    { key: 'breakage', title: t.kpiBreakage, value: n(o.totals.pointsExpired), series: (b) => b.pointsExpired },
    { key: 'liability', title: t.kpiLiability, value: n(o.totals.availableAtEnd), note: t.kpiPendingPoints(n(o.totals.pendingAtEnd)), series: (b) => b.availableAtEnd },
  ];

  const submit = (e: Event) => {
    e.preventDefault();
    setPeriod(draft);
  };

  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">{t.overview}</h2>
      <form class="period" onSubmit={submit}>
        <label>
          {t.from}
          <input type="date" required value={draft.from} max={draft.to} onInput={(e) => setDraft({ ...draft, from: (e.currentTarget as HTMLInputElement).value })} />
        </label>
        <label>
          {t.to}
          <input type="date" required value={draft.to} min={draft.from} onInput={(e) => setDraft({ ...draft, to: (e.currentTarget as HTMLInputElement).value })} />
        </label>
        <label>
          {t.interval}
          <select value={draft.interval} onChange={(e) => setDraft({ ...draft, interval: (e.currentTarget as HTMLSelectElement).value as OverviewInterval | '' })}>
            <option value="">{t.intervalAuto}</option>
            <option value="day">{t.intervalDay}</option>
            <option value="week">{t.intervalWeek}</option>
          </select>
        </label>
        <button type="submit">{t.show}</button>
      </form>
      {data === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : (
        <>
          <p class="muted">{t.periodShown(data.from, data.to, data.interval === 'week' ? t.intervalWeek : t.intervalDay)}</p>
          <ul class="kpis">
            {kpis(data).map((k) => (
              <li key={k.key} class="kpi">
                <h3>{k.title}</h3>
                <p class="value">{k.value}</p>
                {k.note && <p class="muted">{k.note}</p>}
                {k.series && <Bars values={data.series.map(k.series)} labels={data.series.map((b) => b.start)} label={k.title} format={k.format ?? n} />}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
