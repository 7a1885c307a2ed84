/**
 * Runs the extension's detectors on a saved page, for partner managers
 * onboarding a shop:
 *
 *   npm run -s detect -- --url <url> [--partner <partner.json>] <file.html>
 *
 * Prints one JSON candidate on stdout and exits 0; prints the reason on
 * stderr and exits 1 when nothing is detected; exits 2 on a usage error.
 * The page's scripts are kept as text but never executed or fetched.
 */
import { readFile } from 'node:fs/promises';
import { Window } from 'happy-dom';
import { Partner } from '../lib/contract/index.ts';
import { detectWithReason } from '../lib/detect/index.ts';

const USAGE = 'usage: npm run -s detect -- --url <url> [--partner <partner.json>] <file.html>';

interface Args {
  url: URL;
  file: string;
  partnerFile?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  let url: string | undefined;
  let partnerFile: string | undefined;
  const files: string[] = [];
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
  return { url: new URL(url), file, partnerFile };
}

async function readPartner(file: string): Promise<Partner> {
  const parsed = Partner.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new UsageError(`${file} is not a partner: ${parsed.error.message}`);
  return parsed.data;
}

function loadPage(html: string, url: URL): Window {
  const window = new Window({
    url: url.href,
    settings: {
      enableJavaScriptEvaluation: false,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      disableComputedStyleRendering: true,
      handleDisabledFileLoadingAsSuccess: true,
      navigation: { disableMainFrameNavigation: true, disableChildFrameNavigation: true, disableChildPageNavigation: true },
    },
  });
  window.document.write(html);
  return window;
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

  const window = loadPage(html, args.url);
  try {
    const document = window.document as unknown as Document;
    const result = detectWithReason(document, args.url, partner);
    if ('candidate' in result) {
      const { orderId, amountMinor, currency, method } = result.candidate;
      process.stdout.write(`${JSON.stringify({ orderId, amountMinor, currency, method })}\n`);
      return 0;
    }
    process.stderr.write(`${result.reason}\n`);
    return 1;
  } finally {
    await window.happyDOM.abort();
    window.close();
  }
}

process.exitCode = await main();
