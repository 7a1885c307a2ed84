/**
 * The demo catalogue `npm start` seeds when DEMO is on: partners on
 * `*.localhost` hosts (browsers resolve them to loopback) for the demo shops
 * in `demo/`, a few offers and rewards. Running it again changes nothing and
 * bumps no catalogue version, unless the seed data itself changed.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Offer, PartnerInput, Reward } from '../../lib/contract/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { upsertOffer, upsertPartner, upsertReward } from '../routes/admin.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A demo partner as the source knows it: never its signing secret, which each installation draws for itself. */
export type DemoPartner = Omit<PartnerInput, 'secret'>;

function demoPartner(id: string, name: string, category: string, earn: { points: number; per: number }, extra: Partial<DemoPartner> = {}): DemoPartner {
  return {
    id,
    name,
    domains: [`${id}.localhost`],
    category,
    earn,
    currency: 'EUR',
    holdDays: 30,
    autoConfirm: true,
    ...extra,
  };
}

/** Each demo shop imitates one kind of order confirmation page the extension must recognise. */
export const DEMO_PARTNERS: readonly DemoPartner[] = [
  demoPartner('schuhhaus', 'Schuhhaus', 'Schuhe', { points: 1, per: 1 }, { holdDays: 14 }), // Shopware 6, German
  demoPartner('buecherwurm', 'Bücherwurm', 'Bücher', { points: 1, per: 2 }), // WooCommerce
  demoPartner('technikwelt', 'Technikwelt', 'Elektronik', { points: 2, per: 1 }), // Magento 2
  demoPartner('gartenglueck', 'Gartenglück', 'Garten', { points: 1, per: 1 }), // Shopify
  demoPartner('modehaus', 'Modehaus', 'Mode', { points: 3, per: 2 }), // GA4 dataLayer only
  demoPartner('feinkost', 'Feinkost', 'Lebensmittel', { points: 1, per: 1 }), // late-rendering SPA
  demoPartner('alpenladen', 'Alpenladen', 'Outdoor', { points: 1, per: 1 }, { currency: 'CHF' }),
  demoPartner('roesterei', 'Rösterei Morgenrot', 'Kaffee', { points: 1, per: 1 }), // hand-built: totals unclear, the member is asked
  demoPartner('teehaus', 'Teehaus Lindgrün', 'Tee', { points: 1, per: 1 }), // unreadable until the operator adds a detection rule
  demoPartner('werkzeug', 'Werkzeugkontor Kessler', 'Werkzeug', { points: 1, per: 1 }), // the order's own page, recorded after the final step
];

export const DEMO_REWARDS: readonly Reward[] = [
  { id: 'gutschein-5', title: '5 € Gutschein', kind: 'voucher', pointsCost: 500, active: true },
  { id: 'gutschein-10', title: '10 € Gutschein', kind: 'voucher', pointsCost: 1000, active: true },
  { id: 'spende-tafel', title: 'Spende an die Tafel', kind: 'donation', pointsCost: 250, active: true, charityId: 'tafel-deutschland', charityName: 'Tafel Deutschland e.V.' },
];

/** The next Saturday 00:00 UTC (today, if today is Saturday). */
function nextSaturday(now: Date): Date {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  // A Sunday still belongs to the weekend that started yesterday.
  const offset = day.getUTCDay() === 0 ? -1 : 6 - day.getUTCDay();
  return new Date(day.getTime() + offset * DAY_MS);
}

export function demoOffers(now: Date): Offer[] {
  const saturday = nextSaturday(now);
  return [
    {
      id: 'schuhhaus-doppelt',
      title: 'Doppelte Punkte bei Schuhhaus',
      partnerId: 'schuhhaus',
      kind: 'multiplier',
      multiplier: 2,
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + 30 * DAY_MS).toISOString(),
    },
    {
      id: 'buecherwurm-bonus',
      title: '100 Extrapunkte ab 50 € bei Bücherwurm',
      partnerId: 'buecherwurm',
      kind: 'bonus',
      bonusPoints: 100,
      minAmountMinor: 5000,
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + 365 * DAY_MS).toISOString(),
      perMemberLimit: 1,
    },
    {
      id: 'wochenende',
      title: '1,5-fache Punkte am Wochenende',
      kind: 'multiplier',
      multiplier: 1.5,
      startsAt: saturday.toISOString(),
      endsAt: new Date(saturday.getTime() + 2 * DAY_MS).toISOString(),
    },
  ];
}

/**
 * The secret a test harness or script gives the demo partner `partnerId`
 * when it starts the server with `DEMO_PARTNER_SECRET=base`, so it can sign
 * that partner's reports itself.
 */
export function demoPartnerSecret(base: string, partnerId: string): string {
  return createHmac('sha256', base).update(partnerId).digest('hex');
}

/**
 * Before this installation drew its own, every demo partner signed with this
 * string from the source, so anyone could forge its reports: a database that
 * still holds one gets a fresh secret.
 */
const publishedSecret = (partnerId: string) => `demo-secret-${partnerId}-0123456789`;

/**
 * The demo partner's signing secret: the one this installation drew before
 * (kept, so a restart does not break a partner's integration), else a new
 * random one; derived from `base` when a harness names one.
 */
async function secretFor(tx: Queryable, partnerId: string, base: string | undefined): Promise<string> {
  if (base !== undefined) return demoPartnerSecret(base, partnerId);
  const rows = await tx.query<{ secret: string }>('SELECT secret FROM partners WHERE id = $1', [partnerId]);
  const stored = rows[0]?.secret;
  if (stored !== undefined && stored !== publishedSecret(partnerId)) return stored;
  return randomBytes(32).toString('base64url');
}

/**
 * Upserts the demo catalogue. An offer that is still running or upcoming
 * keeps its window, so seeding again at every start is a no-op; an ended one
 * gets a fresh window, so a long-lived demo database keeps working offers.
 */
export async function seedDemo(db: Db, now: Date = new Date(), opts: { secretBase?: string } = {}): Promise<void> {
  await db.transaction(async (tx) => {
    for (const partner of DEMO_PARTNERS) await upsertPartner(tx, { ...partner, secret: await secretFor(tx, partner.id, opts.secretBase) });
    const windows = new Map(
      (await tx.query<{ id: string; doc: Offer }>('SELECT id, doc FROM offers WHERE ends_at > $1', [now.toISOString()])).map((r) => [r.id, r.doc]),
    );
    for (const offer of demoOffers(now)) {
      const running = windows.get(offer.id);
      await upsertOffer(tx, running ? { ...offer, startsAt: running.startsAt, endsAt: running.endsAt } : offer);
    }
    for (const reward of DEMO_REWARDS) await upsertReward(tx, reward);
  });
}
