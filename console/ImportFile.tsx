/** A catalogue file (partners, offers or rewards; JSON or CSV as `npm run admin -- <kind> import` reads it), applied all or nothing. */
import { useState } from 'preact/hooks';
import type { Api, ImportReport } from './api.ts';
import type { Words } from './i18n.ts';

export function ImportFile(props: { api: Api; t: Words; kinds: readonly ('partners' | 'offers' | 'rewards')[]; onImported: () => void; onFailure: (err: unknown) => void }) {
  const { api, t, kinds, onImported, onFailure } = props;
  const [kind, setKind] = useState(kinds[0]!);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<File | null>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setReport(null);
    file
      .text()
      .then((content) => api.importCatalog(kind, file.name.toLowerCase().endsWith('.csv') ? 'csv' : 'json', content))
      .then(
        (r) => {
          setBusy(false);
          setReport(r);
          onImported();
        },
        (err: unknown) => {
          setBusy(false);
          onFailure(err);
        },
      );
  };

  return (
    <form class="period" aria-label={t.importFile} onSubmit={submit}>
      {kinds.length > 1 && (
        <label>
          {t.importKind}
          <select value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as typeof kind)}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t.kindName(k)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t.importFile}
        <input name="file" type="file" required accept=".json,.csv,application/json,text/csv" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={busy || !file}>
        {t.importButton}
      </button>
      {report && (
        <p role="status">
          {t.importReport(report.created.length, report.updated.length, report.unchanged.length)}
          {[...report.created, ...report.updated].length > 0 && ` ${[...report.created, ...report.updated].join(', ')}`}
        </p>
      )}
    </form>
  );
}
