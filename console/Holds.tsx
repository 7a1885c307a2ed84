/** The review queue: purchases held or flagged by a fraud rule and referrals held for review; release or reject, several at once. */
import { useEffect, useState } from 'preact/hooks';
import type { DecisionResult } from '../lib/contract/console.ts';
import type { Api, HoldQueue } from './api.ts';
import { BulkBar, DecisionOutcome, useSelection } from './Bulk.tsx';
import { money } from './format.ts';
import type { Locale, Words } from './i18n.ts';

export function Holds(props: { api: Api; t: Words; locale: Locale; canDecide: boolean; onFailure: (err: unknown) => void }) {
  const { api, t, locale, canDecide, onFailure } = props;
  const [queue, setQueue] = useState<HoldQueue | null>(null);
  const [outcome, setOutcome] = useState<{ results: DecisionResult[]; names: Record<string, string> } | null>(null);
  const selection = useSelection();

  const load = () => api.holds().then(setQueue, onFailure);
  useEffect(() => {
    void load();
  }, []);

  const ids = queue ? [...queue.purchases.map((p) => p.purchaseId), ...queue.referrals.map((r) => r.referredId)] : [];
  const describe = (id: string) => queue?.purchases.find((p) => p.purchaseId === id)?.orderId ?? id;
  const box = (id: string, name: string) =>
    canDecide && (
      <td>
        <input type="checkbox" aria-label={t.selectItem(name)} checked={selection.selected.has(id)} onChange={() => selection.toggle(id)} />
      </td>
    );

  return (
    <section aria-labelledby="holds-title">
      <h2 id="holds-title">{t.holds}</h2>
      {!canDecide && <p>{t.mayNotHolds}</p>}
      {canDecide && ids.length > 0 && (
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
            { label: t.releaseSelected, needsReason: false, run: (chosen, reason) => api.decideHolds('release', chosen, reason || undefined) },
            { label: t.rejectSelected, needsReason: true, run: (chosen, reason) => api.decideHolds('reject', chosen, reason) },
          ]}
        />
      )}
      {outcome && <DecisionOutcome t={t} results={outcome.results} describe={(id) => outcome.names[id] ?? id} />}
      {queue === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : ids.length === 0 ? (
        <p>{t.noHolds}</p>
      ) : (
        <>
          {canDecide && (
            <label class="inline">
              <input type="checkbox" checked={selection.selected.size === ids.length} onChange={(e) => selection.setAll(ids, (e.currentTarget as HTMLInputElement).checked)} />
              {t.selectAll}
            </label>
          )}
          {queue.purchases.length > 0 && (
            <table>
              <caption>{t.heldPurchases}</caption>
              <thead>
                <tr>
                  {canDecide && <th scope="col"><span class="visually-hidden">{t.select}</span></th>}
                  <th scope="col">{t.booked}</th>
                  <th scope="col">{t.member}</th>
                  <th scope="col">{t.shop}</th>
                  <th scope="col">{t.order}</th>
                  <th scope="col">{t.amount}</th>
                  <th scope="col">{t.points}</th>
                  <th scope="col">{t.whyHeld}</th>
                </tr>
              </thead>
              <tbody>
                {queue.purchases.map((p) => (
                  <tr key={p.purchaseId}>
                    {box(p.purchaseId, p.orderId)}
                    <td>{new Date(p.createdAt).toLocaleString(locale)}</td>
                    <td><code>{p.memberId}</code></td>
                    <td>{p.partnerId}</td>
                    <td>{p.orderId}</td>
                    <td>{money(locale, p.amountMinor, p.currency)}</td>
                    <td>{p.points}</td>
                    <td>{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {queue.referrals.length > 0 && (
            <table>
              <caption>{t.heldReferrals}</caption>
              <thead>
                <tr>
                  {canDecide && <th scope="col"><span class="visually-hidden">{t.select}</span></th>}
                  <th scope="col">{t.booked}</th>
                  <th scope="col">{t.referredMember}</th>
                  <th scope="col">{t.referrer}</th>
                  <th scope="col">{t.whyHeld}</th>
                </tr>
              </thead>
              <tbody>
                {queue.referrals.map((r) => (
                  <tr key={r.referredId}>
                    {box(r.referredId, r.referredId)}
                    <td>{new Date(r.createdAt).toLocaleString(locale)}</td>
                    <td><code>{r.referredId}</code></td>
                    <td><code>{r.referrerId}</code></td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
