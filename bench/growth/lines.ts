/**
 * The growth benchmark's lines of results.json: one line per request
 * figure, holding the figure at every size measured, with the smallest size
 * as the ceiling and `ratioLargestToSmallest` as the budget figure (for
 * throughputs smallest ÷ largest, so above 1 is worse either way), and one
 * for the fill (rows and bytes, no budget).
 */
import type { LoadStats } from '../ingest/protocol.ts';
import { result } from '../lib/result.ts';
import { median, percentile } from '../lib/stats.ts';
import type { Figures, Measured } from '../lib/types.ts';
import type { FillReport } from './fill.ts';
import type { GrowthSize } from './sizes.ts';

export interface SizeFigures {
  size: GrowthSize;
  fill: FillReport;
  bytes: { database: number; purchases: number; ledger: number };
  rows: { purchases: number; ledgerEntries: number; members: number };
  verify: { seconds: number; exitCode: number; output: string; startupSeconds: number };
  sync: LoadStats;
  single: LoadStats;
  batch: LoadStats;
  /** Milliseconds per call, by operator read. */
  operator: Record<string, number[]>;
  queueLengths: { heldPurchases: number; openClaims: number };
  confirmations: { seconds: number; orders: number; requestMs: number[]; statuses: Record<string, number> };
  loadAverage: { sync: number; single: number };
}

export interface Settings {
  syncRate: number;
  singleRate: number;
  clients: number;
  batch: number;
  durations: { syncMs: number; singleMs: number; batchMs: number };
  operatorRuns: number;
}

const BUDGET_TEXT = 'growth: the figure at the largest size within 1.5× of the same figure at the smallest (DESIGN.md: 10⁷ purchases and 10⁶ members against 10⁴)';

interface Metric {
  name: string;
  figure: string;
  /** Times are better lower, throughputs higher. */
  lowerIsBetter: boolean;
  value: (s: SizeFigures) => number;
  /** Figures beside the main one, per size. */
  extra?: (s: SizeFigures) => Figures;
  notes: (s: SizeFigures) => string;
  what: string;
}

const statuses = (s: LoadStats) => `HTTP ${JSON.stringify(s.statusCounts)}, failed ${s.failed}${Object.keys(s.itemStatuses).length ? `, items ${JSON.stringify(s.itemStatuses)}` : ''}`;
const achieved = (s: LoadStats) => s.ok / (s.elapsedMs / 1000);

