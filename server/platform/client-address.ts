/**
 * The client's address, for limits keyed by address. Only what a trusted
 * party wrote counts: the socket's peer, and with `TRUST_PROXY_HOPS=n` the
 * last n entries of `X-Forwarded-For`, which the operator's own proxies
 * appended. The header's first entry is whatever the client chose to send,
 * so it is never taken on its own.
 */
import type { Context } from 'hono';
import type { AppEnv } from './app.ts';

/** The peer of the TCP connection; 'local' when there is none (a test's `app.request`). */
function socketAddress(c: Context<AppEnv>): string {
  const bindings = c.env as { incoming?: { socket?: { remoteAddress?: string } }; server?: { incoming?: { socket?: { remoteAddress?: string } } } } | undefined;
  const incoming = bindings?.server?.incoming ?? bindings?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

/**
 * Behind n trusted proxies, the chain reads `client, proxy1, …, proxy(n-1)`
 * in the header and `proxy n` on the socket: the client is the nth address
 * from the right, counting the socket. A shorter chain than promised means a
 * request that bypassed a proxy; its leftmost address is the best we have.
 */
export function clientAddressFrom(socket: string, forwardedFor: string | undefined, trustedHops: number): string {
  if (trustedHops === 0) return normalise(socket);
  const chain = (forwardedFor ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  chain.push(socket);
  return normalise(chain[Math.max(0, chain.length - 1 - trustedHops)]!);
}

/** IPv4 reached over an IPv6 socket reads `::ffff:1.2.3.4`: one client, one key. */
const normalise = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase().slice(0, 64);

export function clientAddress(c: Context<AppEnv>): string {
  return clientAddressFrom(socketAddress(c), c.req.header('X-Forwarded-For'), c.get('deps').env.TRUST_PROXY_HOPS);
}

/**
 * The network an address belongs to, for rules about "the same client":
 * an IPv4 address on its own, an IPv6 address by its /64 prefix (one
 * household or one host usually holds a whole /64 and can draw any address
 * in it at will). Anything else (a test's 'local') is its own network.
 */
export function clientNetwork(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::', 2) as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (`::ffff:1.2.3.4` forms) lies beyond the /64, so its length is all that matters.
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
