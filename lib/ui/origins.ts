/**
 * The host access the onboarding and options pages ask for: the catalogue's
 * partner domains and their subdomains, on any scheme and port, and nothing
 * else.
 */
import type { Partner } from '../contract/index.ts';

export function partnerOrigins(partners: readonly Pick<Partner, 'domains'>[]): string[] {
  const origins = new Set<string>();
  for (const partner of partners) {
    for (const domain of partner.domains) {
      const host = domain.trim().toLowerCase();
      if (host === '') continue;
      origins.add(`*://${host}/*`);
      origins.add(`*://*.${host}/*`);
    }
  }
  return [...origins];
}

/**
 * The host access the Firefox build needs for the API itself: its host on any
 * port (match patterns cannot name a port). Firefox gives each installation a
 * random origin that the API cannot list for CORS; with host access the
 * background reads the API's answers without a CORS answer.
 */
export function apiHostPattern(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
