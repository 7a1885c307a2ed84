/** The claims queue: the member's receipt, approve or reject with a reason (reviewers and admins). */
import { useEffect, useState } from 'preact/hooks';
import type { Api, ClaimItem } from './api.ts';
import type { Locale, words } from './i18n.ts';

type Status = 'open' | 'approved' | 'rejected';

export function Claims(props: { api: Api; t: (typeof words)['en']; locale: Locale; canDecide: boolean; onFailure: (err: unknown) => void }) {
  const { api, t, locale, canDecide, onFailure } = props;
  const [status, setStatus] = useState<Status>('open');
  const [claims, setClaims] = useState<ClaimItem[] | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});

  const load = () => api.claims(status).then(setClaims, onFailure);
  useEffect(() => {
    setClaims(null);
    void load();
  }, [status]);

  const decide = (action: Promise<void>) => action.then(load, onFailure);
  const money = (minor: number | undefined, currency: string | undefined) =>
    minor === undefined || !currency ? '—' : new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);

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
      {claims === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : claims.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.made}</th>
              <th scope="col">{t.member}</th>
              <th scope="col">{t.shop}</th>
              <th scope="col">{t.order}</th>
              <th scope="col">{t.amount}</th>
              {status === 'open' && canDecide && <th scope="col">{t.decision}</th>}
            </tr>
          </thead>
          <tbody>
            {claims.map((c) => (
              <tr key={c.id}>
                <td>{new Date(c.createdAt).toLocaleString(locale)}</td>
                <td><code>{c.memberId}</code></td>
                <td>{c.receipt.partnerId ?? '—'}</td>
                <td>{c.receipt.orderId ?? '—'}</td>
                <td>{money(c.receipt.amountMinor, c.receipt.currency)}</td>
                {status === 'open' && canDecide && (
                  <td class="decision">
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
