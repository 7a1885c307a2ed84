/**
 * Runs the extension's detectors on a saved page, for partner managers
 * onboarding a shop:
 *
 *   npm run -s detect -- --url <url> [--partner <partner.json>] [--explain] [--after-final-step] <file.html>
 *
 * Prints one JSON candidate on stdout and exits 0; prints the reason on
 * stderr and exits 1 when nothing is detected; when the page confirms an
 * order but its number or total is unclear (the member would be asked),
 * prints the choices on stderr and exits 2 (as it does, with the usage, on a
 * usage error). `--explain` prints on stderr the evidence each reader found
 * and why the verdict. The page's scripts are kept as text but never
 * executed or fetched.
 */
import { readFile } from 'node:fs/promises';
import { Partner } from '../lib/contract/index.ts';
import { describeAmbiguity, explainVerdict, judge } from '../lib/detect/index.ts';
import { parsePage } from './lib/parse-html.ts';

const USAGE = 'usage: npm run -s detect -- --url <url> [--partner <partner.json>] [--explain] [--after-final-step] <file.html>';

interface Args {
  url: URL;
  file: string;
  partnerFile?: string;
  explain: boolean;
  /** Judge the page as the one the shop's final checkout step led to in the browser. */
  afterFinalStep: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  let url: string | undefined;
  let partnerFile: string | undefined;
  const files: string[] = [];
  let explain = false;
  let afterFinalStep = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--url' || arg === '--partner') {
      const value = argv[index + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (arg === '--url') url = value;
      else partnerFile = value;
      index += 1;
    } else if (arg.startsWith('--url=')) {
      url = arg.slice('--url='.length);
    } else if (arg.startsWith('--partner=')) {
      partnerFile = arg.slice('--partner='.length);
    } else if (arg === '--explain') {
      explain = true;
    } else if (arg === '--after-final-step') {
      afterFinalStep = true;
    } else if (arg === '--') {
      continue;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  const [file, ...extra] = files;
  if (url === undefined) throw new UsageError('--url is required');
  if (file === undefined || extra.length > 0) throw new UsageError('exactly one HTML file is required');
  if (!URL.canParse(url)) throw new UsageError(`not a URL: ${url}`);
  return { url: new URL(url), file, partnerFile, explain, afterFinalStep };
}

async function readPartner(file: string): Promise<Partner> {
  const parsed = Partner.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new UsageError(`${file} is not a partner: ${parsed.error.message}`);
  return parsed.data;
}

async function main(): Promise<number> {
  // Anything a library logs goes to stderr: stdout carries exactly one JSON object.
  console.log = console.error;
  console.info = console.error;
  console.warn = console.error;
  console.debug = console.error;

  let args: Args;
  let html: string;
  let partner: Partner | undefined;
  try {
    args = parseArgs(process.argv.slice(2));
    html = await readFile(args.file, 'utf8');
    partner = args.partnerFile === undefined ? undefined : await readPartner(args.partnerFile);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }

  const verdict = judge(parsePage(html), args.url, partner, args.afterFinalStep ? { afterFinalStep: true } : undefined, { thorough: args.explain });
  if (args.explain) process.stderr.write(`${explainVerdict(verdict).join('\n')}\n`);
  if (verdict.kind === 'order') {
    const { orderId, amountMinor, currency, method } = verdict.candidate;
    process.stdout.write(`${JSON.stringify({ orderId, amountMinor, currency, method })}\n`);
    return 0;
  }
  if (verdict.kind === 'ambiguous') {
    const { orderIds, totals } = verdict.choices;
    process.stderr.write(
      `an order confirmation, but ${describeAmbiguity(verdict)}; the member would be asked to choose or correct:\n` +
        `${JSON.stringify({ reason: verdict.reason, orderIds, totals })}\n`,
    );
    return 2;
  }
  process.stderr.write(`${verdict.reason}\n`);
  return 1;
}

process.exitCode = await main();
