/** Offers and rewards: listed for every role; a partner manager or admin edits one in the form below the lists. */
import { useEffect, useState } from 'preact/hooks';
import type { Offer, Reward } from '../lib/contract/index.ts';
import type { Api } from './api.ts';
import type { Locale, Words } from './i18n.ts';
import { ImportFile } from './ImportFile.tsx';

/** A new offer's form starts as a double-points offer for the coming week. */
function newOffer(): Offer {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  return { id: '', title: '', kind: 'multiplier', multiplier: 2, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7 * 86_400_000).toISOString() };
}

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
        <OfferForm key={editing.offer.id || 'new'} t={t} offer={editing.offer} onCancel={() => setEditing(null)} onSave={(o) => api.putOffer(o).then((s) => done(s.title), onFailure)} />
      )}
      {editing && 'reward' in editing && (
        <RewardForm key={editing.reward.id || 'new'} t={t} reward={editing.reward} onCancel={() => setEditing(null)} onSave={(r) => api.putReward(r).then((s) => done(s.title), onFailure)} />
      )}
      <h3>{t.offers}</h3>
      {canEdit && (
        <div class="actions">
          <button type="button" onClick={() => edit({ offer: newOffer() })}>
            {t.newOffer}
          </button>
          <button type="button" onClick={() => edit({ reward: { id: '', title: '', kind: 'voucher', pointsCost: 500, active: true } })}>
            {t.newReward}
          </button>
        </div>
      )}
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

function OfferForm({ t, offer: given, onCancel, onSave }: { t: Words; offer: Offer; onCancel: () => void; onSave: (o: Offer) => Promise<void> }) {
  const isNew = given.id === '';
  const [kind, setKind] = useState(given.kind);
  const offer: Offer = { ...given, kind };
  const heading = isNew ? t.newOffer : t.editNamed(given.title);
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const value = Number(form.get('value'));
    const partnerId = String(form.get('partnerId') ?? '').trim();
    const { multiplier: _m, bonusPoints: _b, partnerId: _p, ...rest } = offer;
    void onSave({
      ...rest,
      ...(isNew ? { id: String(form.get('id')).trim() } : {}),
      ...(isNew ? (partnerId ? { partnerId } : {}) : offer.partnerId ? { partnerId: offer.partnerId } : {}),
      title: String(form.get('title')).trim(),
      ...(kind === 'multiplier' ? { multiplier: value } : { bonusPoints: Math.trunc(value) }),
      startsAt: fromInput(String(form.get('startsAt'))),
      endsAt: fromInput(String(form.get('endsAt'))),
    });
  };
  return (
    <form class="edit" aria-label={heading} onSubmit={submit}>
      <h3>{heading}</h3>
      {isNew && (
        <>
          <label>
            {t.idLabel}
            <input name="id" required pattern="[a-z0-9]([a-z0-9\-]{0,62}[a-z0-9])?" maxLength={64} />
          </label>
          <label>
            {t.kind}
            <select value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as Offer['kind'])}>
              <option value="multiplier">{t.multiplier}</option>
              <option value="bonus">{t.bonusPoints}</option>
            </select>
          </label>
          <label>
            {t.partnerOptional}
            <input name="partnerId" maxLength={64} />
          </label>
        </>
      )}
      <label>
        {t.titleLabel}
        <input name="title" required maxLength={200} defaultValue={offer.title} />
      </label>
      <label>
        {offer.kind === 'multiplier' ? t.multiplier : t.bonusPoints}
        {offer.kind === 'multiplier' ? (
          <input key="multiplier" name="value" type="number" required min={1} max={100} step={0.01} defaultValue={String(offer.multiplier ?? 2)} />
        ) : (
          <input key="bonus" name="value" type="number" required min={1} step={1} defaultValue={String(offer.bonusPoints ?? 100)} />
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
  const isNew = reward.id === '';
  const heading = isNew ? t.newReward : t.editNamed(reward.title);
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void onSave({
      ...reward,
      ...(isNew ? { id: String(form.get('id')).trim(), kind: String(form.get('kind')) === 'donation' ? 'donation' : 'voucher' } : {}),
      title: String(form.get('title')).trim(),
      pointsCost: Number.parseInt(String(form.get('pointsCost')), 10),
      active: form.get('active') === 'on',
    });
  };
  return (
    <form class="edit" aria-label={heading} onSubmit={submit}>
      <h3>{heading}</h3>
      {isNew && (
        <>
          <label>
            {t.idLabel}
            <input name="id" required pattern="[a-z0-9]([a-z0-9\-]{0,62}[a-z0-9])?" maxLength={64} />
          </label>
          <label>
            {t.kind}
            <select name="kind" defaultValue="voucher">
              <option value="voucher">{t.voucher}</option>
              <option value="donation">{t.donation}</option>
            </select>
          </label>
        </>
      )}
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
