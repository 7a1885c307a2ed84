/**
 * UUIDv7 (RFC 9562): a 48-bit Unix timestamp in milliseconds, then random
 * bits. Ids minted this way sort by creation time, which keeps the server's
 * index on purchase ids append-mostly. Small enough to write here rather than
 * add a dependency.
 */

/** Fills a byte array with random values, like `crypto.getRandomValues`. */
export type RandomFill = (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function defaultFill(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(bytes);
}

/** A new UUIDv7 for the instant `nowMs`; `fill` is injectable so tests are deterministic. */
export function uuidv7(nowMs: number = Date.now(), fill: RandomFill = defaultFill): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0 || nowMs > 0xffff_ffff_ffff) {
    throw new RangeError(`uuidv7: timestamp out of range: ${nowMs}`);
  }
  const bytes = fill(new Uint8Array(16));
  // The timestamp does not fit in 32-bit bitwise arithmetic, so split it in two.
  const high = Math.floor(nowMs / 0x1_0000_0000);
  const low = nowMs % 0x1_0000_0000;
  bytes[0] = (high >>> 8) & 0xff;
  bytes[1] = high & 0xff;
  bytes[2] = (low >>> 24) & 0xff;
  bytes[3] = (low >>> 16) & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f); // version 7
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f); // variant 10xx
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i] ?? 0];
  }
  return out;
}

/** The millisecond timestamp a UUIDv7 was minted at. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
