import { useState } from 'preact/hooks';
import type { Member, Partner } from '../lib/contract/index.ts';
import type { Settings } from '../lib/db/schema.ts';
import type { SettingsPatch, UiBridge } from '../lib/ui/bridge.ts';
import { formatDateTime, t } from '../lib/ui/i18n.ts';

export type { SettingsPatch };

export interface OptionsProps {
  settings: Settings;
  member?: Member;
  partners: Partner[];
  bridge: UiBridge;
  onSaveSettings(patch: SettingsPatch): Promise<void>;
  /** Must call `browser.permissions.request` synchronously, inside the click. */
  requestHostAccess(): Promise<boolean>;
  /**
   * Firefox only: host access to a new API address, asked for inside the
   * click on Save (Firefox's random per-installation origin gets no CORS answer).
   */
  requestApiAccess?(baseUrl: string): Promise<boolean>;
  /**
   * Only in a browser with data-collection permissions (Firefox 140+):
   * `technicalAndInteraction`, which detection reports need. `request` must
   * call `browser.permissions.request` synchronously, inside the click.
   */
  technicalDataPermission?: { request(): Promise<boolean>; remove(): Promise<boolean> };
  onExport(): void;
  /** After consent, sign-out or deletion: re-read the settings. */
  onChanged(): void;
}

export function Options(props: OptionsProps) {
  return (
    <main class="page">
      <h1>{t('optionsTitle')}</h1>
      <AccountSection {...props} />
      <ConsentSection {...props} />
      <NotificationsSection {...props} />
      <DetectionReportsSection {...props} />
      <ApiSection {...props} />
      <SuggestionsSection {...props} />
      <DataSection {...props} />
    </main>
  );
}

function AccountSection({ member, bridge, onChanged }: OptionsProps) {
  const [failed, setFailed] = useState(false);
  const signOut = async () => {
    const outcome = await bridge.signOut();
    setFailed(!outcome.ok);
    onChanged();
  };
  return (
    <section class="card" aria-labelledby="opt-account">
      <h2 id="opt-account" class="card-title">{t('optAccountTitle')}</h2>
      {member ? (
        <>
          <p>{t('optSignedInAs', [member.email])}</p>
          <p class="muted small">{t('optMemberNumber', [member.memberNumber])}</p>
          <button type="button" class="button secondary" onClick={() => void signOut()}>{t('signOut')}</button>
          {failed && <p class="small error" role="alert">{t('error_generic')}</p>}
        </>
      ) : (
        <p class="muted">{t('optSignedOut')}</p>
      )}
    </section>
  );
}

function ConsentSection({ settings, bridge, requestHostAccess, onChanged }: OptionsProps) {
  const consent = settings.consent;
  const give = () => {
    // First, inside the click: the browser only grants host access from a user gesture.
    const access = requestHostAccess().catch(() => false);
    void Promise.all([access, bridge.setConsent(true)])
      .then(([granted]) => (granted ? bridge.permissionsChanged() : undefined))
      .then(onChanged);
  };
  const revoke = () => void bridge.setConsent(false).then(onChanged);
  const status =
    consent === undefined ? t('optConsentNever')
    : consent.given ? t('optConsentGiven', [formatDateTime(consent.at)])
    : t('optConsentRevoked', [formatDateTime(consent.at)]);
  return (
    <section class="card" aria-labelledby="opt-consent">
      <h2 id="opt-consent" class="card-title">{t('optConsentTitle')}</h2>
      <p class="small">{t('onbConsentText')}</p>
      <p role="status">{status}</p>
      {consent?.given ? (
        <>
          <p class="muted small">{t('optRevokeHint')}</p>
          <button type="button" class="button secondary" onClick={revoke}>{t('optRevoke')}</button>
        </>
      ) : (
        <button type="button" class="button" onClick={give}>{t('onbAgree')}</button>
      )}
    </section>
  );
}

