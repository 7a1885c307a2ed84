/** The audit log: who changed what, when, with before and after; filters, pages, and the same entries as CSV. */
import { useEffect, useState } from 'preact/hooks';
import { AUDIT_ACTIONS, type AuditEntry } from '../lib/contract/console.ts';
import { type Api, type AuditFilters, auditQuery } from './api.ts';
import type { Locale, Words } from './i18n.ts';

export function Audit(props: { api: Api; t: Words; locale: Locale; onFailure: (err: unknown) => void }) {
  const { api, t, locale, onFailure } = props;
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);

  useEffect(() => {
    setEntries(null);
    api.audit(filters).then((page) => {
      setEntries(page.entries);
      setNext(page.nextCursor);
    }, onFailure);
  }, [filters]);

  const more = () =>
    next &&
    api.audit(filters, next).then((page) => {
      setEntries([...(entries ?? []), ...page.entries]);
      setNext(page.nextCursor);
    }, onFailure);
  // The date fields are days (UTC); the API takes instants.
  const applied = (f: AuditFilters): AuditFilters => ({
    ...f,
    ...(f.from ? { from: `${f.from}T00:00:00.000Z` } : {}),
    ...(f.to ? { to: new Date(Date.parse(`${f.to}T00:00:00.000Z`) + 86_400_000).toISOString() } : {}),
  });
  const set = (k: keyof AuditFilters) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const show = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v));

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t.audit}</h2>
      <form
        class="period"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(applied(draft));
        }}
      >
        <label>
          {t.action}
          <select value={draft.action ?? ''} onChange={set('action')}>
            <option value="">{t.anyAction}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.actor}
          <input value={draft.actor ?? ''} maxLength={254} onInput={set('actor')} />
        </label>
        <label>
          {t.target}
          <input value={draft.targetId ?? ''} maxLength={254} onInput={set('targetId')} />
        </label>
        <label>
          {t.from}
          <input type="date" value={draft.from ?? ''} onInput={set('from')} />
        </label>
        <label>
          {t.to}
          <input type="date" value={draft.to ?? ''} onInput={set('to')} />
        </label>
        <button type="submit">{t.show}</button>
        <a class="button" href={`/v1/admin/audit.csv?${auditQuery(filters)}`} download="audit.csv">
          {t.downloadCsv}
        </a>
      </form>
      {entries === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : entries.length === 0 ? (
        <p>{t.noEntries}</p>
      ) : (
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.actor}</th>
              <th scope="col">{t.action}</th>
              <th scope="col">{t.target}</th>
              <th scope="col">{t.before}</th>
              <th scope="col">{t.after}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.at).toLocaleString(locale)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>
                  {e.targetType} <code>{e.targetId}</code>
                </td>
                <td><code class="json">{show(e.before)}</code></td>
                <td><code class="json">{show(e.after)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" onClick={more}>
          {t.more}
        </button>
      )}
    </section>
  );
}
