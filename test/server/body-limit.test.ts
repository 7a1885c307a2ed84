/**
 * The 64 KB body limit over real HTTP, as the Node adapter serves it: a body
 * whose length is declared is judged from its header, one sent in chunks
 * without a length is counted as it arrives. Either way an oversized body
 * gets 413 in the error envelope and books nothing.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../server/platform/app.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { addPartner, balanceOf, purchase, signUp } from './helpers.ts';

interface Answer {
  status: number;
  body: string;
}

describe('request body limit over HTTP (pglite)', () => {
  let server: TestServer;
  let http: ServerType;
  let port: number;
  let token: string;
  let shop: string;

  beforeAll(async () => {
    server = await startTestServer('pglite');
    shop = await addPartner(server);
    token = (await signUp(server)).token;
    await new Promise<void>((resolve) => {
      http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        port = info.port;
        resolve();
      });
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await server.close();
  });

  /** Sends `chunks` as the body of POST /v1/purchases, with a Content-Length header or chunked. */
  function post(chunks: string[], framing: 'declared' | 'chunked'): Promise<Answer> {
    const length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/purchases',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            ...(framing === 'declared' ? { 'Content-Length': String(length) } : {}),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      // The server may answer 413 and close before the whole body is sent.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  /** A batch of one purchase, padded with white space to `bytes`. */
  function paddedBatch(bytes: number): string[] {
    const json = JSON.stringify({ purchases: [purchase(shop, { amountMinor: 1000 })] });
    const padding = ' '.repeat(Math.max(0, bytes - json.length));
    // Sent in 8 KB pieces, as a slow client would.
    const whole = json.slice(0, -1) + padding + '}';
    return whole.match(/[\s\S]{1,8192}/g) ?? [];
  }

  it('books a batch sent with its length or in chunks', async () => {
    for (const framing of ['declared', 'chunked'] as const) {
      const answer = await post(paddedBatch(1000), framing);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).results[0].status).toBe('accepted');
    }
    expect((await balanceOf(server, token)).pending).toBe(20);
  });

  it('refuses a body over 64 KB with 413, whether its length is declared or not, and books nothing', async () => {
    for (const framing of ['declared', 'chunked'] as const) {
      const answer = await post(paddedBatch(MAX_BODY_BYTES + 1), framing);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
    }
    expect((await balanceOf(server, token)).pending).toBe(20);
  });
});
