/** The one error shape of the API, and request-body parsing that produces it. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod/mini';
import { unstorableTextPath } from '../../lib/contract/storable.ts';

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
  refuseUnstorableText(parsed.data);
  return parsed.data as z.infer<S>;
}

/** The message naming a field whose text PostgreSQL cannot store. */
export function unstorableTextMessage(path: string): string {
  return `${path}: text with a NUL character or a lone UTF-16 surrogate cannot be stored`;
}

/**
 * PostgreSQL text cannot hold U+0000 or a lone surrogate: refused here with a
 * 400 naming the field, or storing it fails as a 500 (or is silently changed).
 */
export function refuseUnstorableText(value: unknown): void {
  const path = unstorableTextPath(value);
  if (path !== undefined) throw badRequest(`Invalid request body: ${unstorableTextMessage(path)}`);
}

/**
 * Bodies are JSON, declared as such: anything else is a 415. A web page can
 * post \`text/plain\` (or a form) to any origin without a CORS preflight, so
 * accepting such a body as JSON would let every page on the web make its
 * visitors' browsers sign up or guess passwords here.
 */
export function requireJsonContentType(c: Context): void {
  const declared = c.req.header('Content-Type') ?? '';
  const mediaType = declared.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Request bodies must be JSON sent as Content-Type: application/json${declared ? ` (got ${JSON.stringify(declared.slice(0, 100))})` : ' (none given)'}`,
    );
  }
}

export async function readRawJson(c: Context): Promise<unknown> {
  // No body at all is a missing field (400, naming what is expected); a body of another type is a 415.
  if (c.req.header('Content-Type') === undefined && (c.req.header('Content-Length') ?? '0') === '0') {
    throw badRequest('The request body is empty; JSON was expected');
  }
  requireJsonContentType(c);
  const text = await c.req.text();
  if (text.trim() === '') throw badRequest('The request body is empty; JSON was expected');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

