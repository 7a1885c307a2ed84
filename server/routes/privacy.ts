/**
 * GET /privacy: the privacy policy the store listings link to, in German or
 * English (`?lang=de|en`, else the browser's Accept-Language). The same text
 * ships inside the extension (lib/privacy/policy.ts).
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { privacyPolicyHtml, PRIVACY_STYLE } from '../../lib/privacy/html.ts';
import { policyLanguage } from '../../lib/privacy/policy.ts';
import type { AppEnv } from '../platform/app.ts';

/** No script, no frame, nothing fetched: the page's one inline style sheet, allowed by its hash. */
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(PRIVACY_STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export const privacy = new Hono<AppEnv>();

privacy.get('/privacy', (c) => {
  const lang = policyLanguage(c.req.query('lang') ?? c.req.header('Accept-Language'));
  c.header('Content-Security-Policy', CSP);
  c.header('Content-Language', lang);
  c.header('Vary', 'Accept-Language');
  c.header('Cache-Control', 'public, max-age=3600');
  return c.html(privacyPolicyHtml(lang));
});
