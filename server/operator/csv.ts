/**
 * A small RFC 4180 reader for operator files: a header row, comma-separated
 * fields, double quotes around fields that hold commas, quotes or line
 * breaks. Each record keeps the line it starts on, for error messages.
 */
import { OperatorError } from './errors.ts';

export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  values: Record<string, string>;
}

function splitRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (quoted) throw new OperatorError(`line ${start}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/**
 * Reads a CSV with a header. Columns outside `known` and missing `required`
 * columns refuse the file; a record with the wrong number of fields is an
 * error on its line. Cells are trimmed.
 */
export function parseCsv(text: string, columns: { required: readonly string[]; optional: readonly string[] }): CsvRecord[] {
  const [header, ...rows] = splitRecords(text);
  if (!header) throw new OperatorError('the file is empty; a header row is expected');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const known = new Set([...columns.required, ...columns.optional]);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new OperatorError(`line ${header.line}: unknown column(s) ${unknown.join(', ')}; expected ${[...known].join(',')}`);
  const missing = columns.required.filter((c) => !names.includes(c));
  if (missing.length) throw new OperatorError(`line ${header.line}: missing column(s) ${missing.join(', ')}`);
  const problems: string[] = [];
  const records: CsvRecord[] = [];
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      problems.push(`line ${row.line}: ${row.fields.length} fields, the header has ${names.length}`);
      continue;
    }
    const values: Record<string, string> = {};
    names.forEach((n, i) => {
      values[n] = row.fields[i]!.trim();
    });
    records.push({ line: row.line, values });
  }
  if (problems.length) throw new OperatorError(problems.join('\n'));
  return records;
}

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab
 * or carriage return before one) gets a leading apostrophe, OWASP's advice
 * for CSV injection: audit text comes partly from members and partners
 * (order ids, reasons), and the file is opened in Excel or LibreOffice.
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function quoteCell(cell: string): string {
  const safe = neutraliseFormula(cell);
  return /[",\r\n]/.test(safe) || safe !== cell ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Writes a header and rows as RFC 4180 CSV (CRLF line ends), every cell guarded against formula injection. */
export function writeCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(quoteCell).join(',')).join('\r\n') + '\r\n';
}