function NotificationsSection({ settings, partners, onSaveSettings }: OptionsProps) {
  const names = new Map(partners.map((p) => [p.id, p.name]));
  const unmute = (id: string) => void onSaveSettings({ mutedShops: settings.mutedShops.filter((m) => m !== id) });
  return (
    <section class="card" aria-labelledby="opt-notifications">
      <h2 id="opt-notifications" class="card-title">{t('optNotificationsTitle')}</h2>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={settings.notifications}
          onChange={(e) => void onSaveSettings({ notifications: e.currentTarget.checked })}
        />
        <span>{t('optNotifications')}</span>
      </label>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={settings.reminders !== false}
          onChange={(e) => void onSaveSettings({ reminders: e.currentTarget.checked })}
        />
        <span>{t('optReminders')}</span>
      </label>
      <h3 class="subtitle">{t('optMutedTitle')}</h3>
      {settings.mutedShops.length === 0 ? (
        <p class="muted small">{t('optMutedNone')}</p>
      ) : (
        <ul class="list">
          {settings.mutedShops.map((id) => (
            <li key={id} class="list-item row">
              <span>{names.get(id) ?? id}</span>
              <button type="button" class="button secondary" onClick={() => unmute(id)} aria-label={t('optUnmuteShop', [names.get(id) ?? id])}>
                {t('optUnmute')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DetectionReportsSection({ settings, onSaveSettings, technicalDataPermission }: OptionsProps) {
  const [refused, setRefused] = useState(false);
  const turnOn = () => {
    // First, inside the click: Firefox asks the member only from a user gesture.
    const granted = technicalDataPermission === undefined ? Promise.resolve(true) : technicalDataPermission.request().catch(() => false);
    void granted.then((yes) => {
      // Refused: nothing is saved, and the re-render puts the switch back to off.
      setRefused(!yes);
      return yes ? onSaveSettings({ detectionReports: true }) : undefined;
    });
  };
  const turnOff = () => {
    setRefused(false);
    // Off is off whatever the browser answers: the setting stops counting and sending, and deletes the counters.
    void technicalDataPermission?.remove().catch(() => false);
    void onSaveSettings({ detectionReports: false });
  };
  return (
    <section class="card" aria-labelledby="opt-detection">
      <h2 id="opt-detection" class="card-title">{t('optDetectionTitle')}</h2>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={settings.detectionReports === true}
          aria-describedby="opt-detection-what"
          onChange={(e) => (e.currentTarget.checked ? turnOn() : turnOff())}
        />
        <span>{t('optDetectionReports')}</span>
      </label>
      <p id="opt-detection-what" class="muted small">{t('optDetectionReportsWhat')}</p>
      {refused && <p class="small" role="status">{t('optDetectionReportsRefused')}</p>}
    </section>
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function ApiSection({ settings, onSaveSettings, requestApiAccess }: OptionsProps) {
  const [value, setValue] = useState(settings.apiBaseUrl);
  const [message, setMessage] = useState<'saved' | 'invalid' | undefined>(undefined);
  const save = async (event: Event) => {
    event.preventDefault();
    const trimmed = value.trim().replace(/\/+$/, '');
    if (!isHttpUrl(trimmed)) {
      setMessage('invalid');
      return;
    }
    // Still inside the click: the browser allows the request only there. A refusal leaves the
    // address saved; the member sees the sync fail and can save again.
    if (requestApiAccess !== undefined && trimmed !== settings.apiBaseUrl) void requestApiAccess(trimmed).catch(() => false);
    await onSaveSettings({ apiBaseUrl: trimmed });
    setMessage('saved');
  };
  return (
    <form class="card" aria-labelledby="opt-api" onSubmit={save}>
      <h2 id="opt-api" class="card-title">{t('optApiTitle')}</h2>
      <label for="opt-api-url">{t('optApiUrl')}</label>
      <input id="opt-api-url" type="url" value={value} required onInput={(e) => setValue(e.currentTarget.value)} aria-describedby="opt-api-hint" />
      <p id="opt-api-hint" class="muted small">{t('optApiHint')}</p>
      <button type="submit" class="button">{t('save')}</button>
      {message === 'saved' && <p class="small ok" role="status">{t('saved')}</p>}
      {message === 'invalid' && <p class="small error" role="alert">{t('optApiInvalid')}</p>}
    </form>
  );
}

function DataSection({ bridge, onExport, onChanged }: OptionsProps) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'deleted' | 'failed'>('idle');
  const remove = async () => {
    const outcome = await bridge.deleteLocalData();
    setStep(outcome.ok ? 'deleted' : 'failed');
    onChanged();
  };
  return (
    <section class="card" aria-labelledby="opt-data">
      <h2 id="opt-data" class="card-title">{t('optDataTitle')}</h2>
      <p class="small"><a href="privacy.html" target="_blank" rel="noopener">{t('privacyLink')}</a></p>
      <p class="small">{t('optExportHint')}</p>
      <button type="button" class="button secondary" onClick={onExport}>{t('optExport')}</button>
      <p class="small">{t('optDeleteHint')}</p>
      {step === 'confirm' ? (
        <div class="confirm" role="group" aria-label={t('optDeleteConfirmLabel')}>
          <p class="small warn">{t('optDeleteQuestion')}</p>
          <div class="actions">
            <button type="button" class="button danger" onClick={() => void remove()}>{t('optDeleteConfirm')}</button>
            <button type="button" class="button secondary" onClick={() => setStep('idle')}>{t('cancel')}</button>
          </div>
        </div>
      ) : (
        <button type="button" class="button danger" onClick={() => setStep('confirm')}>{t('optDelete')}</button>
      )}
      {step === 'deleted' && <p class="small ok" role="status">{t('optDeleted')}</p>}
      {step === 'failed' && <p class="small error" role="alert">{t('error_generic')}</p>}
    </section>
  );
}

/** Personal suggestions: on unless switched off; the in-page line after a purchase follows it. */
function SuggestionsSection({ settings, onSaveSettings }: OptionsProps) {
  const on = settings.personalSuggestions !== false;
  return (
    <section class="card" aria-labelledby="opt-suggestions">
      <h2 id="opt-suggestions" class="card-title">{t('optSuggestionsTitle')}</h2>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={on}
          aria-describedby="opt-suggestions-what"
          onChange={(e) => void onSaveSettings({ personalSuggestions: e.currentTarget.checked })}
        />
        <span>{t('optSuggestions')}</span>
      </label>
      <p id="opt-suggestions-what" class="muted small">{t('optSuggestionsWhat')}</p>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={on && settings.inpageSuggestions !== false}
          disabled={!on}
          onChange={(e) => void onSaveSettings({ inpageSuggestions: e.currentTarget.checked })}
        />
        <span>{t('optSuggestionsInpage')}</span>
      </label>
    </section>
  );
}