function metrics(settings: Settings): Metric[] {
  const operator = (key: string, what: string): Metric => ({
    name: `growth.operator.${key}`,
    figure: 'medianMs',
    lowerIsBetter: true,
    value: (s) => median(s.operator[key] ?? []),
    extra: (s) => ({ maxMs: Math.max(...(s.operator[key] ?? [Number.NaN])) }),
    notes: (s) => `${s.size.label}: ${s.queueLengths.heldPurchases} purchases held for review, ${s.queueLengths.openClaims} open claims`,
    what: `${what}, called ${settings.operatorRuns} times in a row after 2 warm-ups through the function \`npm run admin\` calls; median`,
  });
  return [
    {
      name: 'growth.ingest.batch',
      figure: 'purchasesPerSec',
      lowerIsBetter: false,
      value: (s) => (s.batch.itemStatuses.accepted ?? 0) / (s.batch.elapsedMs / 1000),
      extra: (s) => ({ latencyMsP99: percentile(s.batch.latencyMs, 99) }),
      notes: (s) => `${s.size.label}: ${statuses(s.batch)}`,
      what: `batched ingest, closed loop, ${settings.clients} clients × ${settings.batch} fresh purchases per request for ${settings.durations.batchMs / 1000} s over 100 filled members; purchases answered "accepted" per second`,
    },
    {
      name: 'growth.ingest.single',
      figure: 'latencyMsP99',
      lowerIsBetter: true,
      value: (s) => percentile(s.single.latencyMs, 99),
      extra: (s) => ({ latencyMsP50: median(s.single.latencyMs), achievedRps: achieved(s.single), sendLagMsP99: percentile(s.single.sendLagMs, 99) }),
      notes: (s) => `${s.size.label}: achieved ${achieved(s.single).toFixed(0)} of ${settings.singleRate} requests/s, load average ${s.loadAverage.single.toFixed(1)}; ${statuses(s.single)}`,
      what: `single purchases, open loop at ${settings.singleRate} requests/s for ${settings.durations.singleMs / 1000} s over 100 filled members, latency from the scheduled send`,
    },
    {
      name: 'growth.sync',
      figure: 'latencyMsP99',
      lowerIsBetter: true,
      value: (s) => percentile(s.sync.latencyMs, 99),
      extra: (s) => ({ latencyMsP50: median(s.sync.latencyMs), achievedRps: achieved(s.sync) }),
      notes: (s) => `${s.size.label}: achieved ${achieved(s.sync).toFixed(0)} of ${settings.syncRate} requests/s, load average ${s.loadAverage.sync.toFixed(1)}; ${statuses(s.sync)}`,
      what: `GET /v1/me/sync?cursor=0, open loop at ${settings.syncRate} requests/s for ${settings.durations.syncMs / 1000} s over 40 filled members with ten purchases each (their whole history), before any write phase`,
    },
    {
      name: 'growth.partner.confirmations',
      figure: 'seconds',
      lowerIsBetter: true,
      value: (s) => s.confirmations.seconds,
      extra: (s) => ({ ordersPerSec: s.confirmations.orders / s.confirmations.seconds, orders: s.confirmations.orders, requestMsMax: Math.max(...s.confirmations.requestMs) }),
      notes: (s) => `${s.size.label}: ${s.confirmations.orders} orders, results ${JSON.stringify(s.confirmations.statuses)}`,
      what: 'a partner confirmation batch of 10,000 orders: pending purchases booked by the ingest phases of the same run (the same population at every size), reported "confirmed" through the signed partner API in requests of 1,000 (the contract\'s maximum), one after another',
    },
    operator('reviewQueue', 'the operator\'s review queue (listReviewQueue, first page of 100)'),
    operator('reviewQueuePartner', 'the review queue of one partner (listReviewQueue --partner, first page of 100)'),
    operator('openClaims', 'open missing-points claims (listClaims --status open)'),
    operator('heldReferrals', 'referrals held for review (listHeldReferrals; the fill makes no referrals, so this one only shows the fixed cost)'),
    operator('detectionHealth', 'detection health, the per-partner overview of the last 14 days (detectionHealth: purchases per partner and day, by method)'),
    operator('memberShow', 'member show: a member found by email with balance and last purchases (showMember)'),
    operator('overview30Days', 'the console\'s overview of the last 30 days, per day (programmeOverview)'),
    operator('overviewYear', 'the console\'s overview of the last 366 days, per week (programmeOverview)'),
  ];
}

function sizeKey(figure: string, s: SizeFigures): string {
  return `${figure}At${s.size.label}`;
}

/**
 * The smallest size as measured right after the largest, when it was (the
 * machine is shared: two measurements close in time see the same
 * neighbours), else as measured first.
 */
function baseline(all: readonly SizeFigures[], again: SizeFigures | undefined): SizeFigures {
  return again ?? all[0]!;
}

const againNote = (all: readonly SizeFigures[], again: SizeFigures | undefined) =>
  again
    ? `the smallest size (${all[0]!.size.label}) was measured twice, first and again right after the largest (figures …At${all[0]!.size.label}Again, on a fresh fill); the ratio and the ceiling use the second, taken closest in time to the largest on this shared machine`
    : 'sizes measured once each, smallest first';

function metricLine(m: Metric, all: readonly SizeFigures[], again: SizeFigures | undefined): Measured {
  const smallest = baseline(all, again);
  const largest = all[all.length - 1]!;
  const figures: Figures = {};
  for (const s of all) {
    figures[sizeKey(m.figure, s)] = m.value(s);
    for (const [k, v] of Object.entries(m.extra?.(s) ?? {})) figures[sizeKey(k, s)] = v;
  }
  if (again) {
    figures[`${sizeKey(m.figure, again)}Again`] = m.value(again);
    for (const [k, v] of Object.entries(m.extra?.(again) ?? {})) figures[`${sizeKey(k, again)}Again`] = v;
  }
  const several = all.length > 1;
  if (several) {
    const small = m.value(smallest);
    const large = m.value(largest);
    figures.ratioLargestToSmallest = m.lowerIsBetter ? large / small : small / large;
  }
  return result({
    name: m.name,
    figures,
    ceiling: several
      ? { name: `the same figure at the smallest size (${smallest.size.label} purchases, ${smallest.size.members} members), same run`, figures: { [m.figure]: m.value(smallest) } }
      : null,
    ...(several ? { compare: { figure: sizeKey(m.figure, largest), ceilingFigure: m.figure, lowerIsBetter: m.lowerIsBetter } } : {}),
    ...(several ? { budget: { text: BUDGET_TEXT, limit: 1.5, direction: 'atMost' as const, figure: 'ratioLargestToSmallest' } } : {}),
    notes: [m.what, againNote(all, again), ...all.map(m.notes), ...(again ? [`again: ${m.notes(again)}`] : []), ...(several ? [] : ['one size only: no ratio, no verdict'])],
  });
}

