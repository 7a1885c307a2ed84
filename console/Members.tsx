/**
 * The members page: find a member by email or card number; balance,
 * purchases and ledger; erasure on the member's request (admins), confirmed
 * twice because it cannot be undone.
 */
import { useState } from 'preact/hooks';
import type { Transaction } from '../lib/contract/index.ts';
import { type Api, ApiFailure, type MemberView } from './api.ts';
import { money } from './format.ts';
import type { Locale, Words } from './i18n.ts';

export function Members(props: { api: Api; t: Words; locale: Locale; canErase: boolean; onFailure: (err: unknown) => void }) {
  const { api, t, locale, canErase, onFailure } = props;
  const [needle, setNeedle] = useState('');
  const [member, setMember] = useState<MemberView | null>(null);
  const [ledger, setLedger] = useState<{ entries: Transaction[]; next?: string }>({ entries: [] });
  const [message, setMessage] = useState('');

  const find = (e: Event) => {
    e.preventDefault();
    const text = needle.trim();
    setMessage('');
    setMember(null);
    api.findMember(/^\d{10}$/.test(text) ? { number: text } : { email: text }).then(
      (found) => {
        setMember(found);
        api.memberLedger(found.id).then((page) => setLedger({ entries: page.transactions, ...(page.nextCursor ? { next: page.nextCursor } : {}) }), onFailure);
      },
      (err: unknown) => (err instanceof ApiFailure && (err.status === 422 || err.status === 400) ? setMessage(t.memberNotFound) : onFailure(err)),
    );
  };
  const more = () =>
    member &&
    ledger.next &&
    api.memberLedger(member.id, ledger.next).then((page) => setLedger({ entries: [...ledger.entries, ...page.transactions], ...(page.nextCursor ? { next: page.nextCursor } : {}) }), onFailure);
  const num = new Intl.NumberFormat(locale);
  const when = (iso: string) => new Date(iso).toLocaleString(locale);

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t.members}</h2>
      <form class="period" role="search" onSubmit={find}>
        <label>
          {t.findMember}
          <input required maxLength={254} value={needle} onInput={(e) => setNeedle((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t.find}</button>
      </form>
      {message && <p role="status">{message}</p>}
      {member && (
        <>
          <dl class="facts">
            <dt>{t.email}</dt>
            <dd>{member.email}</dd>
            <dt>{t.cardNumber}</dt>
            <dd>{member.memberNumber}</dd>
            <dt>{t.tier}</dt>
            <dd>{member.tier}</dd>
            <dt>{t.joined}</dt>
            <dd>{when(member.createdAt)}</dd>
            <dt>{t.available}</dt>
            <dd>{num.format(member.balance.available)}</dd>
            <dt>{t.pendingPoints}</dt>
            <dd>{num.format(member.balance.pending)}</dd>
            <dt>{t.lifetime}</dt>
            <dd>{num.format(member.balance.lifetime)}</dd>
            <dt>{t.openClaims}</dt>
            <dd>{member.openClaims}</dd>
          </dl>
          <h3>{t.purchases}</h3>
          {member.purchases.length === 0 ? (
            <p>{t.noPurchases}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.detected}</th>
                  <th scope="col">{t.shop}</th>
                  <th scope="col">{t.order}</th>
                  <th scope="col">{t.amount}</th>
                  <th scope="col">{t.state}</th>
                  <th scope="col">{t.points}</th>
                </tr>
              </thead>
              <tbody>
                {member.purchases.map((p) => (
                  <tr key={p.id}>
                    <td>{when(p.detectedAt)}</td>
                    <td>{p.partnerId}</td>
                    <td>{p.orderId}</td>
                    <td>{money(locale, p.amountMinor, p.currency)}</td>
                    <td>{t.purchaseStatus(p.status)}{p.reason ? ` (${p.reason})` : ''}</td>
                    <td>{num.format(p.points)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t.ledger}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.booked}</th>
                <th scope="col">{t.account}</th>
                <th scope="col">{t.why}</th>
                <th scope="col">{t.points}</th>
              </tr>
            </thead>
            <tbody>
              {ledger.entries.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.createdAt)}</td>
                  <td>{e.account}</td>
                  <td>{e.reason}</td>
                  <td class="number">{e.delta > 0 ? `+${num.format(e.delta)}` : num.format(e.delta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {ledger.next && (
            <button type="button" onClick={more}>
              {t.more}
            </button>
          )}
          {canErase && (
            <Erase
              t={t}
              onErase={(reason) =>
                api.eraseMember(member.id, reason).then(() => {
                  setMember(null);
                  setLedger({ entries: [] });
                  setMessage(t.memberErased(member.memberNumber));
                }, onFailure)
              }
            />
          )}
        </>
      )}
    </section>
  );
}

function Erase({ t, onErase }: { t: Words; onErase: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [sure, setSure] = useState(false);
  return (
    <form
      class="edit danger"
      aria-label={t.eraseTitle}
      onSubmit={(e) => {
        e.preventDefault();
        void onErase(reason.trim());
      }}
    >
      <h3>{t.eraseTitle}</h3>
      <p>{t.eraseExplain}</p>
      <label>
        {t.eraseReason}
        <input required minLength={3} maxLength={200} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label class="inline">
        <input type="checkbox" checked={sure} onChange={(e) => setSure((e.currentTarget as HTMLInputElement).checked)} />
        {t.eraseConfirm}
      </label>
      <button type="submit" disabled={!sure || reason.trim().length < 3}>
        {t.eraseButton}
      </button>
    </form>
  );
}
