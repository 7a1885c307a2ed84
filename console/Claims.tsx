/** The claims queue: the member's receipt, approve or reject with a reason, one at a time or several at once (reviewers and admins). */
import { useEffect, useState } from 'preact/hooks';
import type { DecisionResult } from '../lib/contract/console.ts';
import type { Api, ClaimItem } from './api.ts';
import { BulkBar, DecisionOutcome, useSelection } from './Bulk.tsx';
import type { Locale, Words } from './i18n.ts';
import { money } from './format.ts';

type Status = 'open' | 'approved' | 'rejected';

export function Claims(props: { api: Api; t: Words; locale: Locale; canDecide: boolean; onFailure: (err: unknown) => void }) {
  const { api, t, locale, canDecide, onFailure } = props;
  const [status, setStatus] = useState<Status>('open');
  const [claims, setClaims] = useState<ClaimItem[] | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ results: DecisionResult[]; names: Record<string, string> } | null>(null);
  const selection = useSelection();

  const load = () => api.claims(status).then(setClaims, onFailure);
  useEffect(() => {
    setClaims(null);
    selection.clear();
    void load();
  }, [status]);

  const decide = (action: Promise<void>) => action.then(load, onFailure);
  const shopRecord = (c: ClaimItem) => {
    const placed = c.partner?.placed;
    const record = placed ? t.placedRecord(money(locale, placed.amountMinor, c.receipt.currency), new Date(placed.reportedAt).toLocaleDateString(locale)) : t.noRecord;
    if (c.partner?.bookedFor === 'another_member') return `${record} · ${t.bookedForAnother}`;
    if (c.partner?.bookedFor === 'this_member') return `${record} · ${t.bookedForThis}`;
    return record;
  };
  const deciding = status === 'open' && canDecide;
  const describe = (id: string) => claims?.find((c) => c.id === id)?.receipt.orderId ?? id;

  return (
    <section aria-labelledby="claims-title">
      <h2 id="claims-title">{t.claims}</h2>
      <div role="tablist">
        {(['open', 'approved', 'rejected'] as const).map((s) => (
          <button key={s} type="button" role="tab" aria-selected={s === status} onClick={() => setStatus(s)}>
            {t[s]}
          </button>
        ))}
      </div>
      {status === 'open' && !canDecide && <p>{t.mayNot}</p>}
      {deciding && claims && claims.length > 0 && (
        <BulkBar
          t={t}
          selected={selection.selected}
          onFailure={onFailure}
          onDone={(results) => {
            // Named now: the decided items leave the list when it is read again.
            setOutcome({ results, names: Object.fromEntries(results.map((r) => [r.id, describe(r.id)])) });
            selection.clear();
            void load();
          }}
          actions={[
            { label: t.approveSelected, needsReason: false, run: (ids) => api.decideClaims('approve', ids) },
            { label: t.rejectSelected, needsReason: true, run: (ids, reason) => api.decideClaims('reject', ids, reason) },
          ]}
        />
      )}
      {outcome && <DecisionOutcome t={t} results={outcome.results} describe={(id) => outcome.names[id] ?? id} />}
      {claims === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : claims.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <table>
          <thead>
            <tr>
              {deciding && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={t.selectAll}
                    checked={selection.selected.size === claims.length}
                    onChange={(e) => selection.setAll(claims.map((c) => c.id), (e.currentTarget as HTMLInputElement).checked)}
                  />
                </th>
              )}
              <th scope="col">{t.made}</th>
              <th scope="col">{t.member}</th>
              <th scope="col">{t.shop}</th>
              <th scope="col">{t.order}</th>
              <th scope="col">{t.amount}</th>
              {status === 'open' && <th scope="col">{t.shopRecord}</th>}
              {deciding && <th scope="col">{t.decision}</th>}
            </tr>
          </thead>
          <tbody>
            {claims.map((c) => (
              <tr key={c.id}>
                {deciding && (
                  <td>
                    <input type="checkbox" aria-label={t.selectItem(c.receipt.orderId ?? c.id)} checked={selection.selected.has(c.id)} onChange={() => selection.toggle(c.id)} />
                  </td>
                )}
                <td>{new Date(c.createdAt).toLocaleString(locale)}</td>
                <td><code>{c.memberId}</code></td>
                <td>{c.receipt.partnerId ?? '—'}</td>
                <td>{c.receipt.orderId ?? '—'}</td>
                <td>{money(locale, c.receipt.amountMinor, c.receipt.currency)}</td>
                {status === 'open' && <td>{shopRecord(c)}</td>}
                {deciding && (
                  <td>
                    <div class="decision">
                    <button type="button" onClick={() => decide(api.approve(c.id))}>
                      {t.approve}
                    </button>
                    <input
                      aria-label={t.reason}
                      placeholder={t.reason}
                      maxLength={200}
                      value={reasons[c.id] ?? ''}
                      onInput={(e) => setReasons({ ...reasons, [c.id]: (e.currentTarget as HTMLInputElement).value })}
                    />
                    <button type="button" onClick={() => decide(api.reject(c.id, (reasons[c.id] ?? '').trim()))}>
                      {t.reject}
                    </button>
                    </div>
                  </td>
                )}
                {status !== 'open' && c.reason && <td>{c.reason}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
