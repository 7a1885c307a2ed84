import { describe, expect, it } from 'vitest';
import { uuidv7, uuidv7Time } from '../../lib/uuid.ts';
import { PurchaseIn } from '../../lib/contract/index.ts';

describe('uuidv7', () => {
  it('carries the timestamp, version 7 and the RFC variant', () => {
    const at = Date.parse('2025-03-01T10:00:00.000Z');
    const id = uuidv7(at, (bytes) => bytes.fill(0xff));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(id)).toBe(at);
    expect(id.slice(14, 15)).toBe('7');
    expect(id.slice(19, 20)).toBe('b');
  });

  it('is accepted by the contract and sorts by time', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(PurchaseIn.shape.id.safeParse(a).success).toBe(true);
    expect(a < b).toBe(true);
    expect(uuidv7(1_700_000_000_000)).not.toBe(a);
  });

  it('refuses timestamps that do not fit 48 bits', () => {
    expect(() => uuidv7(-1)).toThrow(RangeError);
    expect(() => uuidv7(2 ** 48)).toThrow(RangeError);
  });
});
