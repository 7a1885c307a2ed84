/**
 * `sync`: 10,000 purchases recorded while the member is signed out, then
 * flushed by the extension to `npm start`'s server on PostgreSQL (a schema
 * of its own, dropped afterwards): seconds until the outbox is empty, and a
 * check that the server's ledger equals the receipts.
 *
 * Detecting 10,000 orders on real pages would take most of an hour, so the
 * purchases are recorded by the product's own `recordPurchase` (receipt and
 * outbox entry in one transaction, lib/record.ts), bundled and run in an
 * extension page over the extension's database. Signed out, nothing is
 * sent (lib/sync/index.ts); the member then signs in through the popup's
 * `popup:sign-in` message, whose sync flushes the outbox in batches of 100
 * and then pulls. Timed from the sign-in request; the outbox is counted
 * every 100 ms from an extension page.
 *
 * Ceiling, same run, same server: the same number of purchases posted
 * straight from Node, one batch of 100 after another as the extension
 * sends them, for another member at another partner (the server's look-up
 * of earlier claims reads a partner's purchases, so sharing one would make
 * whichever ran second slower). It runs first.
 */
import { build } from 'esbuild';
import type { Balance, PurchaseIn } from '../lib/contract/index.ts';
import type { Candidate } from '../lib/detect/types.ts';
import { openPostgres, type Db } from '../server/db/index.ts';
import { verifyLedger } from '../server/ledger/ledger.ts';
import { chromiumMissing } from './lib/chromium.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import { buildExtension, countRows, readRecord, signInThroughExtension, startExtension, waitUntil, type ExtensionUnderTest } from './lib/extension.ts';
import { makePurchases, PASSWORD, postPurchases, registerMember, type Member } from './lib/members.ts';
import type { RecordAllResult } from './lib/record-entry.ts';
import { notMeasured, result } from './lib/result.ts';
import type { Measured } from './lib/types.ts';

const PURCHASES = 10_000;
const BATCH = 100;
const RECORDING_CONCURRENCY = 8;
const DRAIN_TIMEOUT_MS = 200_000;
/** Demo partners without running offers (server/catalog/seed.ts): Technikwelt 2 points per euro, Gartenglück 1. */
const PARTNER = { id: 'technikwelt', currency: 'EUR' } as const;
const CEILING_PARTNER = { id: 'gartenglueck', currency: 'EUR' } as const;

interface LocalReceipt {
  id: string;
  amountMinor: number;
  estimatedPoints: number;
  serverPoints: number | null;
  serverStatus: string | null;
  conflict: boolean;
}

type ServerRow = {
  id: string;
  amount_minor: number;
  points: number;
  status: string;
};

/**
 * Seconds the server spent answering `POST /v1/purchases` so far, and how
 * many it answered, from its own request-duration histogram (`GET
 * /metrics`, public with METRICS_PUBLIC=1). The difference across a phase
 * is the server's share of it; the rest of the phase is the client's.
 */
async function ingestServerTime(api: DemoServer): Promise<{ seconds: number; requests: number }> {
  const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
  let seconds = 0;
  let requests = 0;
  for (const line of text.split('\n')) {
    const m = /^sammelpunkt_http_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (m === null || !m[2]!.includes('method="POST"') || !/route="[^"]*\/v1\/purchases\/?"/.test(m[2]!)) continue;
    if (m[1] === 'sum') seconds += Number(m[3]);
    else requests += Number(m[3]);
  }
  return { seconds, requests };
}

