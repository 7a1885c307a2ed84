import { beforeEach, describe, expect, it } from 'vitest';
import { refreshCatalog } from '../../../lib/catalog/refresh.ts';
import { getCatalog, recordConsent, updateSettings, type SammelpunktDb } from '../../../lib/db/index.ts';
import { buchladen, errorBody, freshDb, json, schuhhaus, scriptedFetch } from '../support.ts';

let db: SammelpunktDb;
const now = () => new Date('2025-03-01T10:00:00.000Z');

beforeEach(async () => {
  db = await freshDb();
  await updateSettings(db, { apiBaseUrl: 'https://api.test' });
  await recordConsent(db, true);
});

function catalogueServer() {
  const state = { partners: [schuhhaus], etag: '"v1"', status: 200 };
  const api = scriptedFetch((request) => {
    if (state.status !== 200) return json(errorBody('internal'), state.status);
    if (request.headers['if-none-match'] === state.etag) return new Response(null, { status: 304, headers: { etag: state.etag } });
    return json({ partners: state.partners }, 200, { etag: state.etag });
  });
  return { ...api, state };
}

describe('catalogue refresh', () => {
  it('sends nothing at all before the member has agreed, nor after a refusal (tried: fresh install, "Not now", revoked)', async () => {
    const fresh = await freshDb();
    await updateSettings(fresh, { apiBaseUrl: 'https://api.test' });
    const api = catalogueServer();
    expect(await refreshCatalog({ db: fresh, fetch: api.fetch, now })).toEqual({ ok: false, error: 'no_consent' });
    await recordConsent(fresh, false);
    expect(await refreshCatalog({ db: fresh, fetch: api.fetch, now })).toEqual({ ok: false, error: 'no_consent' });
    await recordConsent(fresh, true);
    await recordConsent(fresh, false);
    expect(await refreshCatalog({ db: fresh, fetch: api.fetch, now })).toEqual({ ok: false, error: 'no_consent' });
    expect(api.requests).toEqual([]);
    expect(await getCatalog(fresh)).toBeUndefined();
  });

  it('fetches the catalogue, keeps it with its ETag, and reports a change', async () => {
    const api = catalogueServer();
    const result = await refreshCatalog({ db, fetch: api.fetch, now });
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(api.requests[0]?.url).toBe('https://api.test/v1/partners');
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
    expect(await getCatalog(db)).toEqual({ partners: [schuhhaus], etag: '"v1"', fetchedAt: '2025-03-01T10:00:00.000Z' });
  });

  it('sends If-None-Match and treats a 304 as unchanged', async () => {
    const api = catalogueServer();
    await refreshCatalog({ db, fetch: api.fetch, now });
    const result = await refreshCatalog({ db, fetch: api.fetch, now });
    expect(api.requests[1]?.headers['if-none-match']).toBe('"v1"');
    expect(result).toMatchObject({ ok: true, changed: false });
    expect((await getCatalog(db))?.partners).toEqual([schuhhaus]);
  });

  it('reports a change when the catalogue moved on', async () => {
    const api = catalogueServer();
    await refreshCatalog({ db, fetch: api.fetch, now });
    api.state.partners = [schuhhaus, buchladen];
    api.state.etag = '"v2"';
    expect(await refreshCatalog({ db, fetch: api.fetch, now })).toMatchObject({ ok: true, changed: true });
    expect((await getCatalog(db))?.etag).toBe('"v2"');
  });

  it('keeps the stored catalogue when the API fails or answers garbage', async () => {
    const api = catalogueServer();
    await refreshCatalog({ db, fetch: api.fetch, now });
    api.state.status = 503;
    expect(await refreshCatalog({ db, fetch: api.fetch, now })).toMatchObject({ ok: false, catalog: { partners: [schuhhaus] } });
    const garbage = scriptedFetch(() => json({ partners: [{ id: 'NOT A SLUG' }] }, 200, { etag: '"bad"' }));
    expect(await refreshCatalog({ db, fetch: garbage.fetch, now })).toMatchObject({ ok: false });
    expect((await getCatalog(db))?.etag).toBe('"v1"');
  });
});
