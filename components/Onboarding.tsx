import { useState } from 'preact/hooks';
import type { UiBridge } from '../lib/ui/bridge.ts';
import { t } from '../lib/ui/i18n.ts';
import { SignIn } from './SignIn.tsx';

export interface OnboardingProps {
  /**
   * Match patterns of the partner shops, from the stored catalogue; empty on
   * a fresh install, as the catalogue is fetched only once the member agrees.
   */
  origins: string[];
  consentGiven: boolean;
  signedIn: boolean;
  bridge: UiBridge;
  /** Must call `browser.permissions.request` synchronously: the browser allows it only inside the click. */
  requestHostAccess(origins: string[]): Promise<boolean>;
  /** The partner shops' match patterns as stored now (after consent, the background has fetched the catalogue). */
  loadOrigins(): Promise<string[]>;
  onSignedIn(): void;
}

type Access = 'unknown' | 'granted' | 'denied';
type ConsentStep = { step: 'ask' } | { step: 'declined' } | { step: 'given'; access: Access } | { step: 'failed' };

export function Onboarding(props: OnboardingProps) {
  const [consent, setConsent] = useState<ConsentStep>(props.consentGiven ? { step: 'given', access: 'unknown' } : { step: 'ask' });
  const [later, setLater] = useState(false);
  const [loaded, setLoaded] = useState<string[]>([]);
  const origins = props.origins.length > 0 ? props.origins : loaded;

  /** Asks for host access; a browser that wants a fresh click for it (Firefox, after the catalogue's round trip) leaves the button. */
  const ask = (wanted: string[]): Promise<Access> =>
    props.requestHostAccess(wanted).then(
      (granted) => (granted ? 'granted' : 'denied'),
      () => 'unknown',
    );
  const settle = (access: Access) => {
    setConsent({ step: 'given', access });
    if (access === 'granted') void props.bridge.permissionsChanged();
  };

  const agree = () => {
    if (origins.length > 0) {
      // The catalogue is already here (consent given before): the request comes first, still inside the click.
      const access = ask(origins);
      void Promise.all([access, props.bridge.setConsent(true)]).then(([result, saved]) => (saved.ok ? settle(result) : setConsent({ step: 'failed' })));
      return;
    }
    // A fresh install has no catalogue: agreeing makes the extension's first request, for it.
    void props.bridge.setConsent(true).then(async (saved) => {
      if (!saved.ok) return setConsent({ step: 'failed' });
      const fetched = await props.loadOrigins();
      setLoaded(fetched);
      settle(fetched.length > 0 ? await ask(fetched) : 'unknown');
    });
  };
  const retryAccess = () => {
    if (origins.length > 0) {
      void ask(origins).then(settle);
      return;
    }
    // The catalogue did not arrive when the member agreed (offline): fetch it now.
    void props.bridge.refreshCatalog().then(async () => {
      const fetched = await props.loadOrigins();
      setLoaded(fetched);
      settle(fetched.length > 0 ? await ask(fetched) : 'unknown');
    });
  };
  const decline = () => {
    void props.bridge.setConsent(false).then(() => setConsent({ step: 'declined' }));
  };

  return (
    <main class="page">
      <h1>{t('onbTitle')}</h1>
      <p>{t('onbIntro')}</p>
      <section class="card" aria-labelledby="onb-reads">
        <h2 id="onb-reads" class="card-title">{t('onbReadsTitle')}</h2>
        <p>{t('onbReadsIntro')}</p>
        <ul class="bullets">
          <li>{t('onbReadOrderNumber')}</li>
          <li>{t('onbReadTotal')}</li>
          <li>{t('onbReadCurrency')}</li>
          <li>{t('onbReadTime')}</li>
        </ul>
        <h2 class="card-title">{t('onbNeverTitle')}</h2>
        <ul class="bullets">
          <li>{t('onbNeverOtherPages')}</li>
          <li>{t('onbNeverHistory')}</li>
          <li>{t('onbNeverPersonal')}</li>
          <li>{t('onbNeverCart')}</li>
        </ul>
      </section>
      <section class="card" aria-labelledby="onb-consent">
        <h2 id="onb-consent" class="card-title">{t('onbConsentTitle')}</h2>
        <p>{t('onbConsentText')}</p>
        <p class="small"><a href="privacy.html" target="_blank" rel="noopener">{t('privacyLink')}</a></p>
        <ConsentChoice consent={consent} catalogReady={origins.length > 0} onAgree={agree} onDecline={decline} onRetryAccess={retryAccess} />
      </section>
      <section aria-labelledby="onb-account">
        <h2 id="onb-account" class="card-title">{t('onbAccountTitle')}</h2>
        {props.signedIn ? (
          <p class="ok" role="status">{t('onbSignedIn')}</p>
        ) : later ? (
          <p role="status">{t('onbLater')}</p>
        ) : (
          <SignIn onSubmit={props.bridge.signIn} onSignedIn={props.onSignedIn} onSkip={() => setLater(true)} idPrefix="onb" />
        )}
      </section>
    </main>
  );
}

interface ConsentChoiceProps {
  consent: ConsentStep;
  catalogReady: boolean;
  onAgree(): void;
  onDecline(): void;
  onRetryAccess(): void;
}

function ConsentChoice({ consent, catalogReady, onAgree, onDecline, onRetryAccess }: ConsentChoiceProps) {
  if (consent.step === 'given') {
    return (
      <div role="status">
        <p class="ok">{t('onbConsentGiven')}</p>
        {consent.access === 'granted' && <p class="small">{t('onbAccessGranted')}</p>}
        {consent.access !== 'granted' && (
          <div class="actions">
            <p class="small warn">{!catalogReady ? t('onbCatalogLoading') : consent.access === 'denied' ? t('onbAccessDenied') : t('onbAccessAsk')}</p>
            <button type="button" class="button" onClick={onRetryAccess}>{t('onbAllowAccess')}</button>
          </div>
        )}
      </div>
    );
  }
  return (
    <div>
      {consent.step === 'declined' && <p class="small" role="status">{t('onbDeclined')}</p>}
      {consent.step === 'failed' && <p class="small error" role="alert">{t('error_generic')}</p>}
      <div class="actions">
        <button type="button" class="button" onClick={onAgree}>{t('onbAgree')}</button>
        {consent.step !== 'declined' && <button type="button" class="button secondary" onClick={onDecline}>{t('onbDecline')}</button>}
      </div>
    </div>
  );
}
