/**
 * The server's settings, read from the environment once and checked by zod,
 * so a wrong value stops the start with a clear message instead of a
 * confusing failure later.
 */
import * as z from 'zod/mini';
import { DEMO_EXTENSION_ORIGIN } from '../../lib/contract/extension-id.ts';

const flag = z.pipe(
  z.optional(z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no', ''])),
  z.transform((v) => (v === undefined || v === '' ? undefined : ['1', 'true', 'on', 'yes'].includes(v))),
);
const positiveInt = (fallback: number) =>
  z.pipe(
    z._default(z.string().check(z.regex(/^\d+$/, 'a whole number')), String(fallback)),
    z.transform((v) => Number(v)),
  );

/** One extension origin: scheme and id, nothing more (no path, no wildcard). */
const EXTENSION_ORIGIN_SHAPE = /^(chrome-extension:\/\/[a-p]{32}|safari-web-extension:\/\/[0-9A-Fa-f-]{36})$/;

export const EnvSchema = z.object({
  PORT: positiveInt(8787),
  HOST: z._default(z.string(), '0.0.0.0'),
  DATA_DIR: z._default(z.string().check(z.minLength(1)), '.data'),
  DATABASE_URL: z.optional(z.string().check(z.regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'))),
  ADMIN_TOKEN: z.optional(z.string().check(z.minLength(16, 'ADMIN_TOKEN must be at least 16 characters'))),
  DEMO: flag,
  /** Serve `GET /metrics` to anyone; otherwise it needs `Authorization: Bearer $ADMIN_TOKEN`. */
  METRICS_PUBLIC: flag,
  LOG_LEVEL: z._default(z.enum(['silent', 'info']), 'info'),
  /** Member-route requests per token per minute (ingest included). */
  RATE_LIMIT_MEMBER_PER_MIN: positiveInt(600),
  /** Login attempts per IP per minute, and per account per 15 minutes. */
  RATE_LIMIT_LOGIN_IP_PER_MIN: positiveInt(20),
  RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN: positiveInt(10),
  /** Partner confirmation requests per partner per minute. */
  RATE_LIMIT_PARTNER_PER_MIN: positiveInt(600),
  /** Detection-health report requests per member per hour (the extension batches; one an hour or so is normal). */
  RATE_LIMIT_DETECTION_REPORTS_PER_HOUR: positiveInt(60),
  /**
   * The extension origins CORS answers, comma-separated, e.g.
   * `chrome-extension://<store id>`; by default the demo build's
   * (lib/contract/extension-id.ts). Firefox needs no entry: its origin is
   * random per installation, and its build reaches the API by host permission.
   */
  EXTENSION_ORIGINS: z.pipe(
    z._default(z.string(), DEMO_EXTENSION_ORIGIN),
    z.transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o !== '')),
  ).check(
    z.refine((origins) => origins.every((o) => EXTENSION_ORIGIN_SHAPE.test(o)), 'comma-separated origins such as chrome-extension://<32 letters a-p>'),
  ),
});
export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
