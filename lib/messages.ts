/**
 * The one message protocol between content script, popup/options pages and
 * background. Message types are named by direction (`content:…` comes from
 * the content script on a partner page, `popup:…` and `options:…` from the
 * extension's own pages). The background parses every message with
 * `parseMessage` and checks its sender with `checkSender` before a handler
 * sees it; anything forged or malformed is dropped and logged.
 */
import * as z from 'zod/mini';
import type { Member, Partner, Redemption, Reward } from './contract/index.ts';
import type { PageData } from './detect/page-data.ts';
import type { PurchaseMoment, ReminderMoment } from './inpage/moments.ts';
import { CandidateSchema, PageRefSchema } from './record.ts';
import type { Settings, SyncState } from './db/index.ts';
import type { SyncResult } from './sync/index.ts';

export const Message = z.discriminatedUnion('type', [
  /** The content script asks which partner its page belongs to (the background decides from the tab's URL). */
  z.object({ type: z.literal('content:get-partner') }),
  /** A detector found an order confirmation. */
  z.object({
    type: z.literal('content:purchase-detected'),
    partnerId: z.string().check(z.maxLength(64)),
    candidate: CandidateSchema,
    page: PageRefSchema,
  }),
  /**
   * Detection health: this partner page showed an order but nothing was
   * recorded automatically (a reason code, nothing about the page), or the
   * member answered "not an order". Counted on the device, reported with the
   * next sync (lib/sync/reports.ts).
   */
  z.object({
    type: z.literal('content:detection-report'),
    reason: z.string().check(z.regex(/^[a-z_]{1,40}$/, 'a reason code')),
    detectorVersion: z.string().check(z.regex(/^[0-9A-Za-z.+-]{1,20}$/, 'a version')),
  }),
  /** The content script asks whether to show the first-visit reminder (the background decides and marks it shown). */
  z.object({ type: z.literal('content:get-reminder') }),
  /** "Not in this shop" on the reminder: mutes the sending tab's partner, never another one. */
  z.object({ type: z.literal('content:mute-shop') }),
  /**
   * The detector asks for the page's tracking objects: the background runs
   * `readPageData` in the sending frame's MAIN world (scripting.executeScript)
   * and answers with what it returned, so nothing passes through the page.
   */
  z.object({ type: z.literal('content:read-page-data') }),
  /** The sending tab is at its partner's final checkout step: the next partner page of the tab is the one it leads to. */
  z.object({ type: z.literal('content:at-final-step') }),
  z.object({ type: z.literal('popup:get-state') }),
  z.object({ type: z.literal('popup:sync-now') }),
  z.object({
    type: z.literal('popup:sign-in'),
    email: z.string().check(z.minLength(3), z.maxLength(254)),
    password: z.string().check(z.minLength(1), z.maxLength(200)),
    mode: z.enum(['login', 'register']),
    device: z.optional(z.string().check(z.maxLength(100))),
  }),
  z.object({ type: z.literal('popup:sign-out') }),
  /** The code from the mail sent after registration; points are spendable once the email is confirmed. */
  z.object({ type: z.literal('popup:verify-email'), code: z.string().check(z.regex(/^\d{6}$/, 'six digits')) }),
  z.object({ type: z.literal('popup:resend-code') }),
  z.object({ type: z.literal('popup:refresh-catalog') }),
  /** A missing-points claim for one of the member's receipts. */
  z.object({ type: z.literal('popup:claim'), purchaseId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  z.object({ type: z.literal('popup:get-rewards') }),
  z.object({
    type: z.literal('popup:redeem'),
    rewardId: z.string().check(z.minLength(1), z.maxLength(64)),
    idempotencyKey: z.string().check(z.minLength(8), z.maxLength(100)),
  }),
  /** The onboarding or options page records the member's decision (and, on yes, has asked for host access). */
  z.object({ type: z.literal('options:set-consent'), given: z.boolean() }),
  z.object({
    type: z.literal('options:update-settings'),
    apiBaseUrl: z.optional(z.string().check(z.maxLength(300), z.regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL'))),
    /** Personal suggestions, computed on the device; and their line in the in-page moment after a purchase. */
    personalSuggestions: z.optional(z.boolean()),
    inpageSuggestions: z.optional(z.boolean()),
    notifications: z.optional(z.boolean()),
    reminders: z.optional(z.boolean()),
    mutedShops: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(1000))),
    /** The member's switch for detection health; turning it off deletes the counters (lib/db updateSettings). */
    detectionReports: z.optional(z.boolean()),
  }),
  /** Host access changed (granted on the onboarding page): register content scripts again. */
  z.object({ type: z.literal('options:permissions-changed') }),
  /** Forget everything on this device: receipts, outbox, account, catalogue, settings and consent. */
  z.object({ type: z.literal('options:delete-local-data') }),
]);
export type Message = z.infer<typeof Message>;
export type MessageType = Message['type'];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** What the popup needs to paint without opening the database itself. */
export interface ExtensionState {
  signedIn: boolean;
  member?: Member;
  sync: SyncState;
  /** Receipts waiting to reach the server. */
  waiting: number;
  /** Receipts the server holds a different body for. */
  conflicts: number;
  consent: Settings['consent'];
}

/**
 * Why a page's request failed, in the words the popup explains to the
 * member. Server error codes and sync failures map onto these through
 * `failureCode`.
 */
export type FailureCode =
  | 'offline'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'email_taken'
  | 'insufficient_points'
  | 'email_not_verified'
  | 'weak_password'
  | 'invalid_code'
  | 'rate_limited'
  | 'no_consent'
  | 'generic';

/** Every answer to a page: `{ok: true, …}` or `{ok: false, error}`. */
export type PageAnswer<T extends object = object> = ({ ok: true } & T) | { ok: false; error: FailureCode };

/** Maps an API or sync error code onto what the popup can explain. */
export function failureCode(code: string, context: 'login' | 'register' | 'other' = 'other'): FailureCode {
  if (code === 'network' || code === 'timeout') return 'offline';
  if (code === 'rate_limited' || code === 'http_429') return 'rate_limited';
  if (code === 'insufficient_points') return 'insufficient_points';
  if (code === 'email_not_verified' || code === 'weak_password' || code === 'invalid_code') return code;
  if (code === 'unauthorized') return context === 'login' ? 'invalid_credentials' : 'unauthorized';
  if (code === 'conflict' && context === 'register') return 'email_taken';
  return 'generic';
}

/** The answer to each message type. */
export interface Responses {
  /** `afterFinalStep`: the tab's previous partner page was this partner's final checkout step (lib/detect/session.ts). */
  'content:get-partner': { partner: Partner | null; afterFinalStep?: boolean };
  'content:at-final-step': { marked: boolean };
  /** `moment` tells the page what to show: the new receipt, or the one recorded before (a reload). */
  'content:purchase-detected': { recorded: boolean; purchaseId?: string; moment?: PurchaseMoment };
  'content:detection-report': { counted: boolean };
  'content:get-reminder': { reminder: ReminderMoment | null };
  'content:mute-shop': { muted: boolean };
  /** Null when it could not be read (no consent, a browser without MAIN-world scripting): the detectors fall back to inline script text. */
  'content:read-page-data': { pageData: PageData | null };
  'popup:get-state': PageAnswer<ExtensionState>;
  'popup:sync-now': PageAnswer<{ result: SyncResult }>;
  'popup:sign-in': PageAnswer<{ member: Member }>;
  'popup:verify-email': PageAnswer<{ member: Member }>;
  'popup:resend-code': PageAnswer;
  'popup:sign-out': PageAnswer;
  'popup:refresh-catalog': PageAnswer<{ changed: boolean }>;
  'popup:claim': PageAnswer;
  'popup:get-rewards': PageAnswer<{ rewards: Reward[] }>;
  'popup:redeem': PageAnswer<{ redemption: Redemption }>;
  'options:set-consent': PageAnswer<{ consent: Settings['consent'] }>;
  'options:update-settings': PageAnswer<{ settings: Settings }>;
  'options:permissions-changed': PageAnswer<{ registered: number }>;
  'options:delete-local-data': PageAnswer;
}

/** The little we read from `runtime.MessageSender`. */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

/** What a handler knows about a checked sender: for content messages, the tab and its partner. */
export interface CheckedSender {
  tabId?: number;
  /** The sending frame (content messages only; 0 is the tab's top frame). */
  frameId?: number;
  /** The partner the sending tab's host belongs to (content messages only). */
  partnerId?: string;
}

export type Handlers = { [T in MessageType]: (message: MessageOf<T>, sender: CheckedSender) => Promise<Responses[T]> };

/** Parses an incoming message; undefined (and a warning) when it does not fit the protocol. */
export function parseMessage(raw: unknown): Message | undefined {
  const parsed = Message.safeParse(raw);
  if (parsed.success) return parsed.data;
  const claimed = typeof raw === 'object' && raw !== null && 'type' in raw ? raw.type : undefined;
  const type = typeof claimed === 'string' ? claimed.slice(0, 60) : typeof raw;
  console.warn(`Sammelpunkt: dropped a malformed message (${type})`, parsed.error.issues.slice(0, 3));
  return undefined;
}

export interface SenderContext {
  /** `browser.runtime.id`. */
  runtimeId: string;
  /** `browser.runtime.getURL('')`: the origin of the extension's own pages, with a trailing slash. */
  extensionBaseUrl: string;
  /** The catalogue's host → partner id lookup. */
  partnerForHost: (host: string) => string | undefined;
}

export type SenderVerdict = { ok: true; sender: CheckedSender } | { ok: false; reason: string };

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.hostname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `sender` may send `message`. Content messages must come from this
 * extension's content script in a tab whose page belongs to a partner (and a
 * purchase claim must name that very partner); popup and options messages
 * must come from one of the extension's own pages.
 */
export function checkSender(message: Message, sender: Sender, context: SenderContext): SenderVerdict {
  if (sender.id !== context.runtimeId) return { ok: false, reason: 'sent by another extension or a page' };
  if (message.type.startsWith('content:')) {
    const tabHost = hostOf(sender.tab?.url);
    if (tabHost === undefined || sender.tab?.id === undefined) return { ok: false, reason: 'not from a web page tab' };
    const partnerId = context.partnerForHost(tabHost);
    if (partnerId === undefined) return { ok: false, reason: `tab ${tabHost} is not a partner shop` };
    // The frame that sent it must be on the same partner as its tab.
    const frameHost = hostOf(sender.url);
    if (sender.url !== undefined && (frameHost === undefined || context.partnerForHost(frameHost) !== partnerId)) {
      return { ok: false, reason: 'sent from a frame outside the partner shop' };
    }
    if (message.type === 'content:purchase-detected' && message.partnerId !== partnerId) {
      return { ok: false, reason: `claims partner ${message.partnerId} on a page of ${partnerId}` };
    }
    return { ok: true, sender: { tabId: sender.tab.id, frameId: sender.frameId, partnerId } };
  }
  if (sender.url === undefined || !sender.url.startsWith(context.extensionBaseUrl)) {
    return { ok: false, reason: 'not from an extension page' };
  }
  return { ok: true, sender: { tabId: sender.tab?.id } };
}

/**
 * Parses, checks and dispatches one message. Returns undefined for a
 * dropped message (after a warning), otherwise the handler's answer.
 */
export async function dispatchMessage(
  raw: unknown,
  sender: Sender,
  context: SenderContext,
  handlers: Handlers,
): Promise<Responses[MessageType] | undefined> {
  const message = parseMessage(raw);
  if (message === undefined) return undefined;
  const verdict = checkSender(message, sender, context);
  if (!verdict.ok) {
    console.warn(`Sammelpunkt: dropped ${message.type}: ${verdict.reason}`);
    return undefined;
  }
  return callHandler(handlers, message, verdict.sender);
}

function callHandler<T extends MessageType>(handlers: Handlers, message: MessageOf<T>, sender: CheckedSender): Promise<Responses[T]> {
  const handler = handlers[message.type as T] as (m: MessageOf<T>, s: CheckedSender) => Promise<Responses[T]>;
  return handler(message, sender);
}

/** Sends a message and types the answer; `send` is `browser.runtime.sendMessage`. */
export async function sendTyped<T extends MessageType>(
  send: (message: unknown) => Promise<unknown>,
  message: MessageOf<T>,
): Promise<Responses[T]> {
  return (await send(message)) as Responses[T];
}