async function bundleRecorder(): Promise<string> {
  const out = await build({
    entryPoints: [new URL('./lib/record-entry.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
  });
  return out.outputFiles[0]!.text;
}

/** The ceiling: the same count of purchases posted from Node, one batch after another; seconds, the server's share, accepted count. */
async function postStraight(api: DemoServer, member: Member): Promise<{ seconds: number; serverSeconds: number; accepted: number }> {
  const purchases = makePurchases(PURCHASES, CEILING_PARTNER.id, CEILING_PARTNER.currency, `SYNC-CEILING-${process.pid}`);
  const before = await ingestServerTime(api);
  const started = performance.now();
  let accepted = 0;
  for (let i = 0; i < purchases.length; i += BATCH) {
    for (const r of await postPurchases(api.baseUrl, member.token, purchases.slice(i, i + BATCH))) if (r.status === 'accepted') accepted++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, serverSeconds: (await ingestServerTime(api)).seconds - before.seconds, accepted };
}

async function recordOffline(ext: ExtensionUnderTest, api: DemoServer): Promise<RecordAllResult> {
  await ext.blank.evaluate(await bundleRecorder());
  const candidates: Candidate[] = makePurchases(PURCHASES, PARTNER.id, PARTNER.currency, `SYNC-${process.pid}`).map((p: PurchaseIn) => ({
    orderId: p.orderId,
    amountMinor: p.amountMinor,
    currency: p.currency,
    method: p.method,
  }));
  const page = { origin: new URL(api.shopUrl(PARTNER.id)).origin, path: '/checkout/onepage/success/' };
  const outcome = (await ext.blank.evaluate(
    `benchRecordAll(${JSON.stringify(PARTNER.id)}, ${JSON.stringify(candidates)}, ${JSON.stringify(page)}, ${RECORDING_CONCURRENCY})`,
  )) as RecordAllResult;
  if (outcome.recorded !== PURCHASES) throw new Error(`recorded ${outcome.recorded} of ${PURCHASES}: ${outcome.refused.join('; ')}`);
  return outcome;
}

async function localReceipts(ext: ExtensionUnderTest): Promise<LocalReceipt[]> {
  return ext.blank.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('sammelpunkt');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      const all = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
        const request = db.transaction('purchases', 'readonly').objectStore('purchases').getAll();
        request.onsuccess = () => resolve(request.result as Array<Record<string, unknown>>);
        request.onerror = () => reject(request.error);
      });
      return all.map((r) => {
        const server = r.server as { points: number; status: string } | undefined;
        return {
          id: r.id as string,
          amountMinor: r.amountMinor as number,
          estimatedPoints: r.estimatedPoints as number,
          serverPoints: server?.points ?? null,
          serverStatus: server?.status ?? null,
          conflict: r.conflict !== undefined,
        };
      });
    } finally {
      db.close();
    }
  });
}

interface LedgerCheck {
  missingOnServer: number;
  amountMismatches: number;
  pointsMismatches: number;
  estimateMismatches: number;
  notAnswered: number;
  pendingPoints: number;
  balanceMatches: boolean;
  extensionBalanceMatches: boolean;
  ledgerMismatches: number;
  membersVerified: number;
}

/** Every receipt on the server with its amount and points, the pending balance their sum, every balance equal to its entries. */
async function checkLedger(db: Db, ext: ExtensionUnderTest, memberId: string): Promise<LedgerCheck> {
  const local = await localReceipts(ext);
  const rows = await db.query<ServerRow>('SELECT id, amount_minor, points, status FROM purchases WHERE member_id = $1', [memberId]);
  const onServer = new Map(rows.map((r) => [r.id, r]));
  const [balance] = await db.query<Balance>('SELECT available, pending, lifetime FROM balances WHERE member_id = $1', [memberId]);
  const synced = await readRecord<{ balance?: Balance }>(ext, 'syncState', 'current');
  const ledger = await verifyLedger(db);
  let missingOnServer = 0;
  let amountMismatches = 0;
  let pointsMismatches = 0;
  let estimateMismatches = 0;
  let notAnswered = 0;
  let pointsSum = 0;
  for (const receipt of local) {
    const row = onServer.get(receipt.id);
    if (receipt.serverPoints === null || receipt.conflict) notAnswered++;
    if (row === undefined) {
      missingOnServer++;
      continue;
    }
    if (row.amount_minor !== receipt.amountMinor) amountMismatches++;
    if (row.points !== receipt.serverPoints) pointsMismatches++;
    if (row.points !== receipt.estimatedPoints) estimateMismatches++;
    if (row.status === 'pending') pointsSum += row.points;
  }
  return {
    missingOnServer,
    amountMismatches,
    pointsMismatches,
    estimateMismatches,
    notAnswered,
    pendingPoints: balance?.pending ?? Number.NaN,
    balanceMatches: balance !== undefined && balance.pending === pointsSum && rows.length === local.length,
    extensionBalanceMatches: synced?.balance?.pending === balance?.pending,
    ledgerMismatches: ledger.mismatches.length,
    membersVerified: ledger.members,
  };
}

/** Signs in (which starts the flush) and waits for the outbox to empty and for the sync to finish; seconds from the request. */
async function flush(ext: ExtensionUnderTest, api: DemoServer, member: Member): Promise<{ drainSeconds: number; syncSeconds: number; serverSeconds: number; requests: number }> {
  const before = await ingestServerTime(api);
  const started = Date.now();
  await signInThroughExtension(ext, member.email, PASSWORD);
  await waitUntil('the outbox to drain', () => countRows(ext, 'outbox'), (n) => n === 0, DRAIN_TIMEOUT_MS, 100);
  const drainSeconds = (Date.now() - started) / 1000;
  const after = await ingestServerTime(api);
  await waitUntil(
    'the sync after the flush to finish',
    async () => (await readRecord<{ lastSyncAt?: string }>(ext, 'syncState', 'current'))?.lastSyncAt,
    (at) => at !== undefined && Date.parse(at) >= started,
    60_000,
    100,
  );
  return { drainSeconds, syncSeconds: (Date.now() - started) / 1000, serverSeconds: after.seconds - before.seconds, requests: after.requests - before.requests };
}

