/**
 * `npm run admin -- <command>`: the operator's tools, over the same service
 * functions as the API (server/operator/*), straight on the database the
 * environment names (DATABASE_URL, else PGlite in DATA_DIR). Migrates first.
 *
 * Exit codes: 0 done, 1 refused or failed (the reason on stderr), 2 usage.
 */
import { detectionHealth, DROP_RULE_TEXT, HEALTH_DAYS_EXPECTED, parseHealthDays } from '../catalog/detection-health.ts';
import { openDatabase, type Db } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { parseEnv } from '../platform/env.ts';
import { importCatalogFile, type CatalogKind, type ImportReport } from '../operator/catalog-import.ts';
import { escapeForTerminal } from './escape.ts';
import { approveClaim, listClaims, rejectClaim, type ClaimStatus } from '../operator/claims.ts';
import { importConfirmationsFile } from '../operator/confirmations.ts';
import { OperatorError } from '../operator/errors.ts';
import { ledgerVerification } from '../operator/ledger.ts';
import { formatDetectionHealth, printable } from '../operator/detection-health-report.ts';
import { showMember } from '../operator/members.ts';
import { decideHeld, listReviewQueue } from '../purchases/fraud.ts';
import { decideHeldReferral, listHeldReferrals } from '../programme/referrals.ts';
import { formatLiability, pointsLiability } from '../ledger/liability.ts';
import { LIABILITY_MONTHS_EXPECTED, parseLiabilityMonths } from '../routes/points-admin.ts';

/** The drop rule, wrapped to the usage text's right-hand column. */
const DROP_RULE_HELP = wrap(DROP_RULE_TEXT, 48).join('\n                                         ');

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

const USAGE = `Usage: npm run admin -- <command>

  partners import <file.json|file.csv>   create or update partners (all or nothing)
  offers import <file.json|file.csv>     create or update offers (all or nothing)
  rewards import <file.json|file.csv>    create or update rewards (all or nothing)
  confirmations import <partner> <file.csv>
                                         apply a partner's order report (all or nothing;
                                         importing the same file again changes nothing)
  claims list [--status open|approved|rejected]
  claims approve <claim-id>              book the claimed purchase for the member, then approve
  claims reject <claim-id> [--reason <text>]
  review list [--partner <id>]           purchases waiting for the operator, with their reason
                                         (limits tripped, contests, never vouched for by the partner),
                                         then referrals held for review (made from the referrer's
                                         own network within a day), listed by the referred member's id
  review release <purchase-id|member-id> lift the hold (or the flag); for a referral: let it earn
  review reject <purchase-id|member-id>  reject it and take its points back; for a referral: refuse
                                         it and take back a bonus already pending
  member show <email> [--method <m>]     member, tier, balance and last purchases (with
                                         --method, only those of that detection method,
                                         e.g. member-confirmed)
  detection health [--days N]            per partner and day (UTC, default the last 14):
                                         orders recorded automatically, orders the member
                                         confirmed on the page, and pages with evidence of
                                         an order but no record (reports, by reason);
                                         flags partners whose automatic rate dropped:
                                         ${DROP_RULE_HELP}
  ledger verify                          every balance against the sums of its entries
  points liability [--months N]          per month (UTC, default the last 12): points earned,
                                         spent, expired (breakage), taken back, and the
                                         outstanding available and pending points at its end

JSON files hold an array of items as the operator API takes them (PUT
/v1/admin/...), or {"partners": [...]} etc. CSV files have a header row;
empty cells are left out:

  partners:       id,name,domains,category,earn_points,earn_per,currency,hold_days,auto_confirm,secret
                  (domains separated by spaces or |; earn_points per earn_per major units;
                  hold_days and auto_confirm optional, default 30 and false)
  offers:         id,title,partner_id,kind,multiplier,bonus_points,min_amount_minor,starts_at,ends_at,tier,per_member_limit
  rewards:        id,title,kind,points_cost,partner_id,active
  confirmations:  order_id,status,amount_minor,customer_email_sha256
                  (status placed|confirmed|returned|cancelled; amount_minor is the amount that
                  stands after the report, in cents, required for placed; customer_email_sha256
                  optional: hex SHA-256 of the buyer's trimmed, lower-cased email)

Exit codes: 0 done, 1 refused or failed (reason on stderr), 2 usage.
The database is DATABASE_URL, else PGlite in DATA_DIR (default .data).`;

const COMMANDS = new Set([
  'partners import', 'offers import', 'rewards import', 'confirmations import',
  'claims list', 'claims approve', 'claims reject', 'member show', 'ledger verify', 'detection health', 'points liability',
  'review list', 'review release', 'review reject',
]);

