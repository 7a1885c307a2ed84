/**
 * Keeping the partner catalogue current: `GET /v1/partners` with the stored
 * ETag, so an unchanged catalogue costs a 304 and no parsing. The catalogue
 * and its ETag live in IndexedDB; the background refreshes on startup and on
 * the `catalog-refresh` alarm (every six hours), and whoever reacts to a
 * change (content script registration) looks at `changed`.
 *
 * Nothing is fetched before the member has agreed on the onboarding page: the
 * catalogue request is the extension's first request of all, and it is made
 * once, when the member agrees (docs/permissions.md, "The first request").
 * Even unauthenticated, a request tells the API that someone installed the
 * extension, from which address and when.
 */
import { Catalog } from '../contract/index.ts';
import { getCatalog, getSettings, hasConsent, saveCatalog, type CatalogRecord, type SammelpunktDb } from '../db/index.ts';
import { apiRequest, type FetchLike } from '../sync/http.ts';

export const CATALOG_REFRESH_ALARM = 'catalog-refresh';
export const CATALOG_REFRESH_MINUTES = 6 * 60;

export type RefreshResult =
  | { ok: true; changed: boolean; catalog: CatalogRecord }
  | { ok: false; error: string; catalog?: CatalogRecord }
  /** The member has not agreed (yet, or any more): nothing was sent. */
  | { ok: false; error: 'no_consent'; catalog?: undefined };

export interface RefreshDeps {
  db: SammelpunktDb;
  fetch: FetchLike;
  now?: () => Date;
  timeoutMs?: number;
}

export async function refreshCatalog(deps: RefreshDeps): Promise<RefreshResult> {
  const now = deps.now ?? (() => new Date());
  if (!(await hasConsent(deps.db))) return { ok: false, error: 'no_consent' };
  const [stored, settings] = await Promise.all([getCatalog(deps.db), getSettings(deps.db)]);
  const headers: Record<string, string> = {};
  if (stored?.etag !== undefined) headers['if-none-match'] = stored.etag;
  const outcome = await apiRequest(
    { fetch: deps.fetch, baseUrl: settings.apiBaseUrl, now, timeoutMs: deps.timeoutMs },
    { method: 'GET', path: '/v1/partners', headers },
  );
  if (outcome.kind === 'not-modified' && stored !== undefined) {
    const catalog = { ...stored, fetchedAt: now().toISOString() };
    await saveCatalog(deps.db, catalog);
    return { ok: true, changed: false, catalog };
  }
  if (outcome.kind !== 'ok') {
    const error = outcome.kind === 'not-modified' ? 'a 304 without a stored catalogue' : `${outcome.error.code}: ${outcome.error.message}`;
    return { ok: false, error, catalog: stored };
  }
  const parsed = Catalog.safeParse(outcome.body);
  if (!parsed.success) return { ok: false, error: 'the catalogue did not match the contract', catalog: stored };
  const catalog: CatalogRecord = {
    partners: parsed.data.partners,
    etag: outcome.headers.get('etag') ?? undefined,
    fetchedAt: now().toISOString(),
  };
  await saveCatalog(deps.db, catalog);
  const changed = stored === undefined || JSON.stringify(stored.partners) !== JSON.stringify(catalog.partners);
  return { ok: true, changed, catalog };
}
