/**
 * What PostgreSQL can store, checked before anything reaches it (DESIGN.md:
 * every input is stored as sent or refused with a 4xx naming the field).
 * Text: no U+0000 and no lone UTF-16 surrogate (neither is valid in a
 * PostgreSQL text value; a driver would fail or silently replace it). Times:
 * years 1 to 9999 and UTC offsets within ±15:59. Plain functions: the
 * extension may import them without zod.
 */

/** Whether a string holds NUL or a surrogate half without its partner. */
export function isUnstorableText(text: string): boolean {
  // `isWellFormed` (ES2024) finds lone surrogates; NUL is valid Unicode but not valid PostgreSQL text.
  return text.includes('\u0000') || !(text as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * The path of the first string (value or key) in a parsed JSON value that
 * PostgreSQL cannot store, e.g. `purchases.0.method`; undefined when all can be.
 */
export function unstorableTextPath(value: unknown, path: readonly (string | number)[] = []): string | undefined {
  if (typeof value === 'string') return isUnstorableText(value) ? path.join('.') || '(body)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableTextPath(value[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (isUnstorableText(key)) return [...path, '(key)'].join('.');
      const found = unstorableTextPath(inner, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const OFFSET = /(?:Z|([+-])(\d{2}):?(\d{2}))$/i;
const YEAR = /^(\d{4,})-/;

/**
 * Whether an ISO 8601 date-time (already of the right shape) is one
 * PostgreSQL's timestamptz can hold: a year from 1 to 9999 and an offset
 * within ±15:59 (JavaScript's Date accepts year 0 and +23:59; PostgreSQL
 * refuses both).
 */
export function isStorableTime(iso: string): boolean {
  const year = YEAR.exec(iso);
  if (!year || Number(year[1]) < 1 || Number(year[1]) > 9999) return false;
  const offset = OFFSET.exec(iso);
  if (offset?.[1] !== undefined && (Number(offset[2]) > 15 || Number(offset[3]) > 59)) return false;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return false;
  // The instant itself must land in years 1–9999 too (0001-01-01T00:00+01:00 is in year 0 UTC).
  const utcYear = new Date(ms).getUTCFullYear();
  return utcYear >= 1 && utcYear <= 9999;
}
