/**
 * The API document against outside checkers, as CI runs them:
 *
 *   npm run api:check
 *
 * Writes the OpenAPI document the server serves (`GET /openapi.json`) to
 * .output/openapi.json, then runs
 *   1. Redocly's linter (`redocly lint`, its recommended rules): 0 errors;
 *   2. Spectral with the OWASP API Security ruleset (.spectral.yaml, whose
 *      overrides are the deliberate exceptions, each with its reason):
 *      0 errors;
 *   3. the member journey (test/server/journey.test.ts) and a tour of every
 *      route (test/server/api-tour.test.ts) on PGlite, served over HTTP
 *      behind Prism's validating proxy: 0 violations in requests or answers
 *      (test/server/prism.ts).
 * Prints each checker's verdict and exits 1 when any of them fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '../server/platform/openapi.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** .spectral.yaml's overrides name the document by this path. */
const DOCUMENT = '.output/openapi.json';
const bin = (name: string) => `node_modules/.bin/${name}`;

interface Check {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const CHECKS: Check[] = [
  {
    name: 'Redocly lint',
    command: bin('redocly'),
    args: ['lint', DOCUMENT, '--format=summary'],
    // No usage report and no update check: CI has no network to spare for them.
    env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  },
  {
    name: 'Spectral, OWASP API Security ruleset',
    command: bin('spectral'),
    args: ['lint', DOCUMENT, '--ruleset', '.spectral.yaml', '--fail-severity', 'error', '--display-only-failures'],
  },
  {
    name: 'Member journey and route tour through Prism',
    command: bin('vitest'),
    // Prism takes a few seconds to start, more on a busy machine: the hooks get three minutes.
    args: ['run', 'test/server/journey.test.ts', 'test/server/api-tour.test.ts', '--hookTimeout=180000', '--testTimeout=180000'],
    // PGlite only: the journey needs no second database to prove the document.
    env: { PRISM_OPENAPI: DOCUMENT, DATABASE_URL: '' },
  },
];

function main(): number {
  mkdirSync(`${ROOT}.output`, { recursive: true });
  writeFileSync(`${ROOT}${DOCUMENT}`, `${JSON.stringify(buildOpenApi(), null, 2)}\n`);
  console.log(`Wrote ${DOCUMENT}`);
  const failed: string[] = [];
  for (const check of CHECKS) {
    console.log(`\n== ${check.name} ==`);
    const env = { ...process.env, ...check.env };
    if (env.DATABASE_URL === '') delete env.DATABASE_URL;
    const run = spawnSync(check.command, check.args, { cwd: ROOT, env, stdio: 'inherit' });
    const ok = run.status === 0;
    console.log(`${check.name}: ${ok ? 'passed' : `FAILED (exit ${run.status ?? run.signal})`}`);
    if (!ok) failed.push(check.name);
  }
  console.log(failed.length ? `\nFailed: ${failed.join(', ')}` : '\nAll three checkers agree with the document.');
  return failed.length ? 1 : 0;
}

process.exit(main());
