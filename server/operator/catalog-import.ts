/**
 * `admin partners|offers|rewards import <file>`: the catalogue from a JSON or
 * CSV file, validated with the contract's schemas and written by the same
 * upserts as the operator API. A file is all or nothing: every item is
 * checked before anything is written, and all of it is written in one
 * transaction, so a bad row anywhere leaves the catalogue as it was.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as z from 'zod/mini';
import { Offer, PartnerInput, Reward } from '../../lib/contract/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { ApiError, describeIssues } from '../platform/http.ts';
import { KNOWN_CURRENCIES } from '../../lib/contract/currency.ts';
import { upsertOffer, upsertPartner, upsertReward, type UpsertOutcome } from '../catalog/upserts.ts';
import { parseCsv, type CsvRecord } from './csv.ts';
import { OperatorError } from './errors.ts';

export type CatalogKind = 'partners' | 'offers' | 'rewards';

export type ImportReport = Record<UpsertOutcome, string[]>;

/** CSV columns per kind, in the order the help shows them. Empty cells are left out of the item. */
export const CSV_COLUMNS: Record<CatalogKind, { required: readonly string[]; optional: readonly string[] }> = {
  partners: {
    required: ['id', 'name', 'domains', 'category', 'earn_points', 'earn_per', 'currency', 'secret'],
    optional: ['hold_days', 'auto_confirm'],
  },
  offers: {
    required: ['id', 'title', 'kind', 'starts_at', 'ends_at'],
    optional: ['partner_id', 'multiplier', 'bonus_points', 'min_amount_minor', 'tier', 'per_member_limit'],
  },
  rewards: {
    required: ['id', 'title', 'kind', 'points_cost'],
    optional: ['partner_id', 'active'],
  },
};

/** Reads CSV cells into typed values, collecting what is wrong instead of stopping at the first. */
class CellReader {
  readonly problems: string[] = [];
  constructor(private readonly rec: CsvRecord) {}

