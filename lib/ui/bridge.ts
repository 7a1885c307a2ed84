/**
 * The UI's requests to the background, one function per message type of the
 * protocol in `lib/messages.ts`. Screens take a `UiBridge` as a prop, so tests
 * pass a fake and never need a browser.
 *
 * Only types are imported from `lib/messages.ts`: its zod schemas stay in the
 * background, out of the popup bundle (budget 20 KB gzip). Answers are checked
 * here by small guards instead; an answer that does not fit counts as a failure.
 */
import { extensionApi } from './extension-api.ts';
import type { Member, Redemption, Reward } from '../contract/index.ts';
import type { FailureCode, MessageOf, MessageType } from '../messages.ts';

/** Failure codes the screens explain (`error_<code>` in the locale files); anything else is `generic`. */
export type UiErrorCode = FailureCode;

export type SettingsPatch = Omit<MessageOf<'options:update-settings'>, 'type'>;

export type Outcome<T> = ({ ok: true } & T) | { ok: false; error: UiErrorCode };

export type AuthMode = 'login' | 'register';

export interface UiBridge {
  syncNow(): Promise<Outcome<object>>;
  signIn(mode: AuthMode, email: string, password: string): Promise<Outcome<{ member: Member }>>;
  signOut(): Promise<Outcome<object>>;
  /** Confirms the email with the mailed code. */
  verifyEmail(code: string): Promise<Outcome<{ member: Member }>>;
  resendCode(): Promise<Outcome<object>>;
  claim(purchaseId: string): Promise<Outcome<object>>;
  getRewards(): Promise<Outcome<{ rewards: Reward[] }>>;
  redeem(rewardId: string, idempotencyKey: string): Promise<Outcome<{ redemption: Redemption }>>;
  setConsent(given: boolean): Promise<Outcome<object>>;
  updateSettings(patch: SettingsPatch): Promise<Outcome<object>>;
  /** Host access was granted: the background registers the content script for the partner shops. */
  permissionsChanged(): Promise<Outcome<object>>;
  refreshCatalog(): Promise<Outcome<object>>;
  deleteLocalData(): Promise<Outcome<object>>;
}

const KNOWN_ERRORS: ReadonlySet<string> = new Set<UiErrorCode>([
  'offline', 'unauthorized', 'invalid_credentials', 'email_taken', 'insufficient_points', 'rate_limited', 'no_consent',
  'email_not_verified', 'weak_password', 'invalid_code',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function errorOf(answer: unknown): UiErrorCode {
  const code = isRecord(answer) ? answer['error'] : undefined;
  return typeof code === 'string' && KNOWN_ERRORS.has(code) ? (code as UiErrorCode) : 'generic';
}

/** Sends one message and keeps the answer only if it is `{ok: true}` and passes `fits`. */
async function request<T extends object, M extends MessageType = MessageType>(
  message: MessageOf<M>,
  fits: (answer: Record<string, unknown>) => boolean,
): Promise<Outcome<T>> {
  let answer: unknown;
  try {
    answer = await extensionApi().runtime.sendMessage(message);
  } catch {
    return { ok: false, error: 'generic' };
  }
  if (isRecord(answer) && answer['ok'] === true && fits(answer)) return answer as { ok: true } & T;
  return { ok: false, error: errorOf(answer) };
}

const anything = (): boolean => true;
const hasMember = (a: Record<string, unknown>): boolean => isRecord(a['member']) && typeof a['member']['memberNumber'] === 'string';
const hasRewards = (a: Record<string, unknown>): boolean =>
  Array.isArray(a['rewards']) && a['rewards'].every((r) => isRecord(r) && typeof r['id'] === 'string' && typeof r['pointsCost'] === 'number');
const hasRedemption = (a: Record<string, unknown>): boolean =>
  isRecord(a['redemption']) && typeof a['redemption']['status'] === 'string';

/** The bridge that talks to the real background. */
export const runtimeBridge: UiBridge = {
  syncNow: () => request({ type: 'popup:sync-now' }, anything),
  signIn: (mode, email, password) => request({ type: 'popup:sign-in', mode, email, password }, hasMember),
  signOut: () => request({ type: 'popup:sign-out' }, anything),
  verifyEmail: (code) => request({ type: 'popup:verify-email', code }, hasMember),
  resendCode: () => request({ type: 'popup:resend-code' }, anything),
  claim: (purchaseId) => request({ type: 'popup:claim', purchaseId }, anything),
  getRewards: () => request({ type: 'popup:get-rewards' }, hasRewards),
  redeem: (rewardId, idempotencyKey) => request({ type: 'popup:redeem', rewardId, idempotencyKey }, hasRedemption),
  setConsent: (given) => request({ type: 'options:set-consent', given }, anything),
  updateSettings: (patch) => request({ type: 'options:update-settings', ...patch }, anything),
  permissionsChanged: () => request({ type: 'options:permissions-changed' }, anything),
  refreshCatalog: () => request({ type: 'popup:refresh-catalog' }, anything),
  deleteLocalData: () => request({ type: 'options:delete-local-data' }, anything),
};
