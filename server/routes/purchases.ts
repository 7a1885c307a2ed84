/**
 * `POST /v1/purchases`: batch ingest from the extension, and
 * `POST /v1/purchases/:id/claim`: a missing-points claim backed by the
 * member's local receipt.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { ClaimRequest, IngestRequest } from '../../lib/contract/index.ts';
import { enforce } from '../platform/ratelimit.ts';
import type { AppEnv } from '../platform/app.ts';
import { requireMemberWithinLimit } from '../accounts/auth.ts';
import { ApiError, badRequest, describeIssues, notFound, readJson, readRawJson } from '../platform/http.ts';
import { ingestBatch } from '../purchases/ingest.ts';

export const purchases = new Hono<AppEnv>();

purchases.use('*', requireMemberWithinLimit);

purchases.post('/', async (c) => {
  const { db, now, log } = c.get('deps');
  const parsed = IngestRequest.safeParse(await readRawJson(c));
  if (!parsed.success) throw badRequest(`Expected {purchases: [...]} with 1 to 100 items: ${describeIssues(parsed.error)}`);
  const at = now();
  const results = await ingestBatch(parsed.data.purchases, {
    db,
    memberId: c.get('memberId'),
    now: at,
    log,
    tier: c.get('tier'),
    catalogVersions: c.get('catalogVersions'),
  });
  c.get('metrics').recordIngest(results, at);
  return c.json({ results }, 200);
});

interface ClaimRow {
  [key: string]: unknown;
  id: string;
  purchase_id: string;
  status: 'open' | 'approved' | 'rejected';
  created_at: Date;
}

const claimFromRow = (r: ClaimRow) => ({ id: r.id, purchaseId: r.purchase_id, status: r.status, createdAt: r.created_at.toISOString() });

export const PurchaseId = z.uuid();

purchases.post('/:id/claim', async (c) => {
  const { db, now } = c.get('deps');
  const memberId = c.get('memberId');
  const purchaseId = c.req.param('id');
  if (!PurchaseId.safeParse(purchaseId).success) throw badRequest('A purchase id is a UUID');
  const receipt = await readJson(c, ClaimRequest);
  // Each claim is work for an operator: a member gets a day's worth, not an unlimited queue.
  await enforce(db, `claims:${memberId}`, c.get('deps').env.RATE_LIMIT_CLAIMS_PER_DAY, 24 * 60 * 60, now(), 'claims');

  const owners = await db.query<{ member_id: string }>('SELECT member_id FROM purchases WHERE id = $1', [purchaseId]);
  // A purchase the server never received is what a claim is for; another
  // member's purchase is refused as not found, revealing nothing about it.
  if (owners[0] && owners[0].member_id !== memberId) throw notFound('No such purchase');
  const partner = await db.query('SELECT 1 FROM partners WHERE id = $1', [receipt.partnerId]);
  if (partner.length === 0) throw new ApiError(422, 'unprocessable', `Partner "${receipt.partnerId}" is not in the catalogue`);

  const columns = 'id, purchase_id, status, created_at';
  const created = await db.query<ClaimRow>(
    `INSERT INTO claims (id, purchase_id, member_id, receipt, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (member_id, purchase_id) DO NOTHING RETURNING ${columns}`,
    [randomUUID(), purchaseId, memberId, JSON.stringify(receipt), now().toISOString()],
  );
  if (created[0]) return c.json({ claim: claimFromRow(created[0]) }, 201);
  // One claim per purchase: asking again answers the claim already under review.
  const existing = await db.query<ClaimRow>(`SELECT ${columns} FROM claims WHERE member_id = $1 AND purchase_id = $2`, [memberId, purchaseId]);
  return c.json({ claim: claimFromRow(existing[0]!) }, 200);
});
