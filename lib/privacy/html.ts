/**
 * The privacy policy as one HTML document, for the API's `GET /privacy`. Every
 * text is escaped; the page has no script, and its one style sheet is inline,
 * allowed by its hash in the page's Content-Security-Policy.
 */
import { PRIVACY_POLICIES, type PolicyLang, type PrivacyPolicy } from './policy.ts';

export const PRIVACY_STYLE =
  'body{font:16px/1.55 system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem;color:#1f2937;background:#fff}' +
  'h1{font-size:1.6rem;color:#0f766e}h2{font-size:1.15rem;margin-top:2rem}li{margin:.4rem 0}a{color:#0f766e}' +
  '.updated,nav{color:#4b5563;font-size:.9rem}' +
  '@media (prefers-color-scheme:dark){body{color:#e5e7eb;background:#111827}h1,a{color:#5eead4}.updated,nav{color:#9ca3af}}';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const OTHER_LANGUAGE: Record<PolicyLang, { lang: PolicyLang; label: string }> = {
  en: { lang: 'de', label: 'Deutsch' },
  de: { lang: 'en', label: 'English' },
};

export function privacyPolicyHtml(lang: PolicyLang): string {
  const policy: PrivacyPolicy = PRIVACY_POLICIES[lang];
  const other = OTHER_LANGUAGE[lang];
  const sections = policy.sections.map((section) => [
    `<h2>${escapeHtml(section.heading)}</h2>`,
    ...(section.paragraphs ?? []).map((p) => `<p>${escapeHtml(p)}</p>`),
    section.items === undefined ? '' : `<ul>${section.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`,
  ].join('\n'));
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(policy.title)}</title><style>${PRIVACY_STYLE}</style></head>`,
    '<body>',
    `<nav><a href="?lang=${other.lang}" hreflang="${other.lang}" lang="${other.lang}">${other.label}</a></nav>`,
    `<h1>${escapeHtml(policy.title)}</h1>`,
    `<p class="updated">${escapeHtml(policy.updated)}</p>`,
    ...policy.intro.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...sections,
    '</body></html>',
    '',
  ].join('\n');
}