  text(name: string): string | undefined {
    const v = this.rec.values[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string): number | undefined {
    const v = this.text(name);
    if (v === undefined) return undefined;
    if (/^-?\d{1,15}$/.test(v)) return Number(v);
    this.problems.push(`${name}: "${v}" is not a whole number`);
    return undefined;
  }

  decimal(name: string): number | undefined {
    const v = this.text(name);
    if (v === undefined) return undefined;
    if (/^-?\d{1,9}(\.\d{1,6})?$/.test(v)) return Number(v);
    this.problems.push(`${name}: "${v}" is not a number`);
    return undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.text(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if (['true', 'yes', '1'].includes(v)) return true;
    if (['false', 'no', '0'].includes(v)) return false;
    this.problems.push(`${name}: "${v}" is not true or false`);
    return undefined;
  }
}

/** Leaves out undefined values, so zod's defaults and optionals apply. */
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function itemFromCsv(kind: CatalogKind, r: CellReader): Record<string, unknown> {
  switch (kind) {
    case 'partners':
      return compact({
        id: r.text('id'),
        name: r.text('name'),
        domains: (r.text('domains') ?? '').split(/[\s|]+/).filter(Boolean),
        category: r.text('category'),
        earn: { points: r.int('earn_points'), per: r.int('earn_per') },
        currency: r.text('currency'),
        holdDays: r.int('hold_days'),
        autoConfirm: r.bool('auto_confirm'),
        secret: r.text('secret'),
      });
    case 'offers':
      return compact({
        id: r.text('id'),
        title: r.text('title'),
        partnerId: r.text('partner_id'),
        kind: r.text('kind'),
        multiplier: r.decimal('multiplier'),
        bonusPoints: r.int('bonus_points'),
        minAmountMinor: r.int('min_amount_minor'),
        startsAt: r.text('starts_at'),
        endsAt: r.text('ends_at'),
        tier: r.text('tier'),
        perMemberLimit: r.int('per_member_limit'),
      });
    case 'rewards':
      return compact({
        id: r.text('id'),
        title: r.text('title'),
        kind: r.text('kind'),
        pointsCost: r.int('points_cost'),
        partnerId: r.text('partner_id'),
        active: r.bool('active'),
      });
  }
}

type Item = { kind: 'partners'; value: z.infer<typeof PartnerInput> } | { kind: 'offers'; value: Offer } | { kind: 'rewards'; value: Reward };

interface Located {
  /** `line 4` for a CSV row, `item 2` for a JSON element. */
  where: string;
  raw: unknown;
  /** Cells that could not be read (a bad number); the schema's findings are added to these. */
  cellProblems?: string[];
}

function validate(kind: CatalogKind, located: readonly Located[]): { where: string; item: Item }[] {
  const problems: string[] = [];
  const items: { where: string; item: Item }[] = [];
  const seen = new Map<string, string>();
  for (const { where, raw, cellProblems = [] } of located) {
    const item = parseItem(kind, raw);
    if ('error' in item || cellProblems.length) {
      problems.push(`${where}: ${[...cellProblems, ...('error' in item ? [item.error] : [])].join('; ')}`);
      continue;
    }
    const id = item.value.id;
    const first = seen.get(id);
    if (first) problems.push(`${where}: id "${id}" appears again (first at ${first})`);
    else seen.set(id, where);
    items.push({ where, item });
  }
  if (problems.length) throw new OperatorError(`${kind} file refused, nothing was imported:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return items;
}

function parseItem(kind: CatalogKind, raw: unknown): Item | { error: string } {
  switch (kind) {
    case 'partners': {
      const p = PartnerInput.safeParse(raw);
      if (!p.success) return { error: describeIssues(p.error) };
      if (!KNOWN_CURRENCIES.has(p.data.currency)) return { error: `currency: ${p.data.currency} is not an ISO 4217 code` };
      return { kind, value: p.data };
    }
    case 'offers': {
      const p = Offer.safeParse(raw);
      return p.success ? { kind, value: p.data } : { error: describeIssues(p.error) };
    }
    case 'rewards': {
      const p = Reward.safeParse(raw);
      return p.success ? { kind, value: p.data } : { error: describeIssues(p.error) };
    }
  }
}

function locateJson(kind: CatalogKind, text: string): Located[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OperatorError(`the file is not valid JSON: ${(err as Error).message}`);
  }
  // Either a bare array, or the shape the API lists it in ({"partners": [...]}).
  const list = Array.isArray(json) ? json : typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[kind] : undefined;
  if (!Array.isArray(list)) throw new OperatorError(`expected a JSON array of ${kind}, or {"${kind}": [...]}`);
  return list.map((raw, i) => ({ where: `item ${i + 1}`, raw }));
}

function locateCsv(kind: CatalogKind, text: string): Located[] {
  return parseCsv(text, CSV_COLUMNS[kind]).map((rec) => {
    const cells = new CellReader(rec);
    const raw = itemFromCsv(kind, cells);
    return { where: `line ${rec.line}`, raw, cellProblems: cells.problems };
  });
}

async function upsert(db: Parameters<typeof upsertPartner>[0], item: Item): Promise<UpsertOutcome> {
  switch (item.kind) {
    case 'partners':
      return (await upsertPartner(db, item.value)).outcome;
    case 'offers':
      return (await upsertOffer(db, item.value)).outcome;
    case 'rewards':
      return (await upsertReward(db, item.value)).outcome;
  }
}

/**
 * How an import writes: each item's upsert (by default the plain one), and a
 * last step in the same transaction; the audited import (audited.ts) logs
 * each changed item and the import through them.
 */
export interface ImportHooks {
  upsert(tx: Queryable, item: PartnerInput | Offer | Reward): Promise<{ outcome: UpsertOutcome }>;
  finish?(tx: Queryable, report: ImportReport): Promise<void>;
}

/** Imports catalogue items from the text of a file; `format` from its extension. */
export async function importCatalog(db: Db, kind: CatalogKind, text: string, format: 'json' | 'csv', hooks?: ImportHooks): Promise<ImportReport> {
  const items = validate(kind, format === 'json' ? locateJson(kind, text) : locateCsv(kind, text));
  if (items.length === 0) throw new OperatorError(`the file holds no ${kind}`);
  return db.transaction(async (tx) => {
    const report: ImportReport = { created: [], updated: [], unchanged: [] };
    for (const { where, item } of items) {
      try {
        report[hooks ? (await hooks.upsert(tx, item.value)).outcome : await upsert(tx, item)].push(item.value.id);
      } catch (err) {
        // The transaction rolls back: what was written before this item is undone.
        if (err instanceof ApiError) throw new OperatorError(`${kind} file refused, nothing was imported:\n  ${where}: ${err.message}`);
        throw err;
      }
    }
    await hooks?.finish?.(tx, report);
    return report;
  });
}

export function formatOf(path: string): 'json' | 'csv' {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  throw new OperatorError(`${path}: the file name must end in .json or .csv`);
}

export async function readOperatorFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new OperatorError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export async function importCatalogFile(db: Db, kind: CatalogKind, path: string): Promise<ImportReport> {
  const format = formatOf(path);
  return importCatalog(db, kind, await readOperatorFile(path), format);
}
