import { describe, expect, it } from 'vitest';
import { apiHostPattern, partnerOrigins } from '../../../lib/ui/origins.ts';

describe('the host access the extension asks for', () => {
  it('partner shops: each domain and its subdomains, nothing else', () => {
    expect(partnerOrigins([{ domains: ['Schuhhaus-Example.de', ' '] }])).toEqual(['*://schuhhaus-example.de/*', '*://*.schuhhaus-example.de/*']);
  });

  it('the API (Firefox): its scheme and host on any port, no path', () => {
    expect(apiHostPattern('http://localhost:8787')).toBe('http://localhost/*');
    expect(apiHostPattern('https://api.sammelpunkt.example/base/')).toBe('https://api.sammelpunkt.example/*');
  });
});
