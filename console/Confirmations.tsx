/**
 * A partner's confirmation file: choose the partner, load the CSV (a file or
 * pasted), preview what each row would do, then apply exactly that file and
 * see the result per row. Partner managers and admins.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AdminPartner, ConfirmationFileReport } from '../lib/contract/console.ts';
import type { Api } from './api.ts';
import type { Locale, Words } from './i18n.ts';

export function Confirmations(props: { api: Api; t: Words; locale: Locale; canApply: boolean; onFailure: (err: unknown) => void }) {
  const { api, t, locale, canApply, onFailure } = props;
  const [partners, setPartners] = useState<AdminPartner[]>([]);
  const [partnerId, setPartnerId] = useState('');
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<ConfirmationFileReport | null>(null);
  /** The partner and text the preview showed: only that is applied. */
  const [previewed, setPreviewed] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (canApply) api.partners({}).then((page) => setPartners(page.partners), onFailure);
  }, []);

  if (!canApply) {
    return (
      <section aria-labelledby="confirmations-title">
        <h2 id="confirmations-title">{t.confirmations}</h2>
        <p>{t.mayNotConfirmations}</p>
      </section>
    );
  }

  const key = `${partnerId}\n${csv}`;
  const run = (dryRun: boolean) => {
    setBusy(true);
    api.confirmations(partnerId, csv, dryRun).then(
      (r) => {
        setBusy(false);
        setReport(r);
        setPreviewed(dryRun ? key : '');
      },
      (err: unknown) => {
        setBusy(false);
        setReport(null);
        onFailure(err);
      },
    );
  };
  const readFile = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (file) file.text().then((text) => { setCsv(text); setReport(null); }, onFailure);
  };
  const num = new Intl.NumberFormat(locale);

  return (
    <section aria-labelledby="confirmations-title">
      <h2 id="confirmations-title">{t.confirmations}</h2>
      <p class="muted">{t.confirmationsHelp}</p>
      <form
        class="edit"
        aria-label={t.confirmations}
        onSubmit={(e) => {
          e.preventDefault();
          run(true);
        }}
      >
        <label>
          {t.partner}
          <select required value={partnerId} onChange={(e) => { setPartnerId((e.currentTarget as HTMLSelectElement).value); setReport(null); }}>
            <option value="">{t.choosePartner}</option>
            {partners.map((p) => (
              <option key={p.partner.id} value={p.partner.id}>
                {p.partner.name} ({p.partner.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.csvFile}
          <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => readFile(e.currentTarget as HTMLInputElement)} />
        </label>
        <label>
          {t.csvText}
          <textarea required rows={6} maxLength={60_000} value={csv} onInput={(e) => { setCsv((e.currentTarget as HTMLTextAreaElement).value); setReport(null); }} />
        </label>
        <div class="actions">
          <button type="submit" disabled={busy || !partnerId || !csv.trim()}>
            {t.preview}
          </button>
          <button type="button" disabled={busy || previewed !== key} onClick={() => run(false)}>
            {t.apply}
          </button>
        </div>
      </form>
      {report && (
        <div role="status">
          <p>
            {report.dryRun ? t.previewSummary : t.appliedSummary}{' '}
            {t.rowCounts(num.format(report.counts.applied), num.format(report.counts.unchanged), num.format(report.counts.unknown), num.format(report.counts.invalid))}
          </p>
          {report.alreadyImportedAt && <p>{t.alreadyImported(new Date(report.alreadyImportedAt).toLocaleString(locale))}</p>}
        </div>
      )}
      {report && (
        <table>
          <caption>{report.dryRun ? t.previewRows : t.appliedRows}</caption>
          <thead>
            <tr>
              <th scope="col">{t.line}</th>
              <th scope="col">{t.order}</th>
              <th scope="col">{t.reported}</th>
              <th scope="col">{t.outcome}</th>
              <th scope="col">{t.purchaseAfter}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr key={r.line} class={r.outcome === 'invalid' || r.outcome === 'unknown' ? 'flagged' : undefined}>
                <td>{r.line}</td>
                <td>{r.orderId}</td>
                <td>{r.status}{r.amountMinor === undefined ? '' : ` ${r.amountMinor}`}</td>
                <td>{r.outcome}{r.reason ? ` (${r.reason})` : ''}</td>
                <td>{r.purchase ? t.purchaseState(r.purchase.status, num.format(r.purchase.points)) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
