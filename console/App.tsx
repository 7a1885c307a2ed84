/** The console: sign-in, then the claims queue. */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleSession } from '../lib/contract/console.ts';
import { type Api, ApiFailure } from './api.ts';
import { Claims } from './Claims.tsx';
import { type Locale, words } from './i18n.ts';
import { SignIn } from './SignIn.tsx';

export function App({ api, locale }: { api: Api; locale: Locale }) {
  const t = words[locale];
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [error, setError] = useState('');

  useEffect(() => {
    api.session().then(setSession, (err: unknown) => setError(String((err as Error).message)));
  }, [api]);

  const onFailure = (err: unknown) => {
    // A session that ended meanwhile brings the sign-in back.
    if (err instanceof ApiFailure && err.status === 401) setSession(null);
    else setError(err instanceof Error ? err.message : String(err));
  };

  if (session === undefined) return <main aria-busy="true">{error ? <p role="alert">{t.failed} {error}</p> : t.loading}</main>;
  if (session === null) return <SignIn api={api} t={t} onSignedIn={setSession} />;
  return (
    <>
      <header>
        <h1>{t.title}</h1>
        <p>{t.signedInAs(session.operator.email, session.operator.role)}</p>
        <button type="button" onClick={() => api.signOut().then(() => setSession(null), onFailure)}>
          {t.signOut}
        </button>
      </header>
      <main>
        {error && <p role="alert">{t.failed} {error}</p>}
        <Claims api={api} t={t} locale={locale} canDecide={['reviewer', 'admin'].includes(session.operator.role)} onFailure={onFailure} />
      </main>
    </>
  );
}
