/** GET /health, GET /ready and GET /openapi.json. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/platform/env.ts';
import { createApp } from '../../server/index.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';

/** DESIGN.md's contract table, written out independently of server/platform/openapi.ts. */
const CONTRACT: [method: string, path: string, auth: 'bearer' | 'none' | 'partner' | 'admin'][] = [
  ['post', '/v1/auth/register', 'none'],
  ['post', '/v1/auth/login', 'none'],
  ['post', '/v1/auth/logout', 'bearer'],
  ['post', '/v1/auth/verify-email', 'bearer'],
  ['get', '/v1/admin/outbox', 'admin'],
  ['get', '/v1/partners', 'none'],
  ['get', '/v1/offers', 'bearer'],
  ['post', '/v1/purchases', 'bearer'],
  ['get', '/v1/me', 'bearer'],
  ['get', '/v1/me/sync', 'bearer'],
  ['get', '/v1/me/transactions', 'bearer'],
  ['post', '/v1/purchases/{id}/claim', 'bearer'],
  ['get', '/v1/rewards', 'bearer'],
  ['post', '/v1/redemptions', 'bearer'],
  ['get', '/v1/me/export', 'bearer'],
  ['delete', '/v1/me', 'bearer'],
  ['post', '/v1/partner-api/confirmations', 'partner'],
  ['post', '/v1/detection-reports', 'bearer'],
  ['get', '/health', 'none'],
  ['get', '/openapi.json', 'none'],
  ['put', '/v1/admin/partners/{id}', 'admin'],
  ['put', '/v1/admin/offers/{id}', 'admin'],
  ['put', '/v1/admin/rewards/{id}', 'admin'],
];

interface Operation {
  security: Record<string, string[]>[];
  requestBody?: { content: { 'application/json': { schema: { $ref: string } } } };
  responses: Record<string, { content?: { 'application/json': { schema: { $ref: string } } } }>;
}
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, { type: string; scheme?: string }> };
}

describe.each(backends)('system routes (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  it('answers /health with 200 {"status":"ok"} without a token', async () => {
    const res = await server.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /health with 503 {"status":"unavailable"} when the database does not answer', async () => {
    const down = (): Promise<never> => Promise.reject(new Error('connection refused'));
    const brokenDb: Db = { kind: 'postgres', query: down, exec: down, transaction: down, close: async () => {} };
    const app = createApp({ db: brokenDb, env: parseEnv({ LOG_LEVEL: 'silent' }), now: () => new Date(), log: () => {} });
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });

  it('answers /health with 503 when the database hangs instead of waiting on it', async () => {
    const hang = (): Promise<never> => new Promise(() => {});
    const stuckDb: Db = { kind: 'postgres', query: hang, exec: hang, transaction: hang, close: async () => {} };
    const app = createApp({ db: stuckDb, env: parseEnv({ LOG_LEVEL: 'silent' }), now: () => new Date(), log: () => {} });
    const res = await app.request('/health');
    expect(res.status).toBe(503);
  });

  it('answers /ready with 200 while the database answers, 503 draining once shutdown has begun', async () => {
    const shutdown = { draining: false };
    const app = createApp({ ...server.deps, shutdown });
    const ready = await app.request('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(ready.headers.get('Connection')).toBeNull();
    shutdown.draining = true;
    const draining = await app.request('/ready');
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: 'draining' });
    // Liveness is not readiness: the draining process is alive and still answers.
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('Connection')).toBe('close');
  });

  it('answers /ready with 503 unavailable when the database does not answer', async () => {
    const down = (): Promise<never> => Promise.reject(new Error('connection refused'));
    const brokenDb: Db = { kind: 'postgres', query: down, exec: down, transaction: down, close: async () => {} };
    const app = createApp({ db: brokenDb, env: parseEnv({ LOG_LEVEL: 'silent' }), now: () => new Date(), log: () => {} });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });

  describe('openapi.json', () => {
    let doc: OpenApiDoc;
    beforeAll(async () => {
      const res = await server.call('GET', '/openapi.json');
      expect(res.status).toBe(200);
      doc = (await res.json()) as OpenApiDoc;
    });

    it('is an OpenAPI 3.1 document', () => {
      expect(doc.openapi).toMatch(/^3\.1\./);
    });

    it('lists every endpoint of the contract table with its security', () => {
      for (const [method, path, auth] of CONTRACT) {
        const op = doc.paths[path]?.[method];
        expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
        const schemes = op!.security.flatMap((s) => Object.keys(s));
        if (auth === 'none') expect(schemes, path).toEqual([]);
        else for (const name of schemes) expect(doc.components.securitySchemes[name], name).toBeDefined();
        if (auth === 'bearer') expect(schemes).toEqual(['bearer']);
      }
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    });

    it('describes request bodies and responses with the contract schemas, errors with the envelope', () => {
      const refName = (ref: string) => ref.replace('#/components/schemas/', '');
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const op of Object.values(methods)) {
          const refs = [
            op.requestBody?.content['application/json'].schema.$ref,
            ...Object.values(op.responses).map((r) => r.content?.['application/json'].schema.$ref),
          ].filter((r): r is string => r !== undefined);
          for (const ref of refs) expect(doc.components.schemas[refName(ref)], `${path} → ${ref}`).toBeDefined();
        }
      }
      const redeem = doc.paths['/v1/redemptions']!.post!;
      expect(refName(redeem.requestBody!.content['application/json'].schema.$ref)).toBe('RedemptionRequest');
      expect(refName(redeem.responses['201']!.content!['application/json'].schema.$ref)).toBe('RedemptionResponse');
      expect(refName(redeem.responses['409']!.content!['application/json'].schema.$ref)).toBe('ErrorEnvelope');
      expect(doc.components.schemas.ErrorEnvelope).toMatchObject({ type: 'object', required: ['error'] });
      // Request bodies are the input form: a reward's `active` has a default, so a client may leave it out.
      expect(doc.components.schemas.Reward!.required).not.toContain('active');
    });
  });
});
