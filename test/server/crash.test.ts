/**
 * Crash safety: the real server, as a child process, is killed with SIGKILL
 * in the middle of a load of batched ingests and partner confirmations from
 * several clients, then restarted on the same database (a PostgreSQL schema,
 * and a PGlite directory). Every purchase whose ingest was acknowledged must
 * be there exactly once, resending everything that was in flight must give
 * duplicates and never double points, and the ledger must verify clean.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite, type Db } from '../../server/db/index.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import {
  call,
  postgresSchema,
  purchase,
  putPartner,
  register,
  sendReport,
  signedReport,
  startServerProcess,
  type DatabaseEnv,
  type Member,
  type Partner,
  type ServerProcess,
} from './server-process.ts';

const SOAK = process.env.SOAK === '1';
const CLIENTS = 3;
const BATCH = 20;
const SEED = 20261123;

/** A small seeded generator (mulberry32), so CI kills at the same moments every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Item = ReturnType<typeof purchase>;

interface Book {
  /** Every batch ever sent, with its member, for the resend after a crash. */
  batches: { member: Member; items: Item[] }[];
  /** Purchase ids the server acknowledged (200 with accepted or duplicate), with their amount. */
  acked: Map<string, { member: Member; orderId: string; amountMinor: number }>;
  /** Batches whose request failed (the server died under them): fate unknown. */
  inflight: number;
  /** Orders whose confirmation the server acknowledged as applied or unchanged. */
  confirmed: Set<string>;
  /** Orders whose confirmation was sent but not answered. */
  confirmInflight: Set<string>;
}

/** A request the dead server never answers must still end, so the client can record it as in flight. */
const requestTimeout = () => AbortSignal.timeout(30_000);

async function ingestClient(base: string, member: Member, partner: Partner, book: Book, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const items = Array.from({ length: BATCH }, () => purchase(partner.id, `order-${randomUUID()}`, 100 + Math.floor(Math.random() * 20_000)));
    // Recorded before the first send, as the extension's outbox does.
    book.batches.push({ member, items });
    let res: Response;
    try {
      res = await fetch(`${base}/v1/purchases`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${member.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ purchases: items }),
        signal: requestTimeout(),
      });
    } catch {
      book.inflight++;
      return;
    }
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    const { results } = (await res.json()) as { results: { id: string; status: string }[] };
    results.forEach((r, i) => {
      const item = items[i]!;
      expect(r.id).toBe(item.id);
      expect(['accepted', 'duplicate']).toContain(r.status);
      book.acked.set(item.id, { member, orderId: item.orderId, amountMinor: item.amountMinor });
    });
  }
}

async function confirmClient(base: string, partner: Partner, book: Book, stop: () => boolean): Promise<void> {
  let second = Math.floor(Date.now() / 1000);
  while (!stop()) {
    const orders = [...book.acked.values()].map((a) => a.orderId).filter((o) => !book.confirmed.has(o) && !book.confirmInflight.has(o)).slice(0, 10);
    if (orders.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    for (const o of orders) book.confirmInflight.add(o);
    // Each request signed at its own second (a few seconds back is inside the window), so none looks like a replay.
    second = Math.max(second + 1, Math.floor(Date.now() / 1000) - 200);
    let res: Response;
    try {
      res = await sendReport(base, signedReport(partner, orders.map((orderId) => ({ orderId, status: 'confirmed' as const })), second));
    } catch {
      return;
    }
    if (res.status !== 200) throw new Error(`confirmations answered ${res.status}: ${await res.text()}`);
    const { results } = (await res.json()) as { results: { orderId: string; status: string }[] };
    for (const r of results) {
      expect(['applied', 'unchanged']).toContain(r.status);
      book.confirmed.add(r.orderId);
      book.confirmInflight.delete(r.orderId);
    }
  }
}

/** Runs the load until the server is killed `killAfterMs` in (and after some purchases were acknowledged). */
async function loadAndKill(server: ServerProcess, members: Member[], partner: Partner, book: Book, killAfterMs: number): Promise<void> {
  let dead = false;
  const stop = () => dead;
  const clients = [...members.map((m) => ingestClient(server.base, m, partner, book, stop)), confirmClient(server.base, partner, book, stop)];
  const ackedBefore = book.acked.size;
  const started = Date.now();
  while (Date.now() - started < killAfterMs || book.acked.size - ackedBefore < 2 * BATCH) await new Promise((r) => setTimeout(r, 10));
  await server.kill();
  dead = true;
  await Promise.all(clients);
}

/** After a restart: every batch ever sent again. Acknowledged items must be duplicates; in-flight ones either. */
async function resendEverything(base: string, partner: Partner, book: Book): Promise<{ acceptedNow: number }> {
  let acceptedNow = 0;
  for (const { member, items } of book.batches) {
    const res = await call(base, 'POST', '/v1/purchases', { token: member.token, body: { purchases: items } });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { id: string; status: string }[] };
    results.forEach((r, i) => {
      const item = items[i]!;
      if (book.acked.has(item.id)) expect(r.status, `acknowledged purchase ${item.id} after the crash`).toBe('duplicate');
      else expect(['accepted', 'duplicate']).toContain(r.status);
      if (r.status === 'accepted') acceptedNow++;
      book.acked.set(item.id, { member, orderId: item.orderId, amountMinor: item.amountMinor });
    });
  }
  const pending = [...book.confirmInflight];
  for (let i = 0; i < pending.length; i += 50) {
    const orders = pending.slice(i, i + 50);
    const res = await sendReport(base, signedReport(partner, orders.map((orderId) => ({ orderId, status: 'confirmed' as const })), Math.floor(Date.now() / 1000) - 100 - i));
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { orderId: string; status: string }[] };
    for (const r of results) {
      expect(['applied', 'unchanged']).toContain(r.status);
      book.confirmed.add(r.orderId);
      book.confirmInflight.delete(r.orderId);
    }
  }
  return { acceptedNow };
}

