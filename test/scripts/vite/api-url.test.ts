import { describe, expect, it } from 'vitest';
import { DEMO_API_BASE_URL } from '../../../lib/db/schema.ts';
import { apiTarget } from '../../../scripts/vite/api-url.ts';

describe('the API a build talks to', () => {
  it('is the demo server in a development build, WXT_API_URL in a store build', () => {
    expect(apiTarget({})).toEqual({ baseUrl: DEMO_API_BASE_URL, production: false });
    expect(apiTarget({ WXT_API_URL: ' ' })).toEqual({ baseUrl: DEMO_API_BASE_URL, production: false });
    expect(apiTarget({ WXT_API_URL: 'https://api.sammelpunkt.example/' })).toEqual({ baseUrl: 'https://api.sammelpunkt.example', production: true });
    expect(apiTarget({ WXT_API_URL: 'https://example.org/loyalty/api/' }).baseUrl).toBe('https://example.org/loyalty/api');
    expect(apiTarget({ WXT_API_URL: 'http://localhost:8787' }).baseUrl).toBe('http://localhost:8787');
  });

  it('refuses plain HTTP beyond loopback, and anything that is not a base address', () => {
    expect(() => apiTarget({ WXT_API_URL: 'http://api.sammelpunkt.example' })).toThrow(/https/);
    expect(() => apiTarget({ WXT_API_URL: 'api.sammelpunkt.example' })).toThrow(/not a URL/);
    expect(() => apiTarget({ WXT_API_URL: 'https://user:pw@api.sammelpunkt.example' })).toThrow(/credentials/);
    expect(() => apiTarget({ WXT_API_URL: 'https://api.sammelpunkt.example/?x=1' })).toThrow(/query/);
    expect(() => apiTarget({ WXT_API_URL: 'ftp://api.sammelpunkt.example' })).toThrow(/https/);
  });
});
