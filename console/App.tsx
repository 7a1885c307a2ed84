/** The console: sign-in, then a page at a time (overview, claims and holds, …) under one navigation. */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleSession } from '../lib/contract/console.ts';
import { type Api, ApiFailure } from './api.ts';
import { Audit } from './Audit.tsx';
import { Catalog } from './Catalog.tsx';
import { Claims } from './Claims.tsx';
import { Confirmations } from './Confirmations.tsx';
import { type Locale, type Words, words } from './i18n.ts';
import { Holds } from './Holds.tsx';
import { Members } from './Members.tsx';
import { Overview } from './Overview.tsx';
import { Partners } from './Partners.tsx';
import { SignIn } from './SignIn.tsx';

export const PAGES = ['overview', 'claims', 'holds', 'partners', 'catalog', 'confirmations', 'members', 'audit'] as const;
export type Page = (typeof PAGES)[number];

const pageOfHash = (hash: string): Page => (PAGES as readonly string[]).includes(hash.slice(1)) ? (hash.slice(1) as Page) : 'overview';
const pageTitle = (t: Words, page: Page) => ({ overview: t.overview, claims: t.claims, holds: t.holds, partners: t.partners, catalog: t.catalog, confirmations: t.confirmations, members: t.members, audit: t.audit })[page];

export function App({ api, locale }: { api: Api; locale: Locale }) {
  const t = words[locale];
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [error, setError] = useState('');
  const [page, setPage] = useState<Page>(() => pageOfHash(globalThis.location?.hash ?? ''));

  useEffect(() => {
    api.session().then(setSession, (err: unknown) => setError(String((err as Error).message)));
  }, [api]);

  const onFailure = (err: unknown) => {
    // A session that ended meanwhile brings the sign-in back.
    if (err instanceof ApiFailure && err.status === 401) setSession(null);
    else setError(err instanceof Error ? err.message : String(err));
  };

  const go = (next: Page) => {
    setError('');
    setPage(next);
    if (globalThis.history) history.replaceState(null, '', `#${next}`);
  };

  if (session === undefined) return <main aria-busy="true">{error ? <p role="alert">{t.failed} {error}</p> : t.loading}</main>;
  if (session === null) return <SignIn api={api} t={t} onSignedIn={setSession} />;
  const role = session.operator.role;
  const mayReview = role === 'reviewer' || role === 'admin';
  const mayEditCatalog = role === 'partner-manager' || role === 'admin';
  return (
    <>
      <header>
        <h1>{t.title}</h1>
        <p>{t.signedInAs(session.operator.email, role)}</p>
        <button type="button" onClick={() => api.signOut().then(() => setSession(null), onFailure)}>
          {t.signOut}
        </button>
      </header>
      <nav aria-label={t.nav}>
        <ul>
          {PAGES.map((p) => (
            <li key={p}>
              <a href={`#${p}`} aria-current={p === page ? 'page' : undefined} onClick={(e) => { e.preventDefault(); go(p); }}>
                {pageTitle(t, p)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {error && <p role="alert">{t.failed} {error}</p>}
        {page === 'overview' && <Overview api={api} t={t} locale={locale} onFailure={onFailure} />}
        {page === 'claims' && <Claims api={api} t={t} locale={locale} canDecide={mayReview} onFailure={onFailure} />}
        {page === 'partners' && <Partners api={api} t={t} locale={locale} canEdit={mayEditCatalog} onFailure={onFailure} />}
        {page === 'catalog' && <Catalog api={api} t={t} locale={locale} canEdit={mayEditCatalog} onFailure={onFailure} />}
        {page === 'confirmations' && <Confirmations api={api} t={t} locale={locale} canApply={mayEditCatalog} onFailure={onFailure} />}
        {page === 'audit' && <Audit api={api} t={t} locale={locale} onFailure={onFailure} />}
        {page === 'members' && <Members api={api} t={t} locale={locale} canErase={role === 'admin'} onFailure={onFailure} />}
        {page === 'holds' && <Holds api={api} t={t} locale={locale} canDecide={mayReview} onFailure={onFailure} />}
      </main>
    </>
  );
}