async function checkDatabase(db: Db, members: Member[], book: Book): Promise<void> {
  const ids = [...book.acked.keys()];
  const found = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM purchases WHERE id = ANY($1::uuid[])', [ids]);
  expect(found[0]!.n).toBe(ids.length);
  const memberIds = members.map((m) => m.id);
  // None twice: one row per order, one booking per purchase, at most one confirmation pair.
  const doubled = await db.query(
    `SELECT partner_id, order_id FROM purchases WHERE member_id = ANY($1::uuid[]) GROUP BY partner_id, order_id HAVING count(*) > 1`,
    [memberIds],
  );
  expect(doubled).toEqual([]);
  const entries = await db.query<{ purchase_id: string; reason: string; n: number }>(
    `SELECT purchase_id, reason, count(*)::int AS n FROM ledger_entries WHERE member_id = ANY($1::uuid[]) GROUP BY purchase_id, reason
      HAVING (reason = 'purchase' AND count(*) <> 1) OR (reason = 'confirmation' AND count(*) <> 2)`,
    [memberIds],
  );
  expect(entries).toEqual([]);
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM purchases WHERE member_id = ANY($1::uuid[])', [memberIds]);
  expect(rows[0]!.n).toBe(ids.length);
  const unconfirmed = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM purchases WHERE order_id = ANY($1::text[]) AND status <> 'confirmed'`,
    [[...book.confirmed]],
  );
  expect(unconfirmed[0]!.n).toBe(0);
  // Every point is there once: each member's pending + available is the sum of their purchases' points.
  const sums = await db.query<{ member_id: string; points: number; held: number }>(
    `SELECT b.member_id, COALESCE((SELECT sum(points) FROM purchases p WHERE p.member_id = b.member_id), 0)::int AS points,
            (b.pending + b.available)::int AS held
       FROM balances b WHERE b.member_id = ANY($1::uuid[])`,
    [memberIds],
  );
  for (const s of sums) expect(s.held).toBe(s.points);
  expect((await verifyLedger(db)).mismatches).toEqual([]);
}

interface Figures {
  crashes: number;
  acknowledged: number;
  inflightBatches: number;
  bookedOnResend: number;
}

/** The whole scenario on one database: `crashes` kill/restart cycles, then the checks on the database itself. */
async function crashCycles(dbEnv: DatabaseEnv, crashes: number, openForCheck: () => Promise<{ db: Db; close: () => Promise<void> }>): Promise<Figures> {
  const random = seeded(SEED + crashes);
  let server = await startServerProcess(dbEnv);
  const partner = await putPartner(server.base);
  const members: Member[] = [];
  for (let i = 0; i < CLIENTS; i++) members.push(await register(server.base));
  const book: Book = { batches: [], acked: new Map(), inflight: 0, confirmed: new Set(), confirmInflight: new Set() };
  const figures: Figures = { crashes: 0, acknowledged: 0, inflightBatches: 0, bookedOnResend: 0 };
  try {
    for (let cycle = 0; cycle < crashes; cycle++) {
      await loadAndKill(server, members, partner, book, 300 + Math.floor(random() * 1200));
      figures.crashes++;
      figures.acknowledged = book.acked.size;
      server = await startServerProcess(dbEnv);
      const { acceptedNow } = await resendEverything(server.base, partner, book);
      figures.bookedOnResend += acceptedNow;
    }
    figures.inflightBatches = book.inflight;
  } finally {
    await server.stop();
  }
  const { db, close } = await openForCheck();
  try {
    await checkDatabase(db, members, book);
  } finally {
    await close();
  }
  return figures;
}

function report(where: string, f: Figures) {
  console.log(
    `crash safety on ${where}: ${f.crashes} SIGKILLs, ${f.acknowledged} purchases acknowledged before the kills, all found once; ` +
      `${f.inflightBatches} batches in flight at the kills, ${f.bookedOnResend} of their purchases first booked on resend`,
  );
}

describe.skipIf(!process.env.DATABASE_URL)('crash safety on PostgreSQL', () => {
  it('loses no acknowledged purchase and counts none twice across SIGKILLs', async () => {
    const pg = await postgresSchema();
    try {
      const figures = await crashCycles({ DATABASE_URL: pg.url }, SOAK ? 20 : 2, async () => ({ db: pg.db, close: async () => {} }));
      report('PostgreSQL', figures);
      expect(figures.crashes).toBe(SOAK ? 20 : 2);
    } finally {
      await pg.drop();
    }
  }, SOAK ? 3_600_000 : 180_000);
});

describe('crash safety on a PGlite directory', () => {
  it('loses no acknowledged purchase and counts none twice across SIGKILLs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sammelpunkt-crash-'));
    try {
      const figures = await crashCycles({ DATA_DIR: dir }, SOAK ? 10 : 1, async () => {
        const db = await openPglite(dir);
        return { db, close: () => db.close() };
      });
      report('PGlite', figures);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, SOAK ? 3_600_000 : 180_000);
});
