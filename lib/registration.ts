/**
 * Run-time registration of the detector, for exactly the catalogue's
 * partner domains to which the member granted host access, and only after
 * the member agreed to order detection. Pages outside the catalogue never
 * run any of the extension's code.
 *
 * One script is registered, the detector (isolated world). Nothing is
 * registered in the page's MAIN world: what the page's own scripts hold is
 * read on demand by the background (`scripting.executeScript` with
 * `readPageData`), so no script of ours sits in the page's world for its
 * whole life. The GA4 reader that earlier versions registered there is
 * removed where it is still registered.
 *
 * `browser.scripting` and `browser.permissions` are passed in, so tests can
 * hand in recording fakes.
 */
import type { Partner } from './contract/index.ts';

export const CONTENT_SCRIPT_ID = 'sammelpunkt-detect';
/** The MAIN-world GA4 reader of earlier versions; registrations persist across updates, so it is cleaned up. */
export const LEGACY_GA4_SCRIPT_ID = 'sammelpunkt-ga4-main';
const OUR_IDS = [CONTENT_SCRIPT_ID, LEGACY_GA4_SCRIPT_ID];

/** The fields of `scripting.RegisteredContentScript` used here. */
export interface ContentScriptRegistration {
  id: string;
  matches?: string[];
  js?: string[];
  runAt?: 'document_start' | 'document_end' | 'document_idle';
  world?: 'ISOLATED' | 'MAIN';
  allFrames?: boolean;
  persistAcrossSessions?: boolean;
}

export interface ScriptingLike {
  registerContentScripts(scripts: ContentScriptRegistration[]): Promise<unknown>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<unknown>;
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<ContentScriptRegistration[]>;
}

export interface PermissionsLike {
  contains(permissions: { origins: string[] }): Promise<boolean>;
}

/** The built scripts' paths inside the extension. */
export interface ScriptFiles {
  content: string;
}

export const DEFAULT_SCRIPT_FILES: ScriptFiles = {
  content: '/detector.js',
};

/** The match patterns for a partner domain: the domain itself and every subdomain, any scheme. */
export function originsForDomain(domain: string): string[] {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  return [`*://${d}/*`, `*://*.${d}/*`];
}

function catalogueDomains(partners: readonly Pick<Partner, 'domains'>[]): string[] {
  const domains = new Set<string>();
  for (const partner of partners) {
    for (const domain of partner.domains) domains.add(domain.trim().toLowerCase().replace(/\.$/, ''));
  }
  return [...domains].sort();
}

/**
 * The host permissions to request for these partners (for
 * `browser.permissions.request({origins})` on the onboarding page).
 */
export function hostPermissionOrigins(partners: readonly Pick<Partner, 'domains'>[]): string[] {
  return catalogueDomains(partners).flatMap(originsForDomain);
}

/** The catalogue's domains for which the member has granted host access. */
export async function grantedDomains(
  partners: readonly Pick<Partner, 'domains'>[],
  permissions: PermissionsLike,
): Promise<string[]> {
  const domains = catalogueDomains(partners);
  const granted = await Promise.all(domains.map((d) => permissions.contains({ origins: originsForDomain(d) })));
  return domains.filter((_, i) => granted[i] === true);
}

export interface RegistrationInput {
  scripting: ScriptingLike;
  permissions: PermissionsLike;
  partners: readonly Pick<Partner, 'domains'>[];
  consentGiven: boolean;
  files?: ScriptFiles;
}

export interface RegistrationResult {
  /** The domains the detector now runs on (empty when nothing is registered). */
  domains: string[];
  /** False when the registration already matched and nothing was touched. */
  changed: boolean;
}

/** Chrome reports registered file paths without their leading slash. */
const withoutLeadingSlash = (path: string) => path.replace(/^\/+/, '');

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  const sorted = [...a].sort();
  return sorted.every((value, i) => value === b[i]);
}

function sameFiles(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return sameList(a?.map(withoutLeadingSlash), b.map(withoutLeadingSlash));
}

async function unregisterOurs(scripting: ScriptingLike, present: ContentScriptRegistration[]): Promise<void> {
  // Chrome refuses to unregister an id that is not registered, so name only the present ones.
  const ids = present.map((s) => s.id).filter((id) => OUR_IDS.includes(id));
  if (ids.length > 0) await scripting.unregisterContentScripts({ ids });
}

/**
 * Brings the registered content scripts in line with consent, catalogue and
 * granted host access. Safe to call at every startup and after every change.
 */
export async function syncRegistration(input: RegistrationInput): Promise<RegistrationResult> {
  const { scripting } = input;
  const files = input.files ?? DEFAULT_SCRIPT_FILES;
  const present = await scripting.getRegisteredContentScripts({ ids: OUR_IDS });
  const domains = input.consentGiven ? await grantedDomains(input.partners, input.permissions) : [];
  if (domains.length === 0) {
    await unregisterOurs(scripting, present);
    return { domains: [], changed: present.length > 0 };
  }

  const matches = domains.flatMap(originsForDomain).sort();
  const content = present.find((s) => s.id === CONTENT_SCRIPT_ID);
  const onlyOurs = present.every((s) => s.id === CONTENT_SCRIPT_ID);
  if (onlyOurs && content !== undefined && sameList(content.matches, matches) && sameFiles(content.js, [files.content])) {
    return { domains, changed: false };
  }

  await unregisterOurs(scripting, present);
  await scripting.registerContentScripts([
    { id: CONTENT_SCRIPT_ID, matches, js: [files.content], runAt: 'document_idle', allFrames: false },
  ]);
  return { domains, changed: true };
}
