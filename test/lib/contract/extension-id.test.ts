import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_EXTENSION_ID, DEMO_EXTENSION_KEY, DEMO_EXTENSION_ORIGIN } from '../../../lib/contract/extension-id.ts';

// Chrome's rule: the id is the first 128 bits of SHA-256 over the key's DER bytes, hex digits 0-f written as a-p.
function chromeIdOf(base64Key: string): string {
  const hex = createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode('a'.charCodeAt(0) + Number.parseInt(digit, 16))).join('');
}

describe('the demo build identity', () => {
  it('the id the server allows by default is the one Chrome gives the demo key', () => {
    expect(chromeIdOf(DEMO_EXTENSION_KEY)).toBe(DEMO_EXTENSION_ID);
    expect(DEMO_EXTENSION_ORIGIN).toBe(`chrome-extension://${DEMO_EXTENSION_ID}`);
  });
});
