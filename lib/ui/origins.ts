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
