/** The one error shape of the API, and request-body parsing that produces it. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod/mini';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'bad_request', message);
export const unauthorized = (message = 'A valid bearer token is required') => new ApiError(401, 'unauthorized', message);
export const notFound = (message = 'Not found') => new ApiError(404, 'not_found', message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);

export function errorBody(requestId: string, code: string, message: string) {
  return { error: { code, message, requestId } };
}

/** Names a strict object's unknown fields, shortened: they are the client's text, echoed back. */
function unknownFields(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k));
  return `unknown field${keys.length === 1 ? '' : 's'} ${shown.join(', ')}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''}`;
}

/** Describes zod issues in one line a client developer can act on. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      // zod/mini carries no message texts: say which fields a strict object does not know.
      const message = i.code === 'unrecognized_keys' ? unknownFields(i.keys) : i.message;
      return i.path.length ? `${i.path.join('.')}: ${message}` : message;
    })
    .join('; ');
}

/** Reads the JSON body: malformed JSON or a body the schema refuses is a 400 in the error envelope. */
export async function readJson<S extends z.ZodMiniType>(c: Context, schema: S): Promise<z.infer<S>> {
  const raw = await readRawJson(c);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(`Invalid request body: ${describeIssues(parsed.error)}`);
  // PostgreSQL text cannot hold U+0000: refused here, or storing it fails as a 500.
  if (containsNul(parsed.data)) throw badRequest('Invalid request body: a text field contains a NUL character');
  return parsed.data as z.infer<S>;
}

/** Whether any string (value or key) in a parsed JSON value contains U+0000. */
function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return true;
    } else if (Array.isArray(next)) {
      stack.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, inner] of Object.entries(next)) {
        if (key.includes('\u0000')) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

export async function readRawJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw badRequest('The request body is empty; JSON was expected');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

/**
 * Refuses (415) a request body that is not declared as JSON. A web page can
 * send `text/plain` across origins without a CORS preflight; asking for
 * `application/json` means no page can post to the API unasked.
 */
export function requireJsonContentType(c: Context): void {
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', `The body must be JSON with Content-Type: application/json${type ? ` (got ${JSON.stringify(type.slice(0, 100))})` : ' (none given)'}`);
  }
}
