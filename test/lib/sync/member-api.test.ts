import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { saveAccount, type SammelpunktDb } from '../../../lib/db/index.ts';
import { redeemReward } from '../../../lib/sync/member-api.ts';
import { errorBody, freshDb, json, member, scriptedFetch } from '../support.ts';

const redemption = { id: 'r-1', rewardId: 'spende-tafel', points: 250, status: 'completed', createdAt: '2026-11-23T00:00:00.000Z' };

describe('redeeming a reward from the popup', () => {
  let db: SammelpunktDb;
  beforeEach(async () => {
    db = await freshDb();
    await saveAccount(db, { token: 'token-1', member, signedInAt: '2026-11-23T00:00:00.000Z' });
  });

  it('tries once more, under the same key, when the connection fails before any answer', async () => {
    let calls = 0;
    const api = scriptedFetch(() => {
      calls++;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return json({ redemption }, 201);
    });
    const result = await redeemReward({ db, fetch: api.fetch }, 'spende-tafel', 'key-1');
    expect(result).toEqual({ ok: true, redemption });
    expect(api.requests.map((r) => r.headers['idempotency-key'])).toEqual(['key-1', 'key-1']);
  });

  it('does not send again after an answer, even a refusal (tried: not enough points)', async () => {
    const api = scriptedFetch(() => json(errorBody('insufficient_points'), 409));
    const result = await redeemReward({ db, fetch: api.fetch }, 'spende-tafel', 'key-2');
    expect(result).toMatchObject({ ok: false, code: 'insufficient_points' });
    expect(api.requests).toHaveLength(1);
  });

  it('gives up after the second failed connection and says so', async () => {
    const api = scriptedFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const result = await redeemReward({ db, fetch: api.fetch }, 'spende-tafel', 'key-3');
    expect(result).toMatchObject({ ok: false, code: 'network' });
    expect(api.requests).toHaveLength(2);
  });
});
