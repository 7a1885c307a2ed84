/** Sign-in with email and password; the server sets the session cookie. */
import { useState } from 'preact/hooks';
import type { ConsoleSession } from '../lib/contract/console.ts';
import type { Api } from './api.ts';
import type { words } from './i18n.ts';

export function SignIn({ api, t, onSignedIn }: { api: Api; t: (typeof words)['en']; onSignedIn: (s: ConsoleSession) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      onSignedIn(await api.signIn(String(form.get('email') ?? ''), String(form.get('password') ?? '')));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <h1>{t.title}</h1>
      <form onSubmit={submit}>
        <label>
          {t.email}
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          {t.password}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && <p role="alert">{error}</p>}
        <button type="submit" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </main>
  );
}
