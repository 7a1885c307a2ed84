/**
 * Tracking calls and assignments in inline scripts, read as data without
 * executing anything: `gtag('event', 'purchase', {…})`, `dataLayer.push({…})`,
 * `_paq.push([…])`, `AWIN.Tracking.Sale = {…}` and the like. Each call comes
 * back with the name of what was called and its arguments as plain data;
 * arguments that are code (a variable, a function) read as `undefined`.
 */
import { closingIndex, parseJsLiteral } from './js-literal.ts';

export interface ScriptCall {
  /** What was called or assigned: `gtag`, `dataLayer`, `ga`, `_gaq`, `_paq`, `fbq`, `AWIN.Tracking.Sale`, … */
  target: string;
  /** The arguments of a call; for an assignment, the one value assigned. */
  args: unknown[];
}

/** A script larger than this is a bundle, not a tracking snippet. */
const MAX_SCRIPT_LENGTH = 512 * 1024;
const MAX_CALL_LENGTH = 64 * 1024;
const MAX_CALLS = 400;

/** Calls whose arguments are read. The group names the target. */
const CALL_START = new RegExp(
  [
    '(?<dataLayer>\\b[\\w$]*[dD]ata[lL]ayer\\s*\\.\\s*push\\w*|\\b_mtm\\s*\\.\\s*push)',
    '(?<gtag>\\bgtag)',
    '(?<ga>(?<![\\w$.])(?:ga|__gaTracker))',
    '(?<_gaq>\\b_gaq\\s*\\.\\s*push)',
    '(?<_paq>\\b_paq\\s*\\.\\s*push)',
    '(?<fbq>\\bfbq)',
    '(?<uetq>\\buetq\\s*\\.\\s*push)',
    '(?<pintrk>\\bpintrk)',
    '(?<ttq>\\bttq\\s*\\.\\s*track)',
    '(?<snaptr>\\bsnaptr)',
    '(?<ire>(?<![\\w$.])ire)',
    '(?<criteo>\\bcriteo_q\\s*\\.\\s*push)',
    '(?<adcell>\\bAdcell\\s*\\.\\s*(?:Tracking\\s*\\.\\s*)?track\\w*)',
    '(?<surveyoptin>\\bsurveyoptin\\s*\\.\\s*render)',
    '(?<mbg>\\bMBG\\s*\\.\\s*addTransaction)',
    '(?<heureka>(?<![\\w$.])heureka)',
  ]
    .map((source) => `${source}\\s*\\(`)
    .join('|'),
  'g',
);

