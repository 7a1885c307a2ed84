/**
 * The partners page: the catalogue with each partner's earn rate, hold days,
 * auto-confirmation, domains, reliability and detection health, searchable;
 * a partner manager or admin edits a partner in the form below the list.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AdminPartner, AdminPartnerPage } from '../lib/contract/console.ts';
import type { DetectionHealth } from '../lib/contract/index.ts';
import type { Api } from './api.ts';
import type { Locale, Words } from './i18n.ts';
import { ImportFile } from './ImportFile.tsx';

type Health = DetectionHealth['partners'][number];

export function Partners(props: { api: Api; t: Words; locale: Locale; canEdit: boolean; onFailure: (err: unknown) => void }) {
  const { api, t, locale, canEdit, onFailure } = props;
  const [q, setQ] = useState('');
  const [page, setPage] = useState<AdminPartnerPage | null>(null);
  const [health, setHealth] = useState<Map<string, Health>>(new Map());
  const [editing, setEditing] = useState<AdminPartner | null>(null);
  const [saved, setSaved] = useState('');

  const load = (query = q) => api.partners(query ? { q: query } : {}).then(setPage, onFailure);
  useEffect(() => {
    void load();
    api.detectionHealth().then((h) => setHealth(new Map(h.partners.map((p) => [p.partnerId, p]))), onFailure);
  }, []);

  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const reliability = (p: AdminPartner) =>
    p.reliability ? t.reliabilityText(pct.format(p.reliability.confirmedShare), p.reliability.medianDaysToConfirm, p.reliability.sample) : '—';
  const healthText = (id: string) => {
    const h = health.get(id);
    if (!h) return t.healthNoData;
    const rate = h.recent.automaticRatePercent;
    return `${rate === undefined ? '—' : t.healthRate(Math.round(rate))}${h.flagged ? ` · ${t.healthDropped}` : ''}`;
  };

  return (
    <section aria-labelledby="partners-title">
      <h2 id="partners-title">{t.partners}</h2>
      <form
        class="period"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          {t.findPartner}
          <input type="search" value={q} maxLength={100} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t.find}</button>
      </form>
      {canEdit && <ImportFile api={api} t={t} kinds={['partners']} onImported={() => void load()} onFailure={onFailure} />}
      {saved && <p role="status">{saved}</p>}
      {editing && canEdit && (
        <PartnerForm
          key={editing.partner.id}
          t={t}
          item={editing}
          onCancel={() => setEditing(null)}
          onSave={(edit) =>
            api.editPartner(editing.partner.id, edit).then((partner) => {
              setEditing(null);
              setSaved(t.partnerSaved(partner.name));
              void load();
            }, onFailure)
          }
        />
      )}
      {page === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : page.partners.length === 0 ? (
        <p>{t.noPartners}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.partner}</th>
              <th scope="col">{t.earnRate}</th>
              <th scope="col">{t.holdDays}</th>
              <th scope="col">{t.autoConfirm}</th>
              <th scope="col">{t.domains}</th>
              <th scope="col">{t.reliability}</th>
              <th scope="col">{t.detectionHealth}</th>
              {canEdit && <th scope="col">{t.edit}</th>}
            </tr>
          </thead>
          <tbody>
            {page.partners.map((p) => (
              <tr key={p.partner.id} class={health.get(p.partner.id)?.flagged ? 'flagged' : undefined}>
                <td>
                  {p.partner.name}
                  <br />
                  <code>{p.partner.id}</code>
                </td>
                <td>{t.earnText(p.partner.earn.points, p.partner.earn.per, p.partner.currency)}</td>
                <td>{p.partner.holdDays}</td>
                <td>{p.partner.autoConfirm ? t.yes : t.no}</td>
                <td>{p.partner.domains.join(', ')}</td>
                <td>{reliability(p)}</td>
                <td>{healthText(p.partner.id)}</td>
                {canEdit && (
                  <td>
                    <button type="button" onClick={() => { setSaved(''); setEditing(p); }} aria-label={t.editNamed(p.partner.name)}>
                      {t.edit}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page?.nextAfter && (
        <button type="button" onClick={() => api.partners({ ...(q ? { q } : {}), after: page.nextAfter! }).then((next) => setPage({ partners: [...page.partners, ...next.partners], nextAfter: next.nextAfter }), onFailure)}>
          {t.more}
        </button>
      )}
    </section>
  );
}

function PartnerForm(props: { t: Words; item: AdminPartner; onCancel: () => void; onSave: (edit: { name: string; domains: string[]; earn: { points: number; per: number }; holdDays: number; autoConfirm: boolean }) => Promise<void> }) {
  const { t, item, onCancel, onSave } = props;
  const p = item.partner;
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const int = (name: string) => Number.parseInt(String(form.get(name)), 10);
    void onSave({
      name: String(form.get('name')).trim(),
      domains: String(form.get('domains')).split(/[\s,]+/).filter(Boolean),
      earn: { points: int('points'), per: int('per') },
      holdDays: int('holdDays'),
      autoConfirm: form.get('autoConfirm') === 'on',
    });
  };
  return (
    <form class="edit" onSubmit={submit} aria-label={t.editNamed(p.name)}>
      <h3>{t.editNamed(p.name)}</h3>
      <label>
        {t.name}
        <input name="name" required maxLength={120} defaultValue={p.name} />
      </label>
      <label>
        {t.domains}
        <textarea name="domains" required rows={2} defaultValue={p.domains.join('\n')} />
      </label>
      <fieldset>
        <legend>{t.earnRate}</legend>
        <label>
          {t.earnPoints}
          <input name="points" type="number" required min={1} step={1} defaultValue={String(p.earn.points)} />
        </label>
        <label>
          {t.earnPer(p.currency)}
          <input name="per" type="number" required min={1} step={1} defaultValue={String(p.earn.per)} />
        </label>
      </fieldset>
      <label>
        {t.holdDays}
        <input name="holdDays" type="number" required min={14} max={365} step={1} defaultValue={String(p.holdDays)} />
      </label>
      <label class="inline">
        <input name="autoConfirm" type="checkbox" defaultChecked={p.autoConfirm} />
        {t.autoConfirmLong}
      </label>
      <div class="actions">
        <button type="submit">{t.save}</button>
        <button type="button" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}
