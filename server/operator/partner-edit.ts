/**
 * A partner changed from the console's form: the fields given replace the
 * stored ones, everything else (the secret, detection rules, limits) stays.
 * Written like any `PUT` of the partner, so the audit log and the
 * catalogue version follow the same rules.
 */
import type { PartnerEdit } from '../../lib/contract/console.ts';
import type { Partner, PartnerInput } from '../../lib/contract/index.ts';
import { getPartner } from '../catalog/catalog.ts';
import type { Db } from '../db/index.ts';
import { type ActionContext, putPartner } from './audited.ts';
import { OperatorError } from './errors.ts';

export async function editPartner(db: Db, ctx: ActionContext, id: string, edit: PartnerEdit): Promise<Partner> {
  const stored = await getPartner(db, id);
  if (!stored) throw new OperatorError(`No partner ${id}`);
  const { reliability: _shown, ...doc } = stored.partner;
  const input: PartnerInput = { ...doc, ...edit, secret: stored.secret, ...(stored.fraud ? { fraud: stored.fraud } : {}) };
  return (await putPartner(db, ctx, input)).partner;
}
