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
import { parseEnv, type Env } from '../platform/env.ts';
import { formatOf, readOperatorFile, type CatalogKind, type ImportReport } from '../operator/catalog-import.ts';
import { escapeForTerminal } from './escape.ts';
import { listClaims, type ClaimStatus } from '../operator/claims.ts';
import { OperatorError } from '../operator/errors.ts';
import { ledgerVerification } from '../operator/ledger.ts';
import { formatDetectionHealth, printable } from '../operator/detection-health-report.ts';
import { showMember } from '../operator/members.ts';
import { formatLiability, pointsLiability } from '../ledger/liability.ts';
import { LIABILITY_MONTHS_EXPECTED, parseLiabilityMonths } from '../routes/points-admin.ts';
import { listReviewQueue } from '../purchases/fraud.ts';
import { listHeldReferrals } from '../programme/referrals.ts';
import { OPERATOR_ROLES, OperatorRole } from '../../lib/contract/console.ts';
import { findOperator, listOperators, OperatorRefusal } from '../accounts/operators.ts';
import { AUDIT_CSV_COLUMNS, auditCsv, cliActor, listAudit, type AuditFilter } from '../operator/audit.ts';
import {
  type ActionContext,
  addOperatorAudited,
  approveClaimAudited,
  decideReviewAudited,
  importCatalogAudited,
  importConfirmationsAudited,
  rejectClaimAudited,
  upsertMissionAudited,
  updateOperatorAudited,
} from '../operator/audited.ts';
import { readPassword } from './password-prompt.ts';
import { Mission } from '../../lib/contract/index.ts';
import { listMissions } from '../programme/missions.ts';

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
  missions import <file.json>            create or update missions (all or nothing; see docs/missions.md)
  missions list                          every mission, its window and rule, and how many members
                                         hold its bonus or had it taken back
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
  operator add <email> <role>            a console account (role viewer, reviewer, partner-manager
                                         or admin); the first password is read from stdin (typed
                                         unechoed at a terminal, or the first line piped in from
                                         a secret store), never from the command line
  operator list                          the operator accounts, their roles, active or disabled
  operator role <email> <role>           change an operator's role
  operator disable <email>               end the operator's sessions; no more sign-in
  operator enable <email>                let a disabled operator sign in again
  audit [--action A] [--actor X] [--target-type T] [--target-id I] [--since ISO] [--limit N] [--csv]
                                         the audit log, newest first (default 50 entries; --csv
                                         writes CSV as GET /v1/admin/audit.csv does). Every change
                                         made here is logged as cli:<system user>

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
  'partners import', 'offers import', 'rewards import', 'confirmations import', 'missions import', 'missions list',
  'claims list', 'claims approve', 'claims reject', 'member show', 'ledger verify', 'detection health', 'points liability',
  'review list', 'review release', 'review reject',
  'operator add', 'operator list', 'operator role', 'operator disable', 'operator enable', 'audit',
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