export async function runSync(): Promise<Measured[]> {
  const missing = chromiumMissing();
  if (missing) return [notMeasured('sync', null, missing)];
  const built = buildExtension();
  const api = await startDemoServer({ postgres: true, env: { METRICS_PUBLIC: '1' } });
  let ext: ExtensionUnderTest | undefined;
  let db: Db | undefined;
  try {
    if (api.postgres === undefined) throw new Error('the demo server did not start on PostgreSQL');
    db = await openPostgres(api.postgres.url, { max: 2 });
    ext = await startExtension(api.baseUrl);
    const member = await registerMember(api.baseUrl, 'sync');
    const ceilingMember = await registerMember(api.baseUrl, 'sync-ceiling');

    const ceiling = await postStraight(api, ceilingMember);
    const recording = await recordOffline(ext, api);
    const waiting = await countRows(ext, 'outbox');
    const [sentEarly] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM purchases WHERE member_id = $1', [member.memberId]);
    if (waiting !== PURCHASES || (sentEarly?.n ?? 0) !== 0) throw new Error(`before sign-in: ${waiting} in the outbox, ${sentEarly?.n} already on the server`);

    const { drainSeconds, syncSeconds, serverSeconds, requests } = await flush(ext, api, member);
    const check = await checkLedger(db, ext, member.memberId);
    const ledgerOk =
      check.missingOnServer === 0 && check.amountMismatches === 0 && check.pointsMismatches === 0 && check.notAnswered === 0 &&
      check.balanceMatches && check.extensionBalanceMatches && check.ledgerMismatches === 0;
    return [
      result({
        name: 'sync',
        figures: {
          drainSeconds,
          purchasesPerSec: PURCHASES / drainSeconds,
          syncSeconds,
          serverSeconds,
          clientSeconds: drainSeconds - serverSeconds,
          ingestRequests: requests,
          recordSeconds: recording.ms / 1000,
          ledgerOk: ledgerOk ? 1 : 0,
          missingOnServer: check.missingOnServer,
          amountMismatches: check.amountMismatches,
          pointsMismatches: check.pointsMismatches,
          estimateMismatches: check.estimateMismatches,
          ledgerMismatches: check.ledgerMismatches,
          pendingPoints: check.pendingPoints,
        },
        ceiling: {
          name: `the same ${PURCHASES.toLocaleString('en')} purchases posted straight from Node to the same API, ${BATCH} per request, one request after another`,
          figures: { drainSeconds: ceiling.seconds, purchasesPerSec: PURCHASES / ceiling.seconds, serverSeconds: ceiling.serverSeconds, clientSeconds: ceiling.seconds - ceiling.serverSeconds },
        },
        compare: { figure: 'drainSeconds', ceilingFigure: 'drainSeconds', lowerIsBetter: true },
        budget: { text: 'an offline drain of 10,000 purchases within 3 s (issue 17)', limit: 3, direction: 'atMost', figure: 'drainSeconds' },
        notes: [
          built,
          `${PURCHASES} purchases at demo partner ${PARTNER.id} recorded signed out by the product's recordPurchase (bundled, run in an extension page, ${RECORDING_CONCURRENCY} at a time; recordSeconds), none sent before sign-in (checked on the server)`,
          'drainSeconds: from the popup:sign-in request (the sign-in starts the sync) to an empty outbox, counted every 100 ms from an extension page; syncSeconds: until the sync\'s pull of the member\'s state had finished too (lastSyncAt)',
          'serverSeconds: the time the server spent answering POST /v1/purchases during the drain (its own request-duration histogram, GET /metrics with METRICS_PUBLIC=1, before and after), ingestRequests how many; clientSeconds = drainSeconds − serverSeconds: the extension\'s own work between requests (outbox reads, applying answers) plus the network; the ceiling is split the same way',
          `ledger check: every receipt on the server under its id with its amount, the server's points equal to those stored on the receipt (pointsMismatches), the member's pending balance equal to the sum of their pending points and to the balance the extension pulled, and verifyLedger (server/ledger/ledger.ts) finding no balance different from its entries over ${check.membersVerified} members; estimateMismatches counts receipts whose estimate at recording differed from the server's points (information: recorded signed out, the estimate knows only the catalogue the extension had, not an offer such as the demo's weekend multiplier)`,
          ...(ledgerOk ? [] : [`LEDGER CHECK FAILED: ${JSON.stringify(check)}`]),
          `ceiling: ${ceiling.accepted} of ${PURCHASES} accepted, at demo partner ${CEILING_PARTNER.id} for another member, run before the extension's flush`,
          `API: npm start's server (DEMO on) on PostgreSQL ${api.postgres.url.replace(/\?.*$/, '')}, schema ${api.postgres.schema} (dropped at the end), its default pool of 10 connections`,
        ],
      }),
    ];
  } finally {
    await ext?.close();
    await db?.close();
    await api.stop();
  }
}
