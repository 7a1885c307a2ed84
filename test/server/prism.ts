/**
 * Prism's validating proxy (`@stoplight/prism-cli proxy`) in front of a test
 * server: Prism forwards every request to the app over real HTTP and checks
 * the request and the answer against the OpenAPI document, naming each
 * mismatch in an `sl-violations` header. `npm run api:check`
 * (scripts/openapi-check.ts) runs the member journey this way, by setting
 * PRISM_OPENAPI to the document it wrote; the harness then sends every call
 * through the proxy (see harness.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { freePort } from './server-process.ts';

const PRISM = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));

export interface Violation {
  location: string[];
  severity: string;
  code: string;
  message: string;
}

/** One request whose request or answer Prism found at odds with the document. */
export interface ViolatingCall {
  call: string;
  status: number;
  violations: Violation[];
}

export interface PrismProxy {
  /** Where to send requests: Prism, which forwards them to the app. */
  base: string;
  /** Every call Prism reported a violation for, in order. */
  violating: ViolatingCall[];
  /** How many calls went through Prism. */
  readonly calls: number;
  /** Sends a request through Prism and records what it reports. */
  fetch(path: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Serves `fetchHandler` on a loopback port and starts Prism in front of it, validating against `document`. */
export async function startPrismProxy(fetchHandler: (req: Request) => Response | Promise<Response>, document: string): Promise<PrismProxy> {
  const upstream = await new Promise<{ http: ServerType; port: number }>((resolve) => {
    const http = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ http, port: info.port }));
  });
  const port = await freePort();
  // No CORS of Prism's own: the answers must carry the server's headers, not Prism's.
  const child = spawn(PRISM, ['proxy', document, `http://127.0.0.1:${upstream.port}`, '-p', String(port), '-h', '127.0.0.1', '--cors=false', '--errors=false'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await listening(child);
  const base = `http://127.0.0.1:${port}`;
  const violating: ViolatingCall[] = [];
  let calls = 0;
  return {
    base,
    violating,
    get calls() {
      return calls;
    },
    async fetch(path, init) {
      calls++;
      const res = await fetch(`${base}${path}`, init);
      const reported = res.headers.get('sl-violations');
      if (reported) violating.push({ call: `${init.method ?? 'GET'} ${path}`, status: res.status, violations: JSON.parse(reported) as Violation[] });
      return res;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await new Promise<void>((resolve) => upstream.http.close(() => resolve()));
    },
  };
}

/** Resolves once Prism says it listens; rejects with its output when it exits or takes over two minutes. */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Prism did not start within 120 s:\n${output}`));
    }, 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${output}`));
    });
  });
}

/** The violations as lines a reader can act on, one per mismatch. */
export function describeViolations(violating: ViolatingCall[]): string {
  return violating
    .flatMap((v) => v.violations.map((x) => `${v.call} → ${v.status}: ${x.location.join('.')} ${x.message} (${x.code})`))
    .join('\n');
}
