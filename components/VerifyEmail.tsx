import { useState } from 'preact/hooks';
import type { Outcome, UiErrorCode } from '../lib/ui/bridge.ts';
import { t } from '../lib/ui/i18n.ts';

export interface VerifyEmailProps {
  email: string;
  onVerify(code: string): Promise<Outcome<object>>;
  onResend(): Promise<Outcome<object>>;
  /** The email is confirmed: the page reloads the member. */
  onVerified(): void;
}

/** The step after registration: the six-digit code from the mail, so the member's points become spendable. */
export function VerifyEmail({ email, onVerify, onResend, onVerified }: VerifyEmailProps) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiErrorCode | undefined>(undefined);
  const [resent, setResent] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const outcome = await onVerify(code.trim());
    setBusy(false);
    if (outcome.ok) onVerified();
    else setError(outcome.error);
  };
  const resend = async () => {
    setError(undefined);
    const outcome = await onResend();
    if (outcome.ok) setResent(true);
    else setError(outcome.error);
  };

  return (
    <form class="card verify-email" onSubmit={submit} aria-labelledby="verify-title">
      <h2 id="verify-title" class="card-title">{t('verifyTitle')}</h2>
      <p class="muted small">{t('verifyIntro', [email])}</p>
      <label for="verify-code">{t('verifyCode')}</label>
      <input
        id="verify-code"
        inputMode="numeric"
        autocomplete="one-time-code"
        pattern="\d{6}"
        maxLength={6}
        required
        value={code}
        onInput={(e) => setCode(e.currentTarget.value)}
      />
      {error !== undefined && <p class="small error" role="alert">{t(`error_${error}`)}</p>}
      {resent && error === undefined && <p class="small" role="status">{t('verifyResent')}</p>}
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>{t('verifySubmit')}</button>
        <button type="button" class="link" onClick={resend}>{t('verifyResend')}</button>
      </div>
    </form>
  );
}
