import { useState } from 'preact/hooks';
import type { AuthMode, Outcome, UiErrorCode } from '../lib/ui/bridge.ts';
import { t } from '../lib/ui/i18n.ts';

export interface SignInProps {
  onSubmit(mode: AuthMode, email: string, password: string): Promise<Outcome<object>>;
  onSignedIn(): void;
  /** Shown on the onboarding page: continue without an account. */
  onSkip?: () => void;
  /** Distinguishes the ids when two forms could share a page. */
  idPrefix?: string;
}

export function SignIn({ onSubmit, onSignedIn, onSkip, idPrefix = 'signin' }: SignInProps) {
  const [mode, setMode] = useState<AuthMode>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiErrorCode | undefined>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const outcome = await onSubmit(mode, email.trim(), password);
    setBusy(false);
    if (outcome.ok) onSignedIn();
    else setError(outcome.error);
  };

  return (
    <form class="card signin" onSubmit={submit} aria-labelledby={`${idPrefix}-title`}>
      <h2 id={`${idPrefix}-title`} class="card-title">{mode === 'login' ? t('signInTitle') : t('registerTitle')}</h2>
      <p class="muted small">{t('signInIntro')}</p>
      <label for={`${idPrefix}-email`}>{t('email')}</label>
      <input id={`${idPrefix}-email`} type="email" autocomplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <label for={`${idPrefix}-password`}>{t('password')}</label>
      <input
        id={`${idPrefix}-password`}
        type="password"
        autocomplete={mode === 'login' ? 'current-password' : 'new-password'}
        required
        minLength={8}
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      {mode === 'register' && <p class="muted small">{t('passwordHint')}</p>}
      {error !== undefined && <p class="small error" role="alert">{t(`error_${error}`)}</p>}
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>{mode === 'login' ? t('signIn') : t('register')}</button>
        <button type="button" class="link" onClick={() => { setMode(mode === 'login' ? 'register' : 'login'); setError(undefined); }}>
          {mode === 'login' ? t('switchToRegister') : t('switchToSignIn')}
        </button>
      </div>
      {onSkip && (
        <button type="button" class="link" onClick={onSkip}>{t('signInLater')}</button>
      )}
    </form>
  );
}
