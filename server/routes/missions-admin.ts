/**
 * The operator's missions (docs/missions.md): `GET /v1/admin/missions` lists
 * them with how many members completed each, `PUT /v1/admin/missions/:id`
 * creates or replaces one. Guarded with every /v1/admin route by adminGuard
 * (accounts/operator-auth.ts): reading is open to every role, writing needs
 * `catalog`. Every change is written to the audit log (operator/audited.ts).
 */
import { Hono } from 'hono';
import { Mission } from '../../lib/contract/index.ts';
import type { AppEnv } from '../platform/app.ts';
import { badRequest, readJson } from '../platform/http.ts';
import { putMission } from '../operator/audited.ts';
import { listMissions } from '../programme/missions.ts';
import { actionContext } from './operator-context.ts';

export const missionsAdmin = new Hono<AppEnv>();

missionsAdmin.get('/', async (c) => c.json({ missions: await listMissions(c.get('deps').db) }, 200));

missionsAdmin.put('/:id', async (c) => {
  const input = await readJson(c, Mission);
  if (c.req.param('id') !== input.id) throw badRequest(`The id in the path ("${c.req.param('id')}") and in the body ("${input.id}") differ`);
  const { mission, outcome } = await putMission(c.get('deps').db, actionContext(c), input);
  return c.json({ mission }, outcome === 'created' ? 201 : 200);
});