/** Assignments of an object or array literal. */
const ASSIGNMENT_START =
  /(?<target>\b[\w$]*[dD]ata[lL]ayer|\bAWIN\s*\.\s*Tracking\s*\.\s*Sale|\bcj\s*\.\s*order|\brm_trans|\bShopify\s*\.\s*checkout|\bemospro\s*\.\s*billing)\s*=\s*(?=[[{])/g;
/** `AWIN.Tracking.Sale.amount = "114.00";` — Awin's snippet sets its fields one by one. */
const AWIN_FIELD = /\bAWIN\s*\.\s*Tracking\s*\.\s*Sale\s*\.\s*(\w+)\s*=\s*/g;

/** Cheap pre-check: only scripts mentioning one of these are parsed. */
export const TRACKING_HINT =
  /['"]purchase['"]|['"]Purchase['"]|purchase['"]?\s*:|transaction_?id|transactionId|trackEcommerceOrder|addTrans|addTransaction|actionField|['"]conversion['"]|AWIN\.Tracking|cj\.order|rm_trans|Shopify\.checkout|emospro|surveyoptin|criteo_q|Adcell|ordersTrackingData|uetq|pintrk|snaptr|ttq\.track|\bire\s*\(|['"]PURCHASE['"]|CompletePayment|PlaceAnOrder|trackConversion|set_order_id/;

function parseArguments(script: string, open: number): unknown[] | null {
  const end = closingIndex(script, open, MAX_CALL_LENGTH);
  if (end === -1) return null;
  const inside = script.slice(open + 1, end - 1);
  const args = parseJsLiteral(`[${inside}]`);
  if (!Array.isArray(args)) return null;
  // `gtag('event', 'purchase', ga_ecommerce)`: a last argument that names a variable holding a literal earlier in the script.
  const named = /(?:^|,)\s*([A-Za-z_$][\w$]*)\s*$/.exec(inside)?.[1];
  if (named !== undefined && args.length > 0 && args[args.length - 1] === undefined) {
    const value = literalAssignedTo(script, named, open);
    if (value !== undefined) args[args.length - 1] = value;
  }
  return args;
}

/**
 * The object literal last assigned to the variable `name` before `before`
 * (`let ga_ecommerce = {…};`, `var order = {…}`), parsed as data; undefined
 * when there is none. Assignments to a property (`x.name = …`) do not count.
 */
function literalAssignedTo(script: string, name: string, before: number): unknown {
  if (name === 'undefined' || name === 'arguments') return undefined;
  const escaped = name.replace(/\$/g, '\\$');
  const assignment = new RegExp(`(?<![\\w$.])${escaped}\\s*=\\s*(?=\\{)`, 'g');
  let open = -1;
  for (const match of script.slice(0, before).matchAll(assignment)) open = match.index + match[0].length;
  if (open === -1) return undefined;
  const end = closingIndex(script, open, MAX_CALL_LENGTH);
  return end === -1 ? undefined : parseJsLiteral(script.slice(open, end));
}

function normalizeTarget(raw: string): string {
  return raw.replace(/\s+/g, '');
}

/** Every tracking call and assignment in one script, in source order. */
export function scriptCalls(script: string): ScriptCall[] {
  if (script.length > MAX_SCRIPT_LENGTH || !TRACKING_HINT.test(script)) return [];
  const found: Array<ScriptCall & { at: number }> = [];
  for (const match of script.matchAll(CALL_START)) {
    if (found.length >= MAX_CALLS) break;
    const groups = match.groups ?? {};
    const target = Object.keys(groups).find((name) => groups[name] !== undefined) ?? '';
    const args = parseArguments(script, match.index + match[0].length - 1);
    if (args !== null) found.push({ target, args, at: match.index });
  }
  for (const match of script.matchAll(ASSIGNMENT_START)) {
    if (found.length >= MAX_CALLS) break;
    const open = match.index + match[0].length;
    const end = closingIndex(script, open, MAX_CALL_LENGTH);
    if (end === -1) continue;
    const value = parseJsLiteral(script.slice(open, end));
    if (value === undefined) continue;
    const target = normalizeTarget(match.groups?.target ?? '');
    // `dataLayer = [{…}, {…}]` is a list of pushes.
    if (/[dD]ata[lL]ayer$/.test(target) && Array.isArray(value)) found.push(...value.map((entry) => ({ target: 'dataLayer', args: [entry], at: match.index })));
    else found.push({ target, args: [value], at: match.index });
  }
  const awinFields: Record<string, unknown> = {};
  for (const match of script.matchAll(AWIN_FIELD)) {
    const [, field] = match;
    if (field === undefined) continue;
    const value = parseJsLiteral(script, match.index + match[0].length);
    if (value !== undefined) awinFields[field] = value;
  }
  if (Object.keys(awinFields).length > 0) found.push({ target: 'AWIN.Tracking.Sale', args: [awinFields], at: script.length });
  return found.sort((a, b) => a.at - b.at).map(({ target, args }) => ({ target, args }));
}

/**
 * Object literals that hold `key` (e.g. `ordersTrackingData`, or
 * `transaction_id` for a shop's own push function): the innermost object
 * around each occurrence, parsed as data, with the text just before it (for
 * telling a `purchase` from a `refund`).
 */
export function objectsAround(script: string, key: string, limit = 5): Array<{ value: Record<string, unknown>; before: string }> {
  const found: Array<{ value: Record<string, unknown>; before: string }> = [];
  if (script.length > MAX_SCRIPT_LENGTH) return found;
  let from = 0;
  while (found.length < limit) {
    const at = script.indexOf(key, from);
    if (at === -1) break;
    from = at + key.length;
    let open = script.lastIndexOf('{', at);
    for (let tries = 0; open !== -1 && tries < 6 && at - open < MAX_CALL_LENGTH; tries += 1) {
      const end = closingIndex(script, open, MAX_CALL_LENGTH);
      if (end > at) {
        const value = parseJsLiteral(script.slice(open, end));
        const before = script.slice(Math.max(0, open - 160), open);
        // An object inside a key no reader honours (`{"__proto__": {…}}`) is not data of the page.
        const forbidden = /(?:__proto__|constructor|prototype)['"]?\s*:\s*[{[]/.test(before);
        if (!forbidden && typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)) {
          found.push({ value: value as Record<string, unknown>, before });
          from = Math.max(from, end);
        }
        break;
      }
      open = script.lastIndexOf('{', open - 1);
    }
  }
  return found;
}
