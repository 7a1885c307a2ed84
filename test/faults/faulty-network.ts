/**
 * A scripted network between the extension's sync and the real API app (in
 * process, through `app.request`). Each request draws a fault from a seeded
 * random source: the request is lost, the answer is lost after the server
 * committed, the request arrives twice, arrives late (after later ones),
 * the answer comes after the client's timeout, or the server answers 500 or
 * 429 with `Retry-After`. It can also "kill" the worker while a request is in
 * flight: the caller's promise then never settles, as if the process died.
 */
import type { FetchLike } from '../../lib/sync/http.ts';

export type Fault =
  | 'none'
  | 'drop-request'
  | 'drop-response'
  | 'duplicate'
  | 'reorder'
  | 'timeout'
  | 'error-500-before'
  | 'error-500-after'
  | 'rate-limited'
  | 'kill-before'
  | 'kill-after';

export const FAULTS: readonly Fault[] = [
  'drop-request',
  'drop-response',
  'duplicate',
  'reorder',
  'timeout',
  'error-500-before',
  'error-500-after',
  'rate-limited',
  'kill-before',
  'kill-after',
];

/** mulberry32: a small, fast, seeded PRNG; the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Handler = (path: string, init: RequestInit) => Promise<Response>;

export interface FaultyNetwork {
  fetch: FetchLike;
  /** Faults injected so far, by kind. */
  injected: Map<Fault, number>;
  /** Requests that reached the server (late deliveries and duplicates included). */
  delivered: number;
  /** Set by a `kill-*` fault; the driver restarts the worker and clears it. */
  killed: boolean;
  /** The probability of a fault per request; 0 heals the network. */
  faultRate: number;
  /** Delivers every request held back for reordering. */
  flushLate(): Promise<void>;
}

function envelope(status: number, code: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message: `scripted ${code}`, requestId: 'faulty-network' } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Settles never: the worker holding this promise is dead. */
const never = () => new Promise<Response>(() => undefined);

function abortedAfter(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
    if (!signal) return reject(new TypeError('no signal'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

export function faultyNetwork(handler: Handler, random: () => number, faultRate: number): FaultyNetwork {
  const late: { path: string; init: RequestInit }[] = [];
  const net: FaultyNetwork = {
    injected: new Map(),
    delivered: 0,
    killed: false,
    faultRate,
    fetch: async (url, init) => {
      const path = new URL(url).pathname + new URL(url).search;
      // A copy without the client's signal: the server finishes even when the client gave up.
      const serverInit: RequestInit = { method: init.method, headers: init.headers, body: init.body };
      const deliver = async () => {
        net.delivered++;
        return handler(path, serverInit);
      };
      // Late requests overtake nothing: they arrive before this one, after the ones in between.
      if (late.length > 0 && random() < 0.5) await net.flushLate();
      const fault: Fault = random() < net.faultRate ? FAULTS[Math.floor(random() * FAULTS.length)]! : 'none';
      if (fault !== 'none') net.injected.set(fault, (net.injected.get(fault) ?? 0) + 1);
      switch (fault) {
        case 'none':
          return deliver();
        case 'drop-request':
          throw new TypeError('Failed to fetch');
        case 'drop-response':
          await deliver();
          throw new TypeError('Failed to fetch');
        case 'duplicate': {
          const [first, second] = await Promise.all([deliver(), deliver()]);
          return random() < 0.5 ? first : second;
        }
        case 'reorder':
          late.push({ path, init: serverInit });
          throw new TypeError('Failed to fetch');
        case 'timeout':
          await deliver();
          return abortedAfter(init.signal);
        case 'error-500-before':
          return envelope(500, 'internal');
        case 'error-500-after':
          await deliver();
          return envelope(500, 'internal');
        case 'rate-limited':
          return envelope(429, 'rate_limited', { 'retry-after': '2' });
        case 'kill-before':
          net.killed = true;
          return never();
        case 'kill-after':
          await deliver();
          net.killed = true;
          return never();
      }
    },
    async flushLate() {
      while (late.length > 0) {
        const next = late.splice(Math.floor(random() * late.length), 1)[0]!;
        net.delivered++;
        await handler(next.path, next.init);
      }
    },
  };
  return net;
}
