/** Offers and rewards: listed for every role; a partner manager or admin edits one in the form below the lists. */
import { useEffect, useState } from 'preact/hooks';
import type { Offer, Reward } from '../lib/contract/index.ts';
import type { Api } from './api.ts';
import type { Locale, Words } from './i18n.ts';
import { ImportFile } from './ImportFile.tsx';

/** `datetime-local` values are read and written as UTC, as the label says. */
const toInput = (iso: string) => iso.slice(0, 16);
const fromInput = (value: string) => new Date(`${value}:00.000Z`).toISOString();

export function Catalog(props: { api: Api; t: Words; locale: Locale; canEdit: boolean; onFailure: (err: unknown) => void }) {
  const { api, t, locale, canEdit, onFailure } = props;
  const [ended, setEnded] = useState(false);
  const [offers, setOffers] = useState<Offer[] | null>(null);
  const [rewards, setRewards] = useState<Reward[] | null>(null);
  const [editing, setEditing] = useState<{ offer: Offer } | { reward: Reward } | null>(null);
  const [saved, setSaved] = useState('');

  const load = () => {
    api.offers(ended).then(setOffers, onFailure);
    api.rewards().then(setRewards, onFailure);
  };
  useEffect(load, [ended]);

  const when = (iso: string) => new Date(iso).toLocaleString(locale, { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });
  const done = (title: string) => {
    setEditing(null);
    setSaved(t.itemSaved(title));
    load();
  };
  const edit = (item: { offer: Offer } | { reward: Reward }) => {
    setSaved('');
    setEditing(item);
  };

  return (
    <section aria-labelledby="catalog-title">
      <h2 id="catalog-title">{t.catalog}</h2>
      {canEdit && <ImportFile api={api} t={t} kinds={['offers', 'rewards']} onImported={load} onFailure={onFailure} />}
      {saved && <p role="status">{saved}</p>}
      {editing && 'offer' in editing && (
        <OfferForm key={editing.offer.id} t={t} offer={editing.offer} onCancel={() => setEditing(null)} onSave={(o) => api.putOffer(o).then((s) => done(s.title), onFailure)} />
      )}
      {editing && 'reward' in editing && (
        <RewardForm key={editing.reward.id} t={t} reward={editing.reward} onCancel={() => setEditing(null)} onSave={(r) => api.putReward(r).then((s) => done(s.title), onFailure)} />
      )}
      <h3>{t.offers}</h3>
      <label class="inline">
        <input type="checkbox" checked={ended} onChange={(e) => setEnded((e.currentTarget as HTMLInputElement).checked)} />
        {t.showEnded}
      </label>
      {offers === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : offers.length === 0 ? (
        <p>{t.noOffers}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.titleLabel}</th>
              <th scope="col">{t.offerValue}</th>
              <th scope="col">{t.partner}</th>
              <th scope="col">{t.runs}</th>
              <th scope="col">{t.minAmount}</th>
              {canEdit && <th scope="col">{t.edit}</th>}
            </tr>
          </thead>
          <tbody>
            {offers.map((o) => (
              <tr key={o.id}>
                <td>
                  {o.title}
                  <br />
                  <code>{o.id}</code>
                </td>
                <td>{o.kind === 'multiplier' ? `×${o.multiplier}` : t.bonusText(o.bonusPoints ?? 0)}</td>
                <td>{o.partnerId ?? t.allPartners}</td>
                <td>{`${when(o.startsAt)} – ${when(o.endsAt)}`}</td>
                <td>{o.minAmountMinor === undefined ? '—' : new Intl.NumberFormat(locale, { minimumFractionDigits: 2 }).format(o.minAmountMinor / 100)}</td>
                {canEdit && (
                  <td>
                    <button type="button" aria-label={t.editNamed(o.title)} onClick={() => edit({ offer: o })}>
                      {t.edit}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t.rewards}</h3>
      {rewards === null ? (
        <p aria-busy="true">{t.loading}</p>
      ) : rewards.length === 0 ? (
        <p>{t.noRewards}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.titleLabel}</th>
              <th scope="col">{t.kind}</th>
              <th scope="col">{t.pointsCost}</th>
              <th scope="col">{t.active}</th>
              {canEdit && <th scope="col">{t.edit}</th>}
            </tr>
          </thead>
          <tbody>
            {rewards.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.title}
                  <br />
                  <code>{r.id}</code>
                </td>
                <td>{r.kind === 'voucher' ? t.voucher : t.donation}</td>
                <td>{r.pointsCost}</td>
                <td>{r.active ? t.yes : t.no}</td>
                {canEdit && (
                  <td>
                    <button type="button" aria-label={t.editNamed(r.title)} onClick={() => edit({ reward: r })}>
                      {t.edit}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function OfferForm({ t, offer, onCancel, onSave }: { t: Words; offer: Offer; onCancel: () => void; onSave: (o: Offer) => Promise<void> }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const value = Number(form.get('value'));
    void onSave({
      ...offer,
      title: String(form.get('title')).trim(),
      ...(offer.kind === 'multiplier' ? { multiplier: value } : { bonusPoints: Math.trunc(value) }),
      startsAt: fromInput(String(form.get('startsAt'))),
      endsAt: fromInput(String(form.get('endsAt'))),
    });
  };
  return (
    <form class="edit" aria-label={t.editNamed(offer.title)} onSubmit={submit}>
      <h3>{t.editNamed(offer.title)}</h3>
      <label>
        {t.titleLabel}
        <input name="title" required maxLength={200} defaultValue={offer.title} />
      </label>
      <label>
        {offer.kind === 'multiplier' ? t.multiplier : t.bonusPoints}
        {offer.kind === 'multiplier' ? (
          <input name="value" type="number" required min={1} max={100} step={0.01} defaultValue={String(offer.multiplier)} />
        ) : (
          <input name="value" type="number" required min={1} step={1} defaultValue={String(offer.bonusPoints)} />
        )}
      </label>
      <label>
        {t.startsAt}
        <input name="startsAt" type="datetime-local" required defaultValue={toInput(offer.startsAt)} />
      </label>
      <label>
        {t.endsAt}
        <input name="endsAt" type="datetime-local" required defaultValue={toInput(offer.endsAt)} />
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

function RewardForm({ t, reward, onCancel, onSave }: { t: Words; reward: Reward; onCancel: () => void; onSave: (r: Reward) => Promise<void> }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void onSave({ ...reward, title: String(form.get('title')).trim(), pointsCost: Number.parseInt(String(form.get('pointsCost')), 10), active: form.get('active') === 'on' });
  };
  return (
    <form class="edit" aria-label={t.editNamed(reward.title)} onSubmit={submit}>
      <h3>{t.editNamed(reward.title)}</h3>
      <label>
        {t.titleLabel}
        <input name="title" required maxLength={200} defaultValue={reward.title} />
      </label>
      <label>
        {t.pointsCost}
        <input name="pointsCost" type="number" required min={1} step={1} defaultValue={String(reward.pointsCost)} />
      </label>
      <label class="inline">
        <input name="active" type="checkbox" defaultChecked={reward.active} />
        {t.activeLong}
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
