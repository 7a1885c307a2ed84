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
export const EXTENSION_ORIGIN_SHAPE = /^(chrome-extension:\/\/[a-p]{32}|safari-web-extension:\/\/[0-9A-Fa-f-]{36})$/;

export const EnvSchema = z.object({
  PORT: positiveInt(8787),
  /**
   * Loopback by default, so a server started without thought is reachable
   * from this machine only; a deployment says HOST=0.0.0.0 on purpose.
   */
  HOST: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  DATA_DIR: z._default(z.string().check(z.minLength(1)), '.data'),
  DATABASE_URL: z.optional(z.string().check(z.regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'))),
  /**
   * A streaming replica of DATABASE_URL (PostgreSQL only) for reads that may
   * be a little stale; see docs/scaling.md. PGlite ignores it.
   */
  DATABASE_READ_URL: z.optional(z.string().check(z.regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'))),
  /** A replica further behind the primary than this serves no reads until it catches up. */
  REPLICA_MAX_LAG_MS: positiveInt(2000),
  /**
   * On SIGTERM, how long `GET /ready` answers 503 while requests are still
   * served, so the load balancer takes the process out of rotation before it
   * stops accepting connections.
   */
  SHUTDOWN_DRAIN_MS: positiveInt(5000),
  /** After the drain, how long requests in flight may take before the process exits anyway (exit code 1). */
  SHUTDOWN_TIMEOUT_MS: positiveInt(20000),
  ADMIN_TOKEN: z.optional(z.string().check(z.minLength(16, 'ADMIN_TOKEN must be at least 16 characters'))),
  /**
   * Demo partners, offers, rewards and shops. Unset: on only while HOST is a
   * loopback address (see `demoMode`); `DEMO=1` turns them on anywhere.
   */
  DEMO: flag,
  /** For test harnesses and scripts: derive the demo partners' secrets from this instead of drawing them. */
  DEMO_PARTNER_SECRET: z.optional(z.string().check(z.minLength(16, 'DEMO_PARTNER_SECRET must be at least 16 characters'))),
  /**
   * Mails to members go out over SMTP, `smtp://user:pass@host:587` (STARTTLS
   * when the server offers it) or `smtps://…:465`; without it they wait in
   * the outbox (`GET /v1/admin/outbox`).
   */
  SMTP_URL: z.optional(z.string().check(z.regex(/^smtps?:\/\/[^/]/, 'an smtp:// or smtps:// URL'))),
  /** The sender of those mails. */
  MAIL_FROM: z._default(z.string().check(z.minLength(3)), 'Sammelpunkt <noreply@localhost>'),
  /** Serve `GET /metrics` to anyone; otherwise it needs `Authorization: Bearer $ADMIN_TOKEN`. */
  METRICS_PUBLIC: flag,
  LOG_LEVEL: z._default(z.enum(['silent', 'info']), 'info'),
  /**
   * How many proxies of the operator's own stand in front of the server, each
   * appending to X-Forwarded-For; 0 (the default) takes the socket's peer.
   */
  TRUST_PROXY_HOPS: positiveInt(0),
  /** Member-route requests per member (all its tokens together) per minute (ingest included). */
  RATE_LIMIT_MEMBER_PER_MIN: positiveInt(600),
  /** Login attempts per client address per minute. */
  RATE_LIMIT_LOGIN_IP_PER_MIN: positiveInt(20),
  /** Login attempts per account from one address per 15 minutes: wrong guesses elsewhere never count here. */
  RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN: positiveInt(10),
  /**
   * Login attempts per account per hour from addresses it never signed in
   * from, all together; an address the member signed in from before is
   * exempt, so the member's own devices are never locked out.
   */
  RATE_LIMIT_LOGIN_ACCOUNT_PER_HOUR: positiveInt(100),
  /** New accounts per client address per day. */
  RATE_LIMIT_REGISTER_IP_PER_DAY: positiveInt(20),
  /** Wrong operator tokens per client address per 15 minutes before `/v1/admin/*` answers 429. */
  RATE_LIMIT_ADMIN_FAILURES_PER_15MIN: positiveInt(10),
  /**
   * Operator sign-in attempts per account per hour from all addresses
   * together (docs/operators.md); beside it, the members' per-address limits
   * (RATE_LIMIT_LOGIN_IP_PER_MIN, RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN) count
   * operator sign-ins under keys of their own.
   */
  RATE_LIMIT_OPERATOR_SIGN_IN_PER_HOUR: positiveInt(30),
  /** A console session unused this many minutes ends (idle lifetime). */
  OPERATOR_SESSION_IDLE_MINUTES: positiveInt(30),
  /** A console session ends this many hours after sign-in, used or not (absolute lifetime). */
  OPERATOR_SESSION_MAX_HOURS: positiveInt(12),
  /** Mails with a code (verification, password reset) per account per day. */
  RATE_LIMIT_MAIL_PER_DAY: positiveInt(5),
  /**
   * scrypt's cost as log2(N); 17 is OWASP's minimum (N=2^17, r=8, p=1,
   * 128 MiB and about 0.3 s a hash here). Tests lower it; a stored hash of a
   * lower cost is redone at the member's next login.
   */
  SCRYPT_LOG_N: z.pipe(positiveInt(17), z.number().check(z.gte(10, 'SCRYPT_LOG_N must be 10 to 20'), z.lte(20, 'SCRYPT_LOG_N must be 10 to 20'))),
  /** A token unused this many days stops working (idle lifetime). */
  TOKEN_IDLE_DAYS: positiveInt(30),
  /** A token stops working this many days after sign-in, used or not (absolute lifetime). */
  TOKEN_MAX_DAYS: positiveInt(180),
  /** Data exports (`GET /v1/me/export`) per member per day. */
  RATE_LIMIT_EXPORT_PER_DAY: positiveInt(5),
  /** Missing-points claims per member per day. */
  RATE_LIMIT_CLAIMS_PER_DAY: positiveInt(20),
  /** Partner confirmation requests per partner per minute. */
  RATE_LIMIT_PARTNER_PER_MIN: positiveInt(600),
  /** Detection-health report requests per member per hour (the extension batches; one an hour or so is normal). */
  RATE_LIMIT_DETECTION_REPORTS_PER_HOUR: positiveInt(60),
  /**
   * Confirmed points expire at the end of the month this many months after
   * they were earned, unless spent first (docs/expiry.md); 0: never.
   */
  POINTS_EXPIRY_MONTHS: positiveInt(36),
  /** Points each of the two members gets for a referral that qualifies (docs/referrals.md). */
  REFERRAL_BONUS_POINTS: positiveInt(500),
  /**
   * The smallest confirmed purchase that earns the referral bonus, in the
   * purchase currency's major units (`10.00`: 10.00 EUR, 10.00 CHF, 10 JPY);
   * kept as hundredths of a major unit.
   */
  REFERRAL_MIN_AMOUNT: z.pipe(
    z._default(z.string().check(z.regex(/^\d{1,7}(\.\d{1,2})?$/, 'an amount such as 10.00 (major units, at most two decimals)')), '10.00'),
    z.transform((v) => {
      const [whole = '0', fraction = ''] = v.split('.');
      return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
    }),
  ),
  /** Mail domains whose addresses earn no referral bonus, comma-separated, beside the built-in list of throw-away services. */
  REFERRAL_BLOCKED_DOMAINS: z.pipe(
    z._default(z.string(), ''),
    z.transform((v) => v.split(',').map((d) => d.trim().toLowerCase()).filter((d) => d !== '')),
  ),
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

/** Whether `host` is an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Whether the demo catalogue is seeded and the demo shops served, and why:
 * explicitly on or off, else on exactly when the server listens on loopback.
 */
export function demoMode(env: Pick<Env, 'DEMO' | 'HOST'>): { on: boolean; why: string } {
  if (env.DEMO === true) return { on: true, why: 'DEMO=1' };
  if (env.DEMO === false) return { on: false, why: 'DEMO=0' };
  return isLoopback(env.HOST)
    ? { on: true, why: `listening on loopback (${env.HOST})` }
    : { on: false, why: `HOST=${env.HOST} is not a loopback address; set DEMO=1 to seed the demo partners anyway` };
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
