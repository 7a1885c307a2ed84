/** What the audited operator actions need from a request: who acts, the time, the request id. */
import type { Context } from 'hono';
import type { AppEnv } from '../platform/app.ts';
import type { ActionContext } from '../operator/audited.ts';
import { OperatorError } from '../operator/errors.ts';
import { OperatorRefusal } from '../accounts/operators.ts';
import { ApiError } from '../platform/http.ts';

export function actionContext(c: Context<AppEnv>): ActionContext {
  const deps = c.get('deps');
  return { actor: c.get('actor'), now: deps.now(), requestId: c.get('requestId'), log: deps.log };
}

/**
 * Runs an operator action, answering its refusals as 4xx: a refusal of the
 * operator functions (a claim decided already, a file with bad rows, an
 * order another member holds) is a 422 with the function's message.
 */
export async function refusalsAs4xx<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof OperatorRefusal) {
      const status = err.code === 'not_found' ? 404 : err.code === 'email_taken' ? 409 : 400;
      throw new ApiError(status, err.code, err.message);
    }
    if (err instanceof OperatorError) throw new ApiError(422, 'refused', err.message);
    throw err;
  }
}