class UsageError extends Error {}

type Out = (line: string) => void;

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
}

function parseArgs(args: readonly string[], known: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

function expectArgs(p: Parsed, count: number, what: string): string[] {
  if (p.positional.length !== count) throw new UsageError(`expected ${what}`);
  return p.positional;
}

function printImport(out: Out, kind: CatalogKind, report: ImportReport): void {
  const n = (k: keyof ImportReport) => report[k].length;
  out(`${kind}: ${n('created')} created, ${n('updated')} changed, ${n('unchanged')} unchanged`);
  for (const k of ['created', 'updated', 'unchanged'] as const) for (const id of report[k]) out(`  ${k === 'updated' ? 'changed' : k.padEnd(7)}  ${id}`);
}

async function run(db: Db, argv: readonly string[], out: Out, expiryMonths: number): Promise<number> {
  const [area, verb, ...rest] = argv;
  const now = new Date();
  switch (`${area} ${verb}`) {
    case 'partners import':
    case 'offers import':
    case 'rewards import': {
      const kind = area as CatalogKind;
      const [file] = expectArgs(parseArgs(rest, []), 1, `${kind} import <file.json|file.csv>`);
      printImport(out, kind, await importCatalogFile(db, kind, file!));
      return 0;
    }
    case 'confirmations import': {
      const [partnerId, file] = expectArgs(parseArgs(rest, []), 2, 'confirmations import <partner> <file.csv>');
      const report = await importConfirmationsFile(db, partnerId!, file!, now);
      const c = report.counts;
      if (report.alreadyImportedAt) out(`this file was already imported for ${report.partnerId} at ${report.alreadyImportedAt.toISOString()}; nothing applied`);
      out(`confirmations for ${report.partnerId}: ${report.rows.length} orders: ${c.applied} applied, ${c.unchanged} unchanged, ${c.unknown} unknown, ${c.invalid} invalid`);
      for (const r of report.rows) {
        if (r.outcome === 'unchanged') continue;
        const state = r.purchase ? ` -> ${r.purchase.status}, ${r.purchase.points} points` : '';
        out(`  line ${r.line}: ${r.orderId} ${r.status}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}${state}`);
      }
      return 0;
    }
    case 'claims list': {
      const p = parseArgs(rest, ['status']);
      expectArgs(p, 0, 'claims list [--status open|approved|rejected]');
      const status = p.flags.get('status');
      if (status !== undefined && !['open', 'approved', 'rejected'].includes(status)) throw new UsageError('--status is open, approved or rejected');
      const claims = await listClaims(db, status ? { status: status as ClaimStatus } : {});
      out(`${claims.length} claim${claims.length === 1 ? '' : 's'}${status ? ` (${status})` : ''}`);
      for (const c of claims) {
        const r = c.receipt;
        out(`  ${c.id}  ${c.status.padEnd(8)} ${c.createdAt.toISOString().slice(0, 10)}  ${c.email ?? '(erased)'}  ${r.partnerId} order ${r.orderId}  ${(r.amountMinor / 100).toFixed(2)} ${r.currency}${c.reason ? `  (${c.reason})` : ''}`);
      }
      return 0;
    }
    case 'claims approve': {
      const [id] = expectArgs(parseArgs(rest, []), 1, 'claims approve <claim-id>');
      const { booking, result } = await approveClaim(db, id!, now);
      out(`claim ${id} approved: ${booking === 'booked' ? 'purchase booked' : 'the member already had this purchase'} (${result.purchase?.status ?? '?'}, ${result.purchase?.points ?? 0} points)`);
      return 0;
    }
    case 'claims reject': {
      const p = parseArgs(rest, ['reason']);
      const [id] = expectArgs(p, 1, 'claims reject <claim-id> [--reason <text>]');
      const claim = await rejectClaim(db, id!, now, p.flags.get('reason'));
      out(`claim ${claim.id} rejected (${claim.reason})`);
      return 0;
    }
    case 'review list': {
      const p = parseArgs(rest, ['partner']);
      expectArgs(p, 0, 'review list [--partner <id>]');
      const partnerId = p.flags.get('partner');
      const queue = await listReviewQueue(db, { limit: 1000, ...(partnerId ? { partnerId } : {}) });
      out(`${queue.length} purchase${queue.length === 1 ? '' : 's'} to review`);
      // Order ids come from members: printed JSON-quoted, so no control character reaches the terminal.
      for (const q of queue) {
        out(`  ${q.purchaseId}  ${q.reason.padEnd(20)} ${q.status.padEnd(9)} ${q.createdAt.toISOString().slice(0, 10)}  ${q.partnerId}  order ${JSON.stringify(q.orderId)}  ${q.amountMinor} ${q.currency} (minor units)  member ${q.memberId}`);
      }
      // Referrals are not a partner's: the partner filter leaves them out.
      if (partnerId === undefined) {
        const referrals = await listHeldReferrals(db, { limit: 1000 });
        out(`${referrals.length} referral${referrals.length === 1 ? '' : 's'} to review`);
        for (const r of referrals) {
          const bonus = r.status === 'pending' ? `bonus pending (purchase ${r.purchaseId})` : 'no qualifying purchase yet';
          out(`  ${r.referredId}  ${r.reason.padEnd(24)} ${r.createdAt.toISOString().slice(0, 10)}  referred by ${r.referrerId}  ${bonus}`);
        }
      }
      return 0;
    }
    case 'review release':
    case 'review reject': {
      const [id] = expectArgs(parseArgs(rest, []), 1, `review ${verb} <purchase-id>`);
      const decision = verb === 'release' ? 'release' : 'reject';
      if (!/^[0-9a-f-]{36}$/i.test(id!)) throw new OperatorError(`${id} is not an id from review list`);
      if (await decideHeld(db, id!, decision, now)) out(`purchase ${id} ${decision === 'release' ? 'released' : 'rejected'}`);
      else if (await decideHeldReferral(db, id!, decision, now)) out(`referral of member ${id} ${decision === 'release' ? 'released' : 'refused'}`);
      else throw new OperatorError(`${id} is not waiting for review (no held purchase or referral has this id)`);
      return 0;
    }
    case 'member show': {
      const p = parseArgs(rest, ['method']);
      const [email] = expectArgs(p, 1, 'member show <email> [--method <m>]');
      const method = p.flags.get('method');
      const m = await showMember(db, email!, method === undefined ? {} : { method });
      out(`${m.email}  member ${m.memberNumber}  id ${m.id}  since ${m.createdAt.toISOString().slice(0, 10)}`);
      out(`tier ${m.tier}; balance: ${m.balance.available} available, ${m.balance.pending} pending, ${m.balance.lifetime} lifetime; ${m.openClaims} open claim(s)`);
      const which = method === undefined ? '' : ` with method ${printable(method)}`;
      out(m.purchases.length ? `last purchases${which}:` : `no purchases${which}`);
      for (const p of m.purchases) {
        out(`  ${p.createdAt.slice(0, 10)}  ${p.partnerId}  order ${printable(p.orderId)}  ${(p.amountMinor / 100).toFixed(2)} ${p.currency}  ${p.status}  ${p.points} points  by ${printable(p.method)}${p.reason ? ` (${p.reason})` : ''}`);
      }
      return 0;
    }
    case 'detection health': {
      const p = parseArgs(rest, ['days']);
      expectArgs(p, 0, 'detection health [--days N]');
      const days = parseHealthDays(p.flags.get('days'));
      if (days === null) throw new UsageError(`--days is ${HEALTH_DAYS_EXPECTED}`);
      for (const line of formatDetectionHealth(await detectionHealth(db, { now, days }))) out(line);
      return 0;
    }
    case 'ledger verify': {
      expectArgs(parseArgs(rest, []), 0, 'ledger verify');
      const { ok, lines } = await ledgerVerification(db);
      for (const l of lines) out(l);
      return ok ? 0 : 1;
    }
    case 'points liability': {
      const p = parseArgs(rest, ['months']);
      expectArgs(p, 0, 'points liability [--months N]');
      const months = parseLiabilityMonths(p.flags.get('months'));
      if (months === null) throw new UsageError(`--months is ${LIABILITY_MONTHS_EXPECTED}`);
      for (const line of formatLiability(await pointsLiability(db, now, months, expiryMonths))) out(line);
      return 0;
    }
    default:
      throw new UsageError(`unknown command: ${argv.slice(0, 2).join(' ')}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    (argv.length === 0 ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const command = argv.slice(0, 2).join(' ');
  if (!COMMANDS.has(command)) {
    process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
    return 2;
  }
  let db: Db | undefined;
  try {
    const env = parseEnv();
    db = await openDatabase(env);
    await migrate(db);
    return await run(db, argv, (line) => process.stdout.write(`${escapeForTerminal(line)}\n`), env.POINTS_EXPIRY_MONTHS);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    const text = err instanceof OperatorError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    // Line by line, so a stack trace keeps its lines while no message can add any.
    process.stderr.write(`${text.split('\n').map(escapeForTerminal).join('\n')}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