async function run(db: Db, env: Env, argv: readonly string[], out: Out): Promise<number> {
  if (argv[0] === 'audit') return audit(db, argv.slice(1), out);
  const [area, verb, ...rest] = argv;
  const now = new Date();
  const ctx: ActionContext = { actor: cliActor(), now };
  switch (`${area} ${verb}`) {
    case 'partners import':
    case 'offers import':
    case 'rewards import': {
      const kind = area as CatalogKind;
      const [file] = expectArgs(parseArgs(rest, []), 1, `${kind} import <file.json|file.csv>`);
      const format = formatOf(file!);
      printImport(out, kind, await importCatalogAudited(db, ctx, kind, await readOperatorFile(file!), format));
      return 0;
    }
    case 'missions import': {
      const [file] = expectArgs(parseArgs(rest, []), 1, 'missions import <file.json>');
      if (formatOf(file!) !== 'json') throw new OperatorError(`${file}: missions are imported from JSON`);
      const missions = parseMissions(file!, await readOperatorFile(file!));
      const outcomes = await db.transaction(async (tx) => {
        const done: string[] = [];
        for (const m of missions) done.push(`${(await upsertMissionAudited(tx, ctx, m)).outcome.padEnd(9)} ${m.id}`);
        return done;
      });
      out(`missions: ${missions.length} imported`);
      for (const line of outcomes) out(`  ${line}`);
      return 0;
    }
    case 'missions list': {
      expectArgs(parseArgs(rest, []), 0, 'missions list');
      const missions = await listMissions(db);
      out(`${missions.length} mission${missions.length === 1 ? '' : 's'}`);
      for (const { mission: m, completed, revoked } of missions) {
        out(`  ${escapeForTerminal(m.id)}  ${m.active ? 'active  ' : 'inactive'}  ${m.startsAt} .. ${m.endsAt}  +${m.bonusPoints}  ${escapeForTerminal(JSON.stringify(m.rule))}`);
        out(`      ${escapeForTerminal(m.title.en)}: ${completed} completed, ${revoked} taken back`);
      }
      return 0;
    }
    case 'confirmations import': {
      const [partnerId, file] = expectArgs(parseArgs(rest, []), 2, 'confirmations import <partner> <file.csv>');
      const report = await importConfirmationsAudited(db, ctx, partnerId!, await readOperatorFile(file!));
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
      const { booking, result } = await approveClaimAudited(db, ctx, id!);
      out(`claim ${id} approved: ${booking === 'booked' ? 'purchase booked' : 'the member already had this purchase'} (${result.purchase?.status ?? '?'}, ${result.purchase?.points ?? 0} points)`);
      return 0;
    }
    case 'claims reject': {
      const p = parseArgs(rest, ['reason']);
      const [id] = expectArgs(p, 1, 'claims reject <claim-id> [--reason <text>]');
      const claim = await rejectClaimAudited(db, ctx, id!, p.flags.get('reason'));
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
      const kind = await decideReviewAudited(db, ctx, id!, decision);
      if (kind === 'purchase') out(`purchase ${id} ${decision === 'release' ? 'released' : 'rejected'}`);
      else out(`referral of member ${id} ${decision === 'release' ? 'released' : 'refused'}`);
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
      for (const line of formatLiability(await pointsLiability(db, now, months, env.POINTS_EXPIRY_MONTHS))) out(line);
      return 0;
    }
    case 'operator add': {
      const [email, role] = expectArgs(parseArgs(rest, []), 2, 'operator add <email> <role>');
      const parsedRole = roleArg(role!);
      const password = await readPassword(`Password for ${email}: `);
      const operator = await addOperatorAudited(db, ctx, { email: email!, role: parsedRole, password }, env.SCRYPT_LOG_N);
      out(`operator ${operator.email} added as ${operator.role} (id ${operator.id}); it can sign in to the console now`);
      return 0;
    }
    case 'operator list': {
      expectArgs(parseArgs(rest, []), 0, 'operator list');
      const operators = await listOperators(db);
      out(`${operators.length} operator${operators.length === 1 ? '' : 's'}`);
      for (const o of operators) out(`  ${o.email.padEnd(32)} ${o.role.padEnd(16)} ${o.active ? 'active' : 'disabled'}  since ${o.createdAt.slice(0, 10)}  id ${o.id}`);
      return 0;
    }
    case 'operator role':
    case 'operator disable':
    case 'operator enable': {
      const p = parseArgs(rest, []);
      const [email, role] = verb === 'role' ? expectArgs(p, 2, 'operator role <email> <role>') : expectArgs(p, 1, `operator ${verb} <email>`);
      const operator = await findOperator(db, { email: email! });
      if (!operator) throw new OperatorError(`No operator with the email ${email}`);
      const change = { role: verb === 'role' ? roleArg(role!) : operator.role, active: verb === 'role' ? operator.active : verb === 'enable' };
      const after = await updateOperatorAudited(db, ctx, operator.id, change);
      out(`operator ${after.email}: ${after.role}, ${after.active ? 'active' : 'disabled'}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command: ${argv.slice(0, 2).join(' ')}`);
  }
}

function roleArg(role: string): OperatorRole {
  const parsed = OperatorRole.safeParse(role);
  if (!parsed.success) throw new UsageError(`the role is one of ${OPERATOR_ROLES.join(', ')}`);
  return parsed.data;
}

async function audit(db: Db, args: readonly string[], out: Out): Promise<number> {
  const csv = args.includes('--csv');
  const p = parseArgs(args.filter((a) => a !== '--csv'), ['action', 'actor', 'target-type', 'target-id', 'since', 'limit']);
  expectArgs(p, 0, 'audit [--action A] [--actor X] [--target-type T] [--target-id I] [--since ISO] [--limit N] [--csv]');
  const limitText = p.flags.get('limit') ?? '50';
  if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1) throw new UsageError('--limit is a whole number from 1');
  const since = p.flags.get('since');
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw new UsageError('--since is a time such as 2026-12-01 or 2026-12-01T08:00:00Z');
  const filter: AuditFilter = {
    ...(p.flags.has('action') ? { action: p.flags.get('action')! } : {}),
    ...(p.flags.has('actor') ? { actor: p.flags.get('actor')! } : {}),
    ...(p.flags.has('target-type') ? { targetType: p.flags.get('target-type')! } : {}),
    ...(p.flags.has('target-id') ? { targetId: p.flags.get('target-id')! } : {}),
    ...(since !== undefined ? { from: new Date(since) } : {}),
  };
  const { entries } = await listAudit(db, filter, { limit: Number(limitText) });
  if (csv) {
    // The CSV goes out as it is: its cells are quoted and guarded against formulas, and a terminal escape would change the file.
    process.stdout.write(auditCsv(entries));
    return 0;
  }
  out(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first (columns as in the CSV: ${AUDIT_CSV_COLUMNS.join(', ')})`);
  for (const e of entries) {
    out(`  ${e.id}  ${e.at}  ${e.actor}  ${e.action}  ${e.targetType} ${JSON.stringify(e.targetId)}`);
    if (e.before !== null) out(`      before ${JSON.stringify(e.before)}`);
    if (e.after !== null) out(`      after  ${JSON.stringify(e.after)}`);
  }
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    (argv.length === 0 ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const command = argv[0] === 'audit' ? 'audit' : argv.slice(0, 2).join(' ');
  if (!COMMANDS.has(command)) {
    process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
    return 2;
  }
  let db: Db | undefined;
  try {
    const env = parseEnv();
    db = await openDatabase(env);
    await migrate(db);
    return await run(db, env, argv, (line) => process.stdout.write(`${escapeForTerminal(line)}\n`));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    const text = err instanceof OperatorError || err instanceof OperatorRefusal ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    // Line by line, so a stack trace keeps its lines while no message can add any.
    process.stderr.write(`${text.split('\n').map(escapeForTerminal).join('\n')}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));

/** A missions file: an array of missions as `PUT /v1/admin/missions/:id` takes them, or `{"missions": [...]}`; every one must pass. */
function parseMissions(file: string, text: string): Mission[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new OperatorError(`${file}: not JSON`);
  }
  const items = Array.isArray(data) ? data : (data as { missions?: unknown } | null)?.missions;
  if (!Array.isArray(items) || items.length === 0) throw new OperatorError(`${file}: expected an array of missions, or {"missions": [...]}`);
  const problems: string[] = [];
  const missions: Mission[] = [];
  items.forEach((item, i) => {
    const parsed = Mission.safeParse(item);
    if (parsed.success) missions.push(parsed.data);
    else problems.push(`  item ${i + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(mission)'}: ${issue.message}`).join('; ')}`);
  });
  if (problems.length) throw new OperatorError(`missions file refused, nothing was imported:\n${problems.join('\n')}`);
  return missions;
}
