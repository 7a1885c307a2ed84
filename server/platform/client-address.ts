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