function verifyLine(all: readonly SizeFigures[], again: SizeFigures | undefined): Measured {
  const perMillion = (s: SizeFigures) => (s.verify.seconds - s.verify.startupSeconds) / (s.rows.ledgerEntries / 1e6);
  const figures: Figures = {};
  for (const s of all) {
    figures[sizeKey('seconds', s)] = s.verify.seconds;
    figures[sizeKey('secondsPerMillionEntries', s)] = perMillion(s);
    figures[sizeKey('ledgerEntries', s)] = s.rows.ledgerEntries;
  }
  if (again) figures[`${sizeKey('secondsPerMillionEntries', again)}Again`] = perMillion(again);
  // Below a million entries the command's start-up swamps the work (and on a loaded machine can exceed it): the baseline is the smallest size past that.
  const smallest = all.find((s) => s.rows.ledgerEntries >= 1e6 && s !== all[all.length - 1]) ?? baseline(all, again);
  const largest = all[all.length - 1]!;
  const several = all.length > 1;
  if (several) figures.ratioLargestToSmallest = perMillion(largest) / perMillion(smallest);
  return result({
    name: 'growth.ledger-verify',
    figures,
    ceiling: several ? { name: `the time per million entries at the smallest size (${smallest.size.label} purchases), same run`, figures: { secondsPerMillionEntries: perMillion(smallest) } } : null,
    ...(several ? { compare: { figure: sizeKey('secondsPerMillionEntries', largest), ceilingFigure: 'secondsPerMillionEntries', lowerIsBetter: true } } : {}),
    ...(several
      ? { budget: { text: 'ledger:verify linear: its time per million ledger entries at the largest size within 1.5× of the smallest', limit: 1.5, direction: 'atMost' as const, figure: 'ratioLargestToSmallest' } }
      : {}),
    notes: [
      `\`npm run ledger:verify\` (server/cli/ledger-verify.ts in its own process) on the freshly filled database, before any load phase; seconds is the wall time of the whole command; secondsPerMillionEntries leaves out the command's start-up, measured on an empty migrated database in the same run (${smallest.verify.startupSeconds.toFixed(2)} s: Node, tsx, the migration check)`,
      againNote(all, again),
      ...[...all, ...(again ? [again] : [])].map((s) => `${s.size.label}: exit ${s.verify.exitCode}: ${s.verify.output.replace(/\n/g, ' / ')}`),
    ],
  });
}

function fillLine(all: readonly SizeFigures[]): Measured {
  const figures: Figures = {};
  for (const s of all) {
    figures[sizeKey('fillSeconds', s)] = s.fill.seconds;
    figures[sizeKey('databaseBytes', s)] = s.bytes.database;
    figures[sizeKey('purchaseTableBytes', s)] = s.bytes.purchases;
    figures[sizeKey('ledgerTableBytes', s)] = s.bytes.ledger;
    figures[sizeKey('bytesPerPurchase', s)] = (s.bytes.purchases + s.bytes.ledger) / s.rows.purchases;
    figures[sizeKey('ledgerEntriesPerPurchase', s)] = s.rows.ledgerEntries / s.rows.purchases;
  }
  return result({
    name: 'growth.fill',
    figures,
    notes: [
      'bulk load (bench/growth/fill.ts): INSERT … SELECT FROM generate_series in chunks of 10⁶ purchases with their ledger entries, claims and amount flags, secondary indexes dropped and built again, then VACUUM ANALYZE; bytesPerPurchase is the purchases and ledger_entries tables with their indexes and TOAST, divided by the purchases',
      ...all.map(
        (s) =>
          `${s.size.label}: ${s.rows.purchases} purchases, ${s.rows.ledgerEntries} ledger entries, ${s.rows.members} members, ${s.fill.claims} claims; fill ${s.fill.seconds.toFixed(0)} s (indexes ${s.fill.indexSeconds.toFixed(0)} s, VACUUM ANALYZE ${s.fill.vacuumSeconds.toFixed(0)} s)`,
      ),
    ],
  });
}

export function growthLines(all: readonly SizeFigures[], again: SizeFigures | undefined, settings: Settings): Measured[] {
  const context =
    'PostgreSQL 15 of this machine as configured (shared_buffers 128 MB, the rest of the 24 GB as page cache), the API, PostgreSQL and the load generator on the same 2 cores';
  const lines = [fillLine(all), verifyLine(all, again), ...metrics(settings).map((m) => metricLine(m, all, again))];
  for (const l of lines) l.notes.push(context);
  return lines;
}
