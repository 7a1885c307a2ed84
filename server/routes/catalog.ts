/**
 * The catalogue the extension downloads: partners (public, cached by ETag)
 * and the offers that concern the signed-in member.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Offer } from '../../lib/contract/index.ts';
import { staleReads, type AppEnv, type Deps } from '../platform/app.ts';
import { requireMemberWithinLimit } from '../accounts/auth.ts';
import { catalogVersion, listOffers, listPartners } from '../catalog/catalog.ts';
import type { Db, Queryable } from '../db/index.ts';
import { loadReliability, refreshReliabilityIfStale, reliabilityState } from '../catalog/reliability.ts';

export const catalog = new Hono<AppEnv>();

/**
 * The serialised partner list of the last version seen, per database. With
 * 50,000 partners the document is megabytes: building it once per version
 * instead of once per request keeps a catalogue refresh cheap.
 */
const partnersCache = new WeakMap<Db, { version: string; body: string }>();

/** True when `If-None-Match` names the ETag, weakly or strongly, or is `*`. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

function jsonWithEtag(c: Context<AppEnv>, body: string, etag: string, cacheControl: string): Response {
  c.header('ETag', etag);
  c.header('Cache-Control', cacheControl);
  if (etagMatches(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  c.header('Content-Type', 'application/json; charset=UTF-8');
  return c.body(body, 200);
}

/**
 * The replica for the partner list when it has replayed at least these
 * versions, else the primary. Replay only moves forward, so a list read
 * after this check is at least as new as the versions the tag names.
 */
async function partnerReadsAtLeast(deps: Deps, catalog: number, reliability: number): Promise<Queryable> {
  const reads = staleReads(deps);
  if (reads === deps.db) return reads;
  const [catalogThere, reliabilityThere] = await Promise.all([catalogVersion(reads, 'partners'), reliabilityState(reads)]);
  return catalogThere >= catalog && reliabilityThere.version >= reliability ? reads : deps.db;
}

/** The replica for offers when it has replayed at least this offers version, else the primary. */
async function offerReadsAtLeast(deps: Deps, version: number): Promise<Queryable> {
  const reads = staleReads(deps);
  if (reads === deps.db) return reads;
  return (await catalogVersion(reads, 'offers')) >= version ? reads : deps.db;
}

catalog.get('/partners', async (c) => {
  const deps = c.get('deps');
  const { db, now } = deps;
  // The body is the operator's catalogue plus the partners' reliability
  // figures; the tag names both versions, so either changing is seen. The
  // versions come from the primary, like the catalogue version a member's
  // sync announces: a client told of a change must not get the old body.
  const [catalog, staleOrNot] = await Promise.all([catalogVersion(db, 'partners'), reliabilityState(db)]);
  const reliability = await refreshReliabilityIfStale(db, now(), staleOrNot);
  const version = `${catalog}-${reliability.version}`;
  const etag = `"partners-${version}"`;
  // Answer a revalidation before touching the partner table at all.
  if (etagMatches(c.req.header('If-None-Match'), etag)) return jsonWithEtag(c, '', etag, 'no-cache');
  let cached = partnersCache.get(db);
  if (cached?.version !== version) {
    const reads = await partnerReadsAtLeast(deps, catalog, reliability.version);
    const [partners, figures] = await Promise.all([listPartners(reads), loadReliability(reads)]);
    const withFigures = partners.map((p) => {
      const r = figures.get(p.id);
      return r ? { ...p, reliability: r } : p;
    });
    const body = JSON.stringify({ partners: withFigures });
    // Cache only if no write slipped in between; otherwise the body might be
    // newer than the version it would be filed under.
    const [catalogNow, reliabilityNow] = await Promise.all([catalogVersion(reads, 'partners'), reliabilityState(reads)]);
    if (`${catalogNow}-${reliabilityNow.version}` === version) partnersCache.set(db, { version, body });
    cached = { version, body };
  }
  return jsonWithEtag(c, cached.body, etag, 'no-cache');
});

catalog.get('/offers', requireMemberWithinLimit, async (c) => {
  const deps = c.get('deps');
  // The version read with the token, on the primary: the extension files this answer under it.
  const version = c.get('catalogVersions').offers;
  const tier = c.get('tier');
  const offers = await listOffers(await offerReadsAtLeast(deps, version), deps.now(), { includeUpcoming: true });
  const mine: Offer[] = offers.filter((o) => o.tier === undefined || o.tier === tier);
  const body = JSON.stringify({ offers: mine });
  // The list depends on the clock (offers end) and the member's tier as well as
  // on the version, so the tag is the version plus a digest of the body itself.
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  return jsonWithEtag(c, body, `W/"offers-${version}-${digest}"`, 'private, no-cache');
});
