/**
 * One call to the sync API, sorted into the outcomes sync has to tell apart:
 * an answer, "try again later" (network down, timeout, 5xx, 429), "sign in
 * again" (401), and a refusal that retrying will not fix.
 */
import { ErrorEnvelope } from '../contract/index.ts';
import type { SyncError } from '../db/index.ts';

/** `fetch`, injected so tests can script the API. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export const DEFAULT_TIMEOUT_MS = 15_000;

export interface ApiCall {
  fetch: FetchLike;
  baseUrl: string;
  now: () => Date;
  timeoutMs?: number;
}

export interface RequestOptions {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiOutcome =
  | { kind: 'ok'; status: number; body: unknown; headers: Headers }
  | { kind: 'not-modified'; headers: Headers }
  | { kind: 'unauthorized'; error: SyncError }
  | { kind: 'retry'; error: SyncError; retryAfterMs?: number }
  | { kind: 'refused'; status: number; error: SyncError };

/** Joins the configured base URL (with or without a trailing slash) and an absolute API path. */
export function apiUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

async function errorFrom(response: Response, now: Date): Promise<SyncError> {
  const at = now.toISOString();
  try {
    const parsed = ErrorEnvelope.safeParse(await response.json());
    if (parsed.success) return { code: parsed.data.error.code, message: parsed.data.error.message, at };
  } catch {
    // Not JSON: fall through to the status line.
  }
  return { code: `http_${response.status}`, message: response.statusText || `HTTP ${response.status}`, at };
}

/** Performs one request with a timeout; never throws. */
export async function apiRequest(call: ApiCall, options: RequestOptions): Promise<ApiOutcome> {
  const controller = new AbortController();
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await call.fetch(apiUrl(call.baseUrl, options.path), {
      method: options.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: controller.signal,
      // The token travels in a header; no cookies are ever needed or sent.
      credentials: 'omit',
    });
    const now = call.now();
    if (response.status === 304) return { kind: 'not-modified', headers: response.headers };
    if (response.ok) {
      try {
        return { kind: 'ok', status: response.status, body: await response.json(), headers: response.headers };
      } catch {
        return { kind: 'retry', error: { code: 'bad_response', message: 'The API answered with something that is not JSON', at: now.toISOString() } };
      }
    }
    const error = await errorFrom(response, now);
    if (response.status === 401) return { kind: 'unauthorized', error };
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      return { kind: 'retry', error, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now) };
    }
    return { kind: 'refused', status: response.status, error };
  } catch (cause) {
    const at = call.now().toISOString();
    if (controller.signal.aborted) {
      return { kind: 'retry', error: { code: 'timeout', message: `No answer within ${timeoutMs / 1000} s`, at } };
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    return { kind: 'retry', error: { code: 'network', message, at } };
  } finally {
    clearTimeout(timer);
  }
}
