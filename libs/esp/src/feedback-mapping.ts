/**
 * How an ESP's delivery callbacks read: per integration, a preset (Infobip's delivery report push,
 * SendGrid's event webhook, the built-in sandbox) or a custom mapping of simple dotted paths. The
 * extraction is pure: a callback body in, delivery events out, each with a hash of the event as
 * received so that the same callback twice is recognised.
 */
import { canonicalHash, parseSentRequestKey } from '@sendgate/domain';

export const FEEDBACK_PRESETS = ['infobip', 'sendgrid', 'sandbox'] as const;
export type FeedbackPreset = (typeof FEEDBACK_PRESETS)[number];

/** What an ESP status maps to. */
export const MAPPED_STATUSES = ['delivered', 'bounce', 'error'] as const;
export type MappedStatus = (typeof MAPPED_STATUSES)[number];
/** `unmapped`: a status the mapping has no entry for (opens, clicks, pending): kept, and ignored. */
export type EspEventStatus = MappedStatus | 'unmapped';

export interface CustomFeedbackMapping {
  /** Where the events are in the body, such as `results[]`; absent: the body is one event or an array of them. */
  eventsPath?: string;
  messageIdPath?: string;
  /** Where the callback carries back the Idempotency-Key Sendgate sent (`<sendoutId>:<contactId>`). */
  idempotencyKeyPath?: string;
  statusPath: string;
  errorCodePath?: string;
  reasonPath?: string;
  /** The failure's type (a bounce's kind, say), reported as `messageFailure.type`. */
  failureTypePath?: string;
  statuses: Record<string, MappedStatus>;
}

export type FeedbackMapping = { preset: FeedbackPreset } | { custom: CustomFeedbackMapping };

/** One delivery event read from a callback. */
export interface EspEvent {
  espMessageId?: string;
  idempotencyKey?: string;
  status: EspEventStatus;
  espStatus: string | null;
  type: string | null;
  code: string | null;
  reason: string | null;
  /** SHA-256 of the canonical JSON of the event as received. */
  dedupeHash: string;
}

interface MappingRules extends CustomFeedbackMapping {
  /** SendGrid's sg_message_id is `<X-Message-Id>.filter…`: only the part before the first '.' is the id a send recorded. */
  messageIdBeforeDot?: boolean;
}

/** The body the sandbox ESP posts to an integration's callback URL. */
export interface SandboxCallbackBody {
  events: Array<{
    messageId: string;
    idempotencyKey: string;
    status: MappedStatus;
    type: string | null;
    code: string | null;
    reason: string | null;
    at: string;
  }>;
}

const PRESETS: Record<FeedbackPreset, MappingRules> = {
  infobip: {
    eventsPath: 'results[]',
    messageIdPath: 'messageId',
    // when the payload template sets callbackData to ${idempotencyKey}
    idempotencyKeyPath: 'callbackData',
    statusPath: 'status.groupName',
    errorCodePath: 'error.name',
    reasonPath: 'error.description',
    failureTypePath: 'error.groupName',
    statuses: { DELIVERED: 'delivered', UNDELIVERABLE: 'bounce', REJECTED: 'error', EXPIRED: 'error' },
  },
  sendgrid: {
    messageIdPath: 'sg_message_id',
    messageIdBeforeDot: true,
    // a custom_args entry {"idempotencyKey": "${idempotencyKey}"} comes back as a field of every event
    idempotencyKeyPath: 'idempotencyKey',
    statusPath: 'event',
    errorCodePath: 'status',
    reasonPath: 'reason',
    failureTypePath: 'type',
    statuses: { delivered: 'delivered', bounce: 'bounce', dropped: 'error' },
  },
  sandbox: {
    eventsPath: 'events[]',
    messageIdPath: 'messageId',
    idempotencyKeyPath: 'idempotencyKey',
    statusPath: 'status',
    errorCodePath: 'code',
    reasonPath: 'reason',
    failureTypePath: 'type',
    statuses: { delivered: 'delivered', bounce: 'bounce', error: 'error' },
  },
};

const SEGMENT = String.raw`[A-Za-z_$][\w$-]*(\[\d*\])*`;
const PATH = new RegExp(`^${SEGMENT}(\\.${SEGMENT})*$`);

/** A simple dotted path: `status.groupName`, `results[]`, `messages[0].id`. */
export function isFeedbackPath(path: string): boolean {
  return path.length <= 200 && PATH.test(path);
}

const PATH_FIELDS = ['eventsPath', 'messageIdPath', 'idempotencyKeyPath', 'statusPath', 'errorCodePath', 'reasonPath', 'failureTypePath'];

/** What is wrong with a custom mapping, by field under `prefix` (`feedbackMapping.custom.`). */
export function customMappingProblems(mapping: CustomFeedbackMapping, prefix: string): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  for (const field of PATH_FIELDS) {
    const path = (mapping as unknown as Record<string, unknown>)[field];
    if (typeof path === 'string' && !isFeedbackPath(path)) {
      problems.push({ field: `${prefix}${field}`, message: 'must be a dotted path such as status.groupName or results[]' });
    }
  }
  if (mapping.messageIdPath === undefined && mapping.idempotencyKeyPath === undefined) {
    problems.push({ field: `${prefix}messageIdPath`, message: 'give messageIdPath or idempotencyKeyPath (or both)' });
  }
  return problems;
}

export function isSandboxPreset(mapping: unknown): boolean {
  return typeof mapping === 'object' && mapping !== null && (mapping as { preset?: unknown }).preset === 'sandbox';
}

function rulesOf(mapping: FeedbackMapping): MappingRules {
  return 'preset' in mapping ? PRESETS[mapping.preset] : mapping.custom;
}

/**
 * The events of a callback body: one event object, an array of them, or (with an events path)
 * the wrapper holding them. Answers an empty list when the body holds none.
 */
export function extractEspEvents(mapping: FeedbackMapping, body: unknown): EspEvent[] {
  const rules = rulesOf(mapping);
  const roots = Array.isArray(body) ? body : [body];
  const raw = rules.eventsPath ? roots.flatMap((root) => readAll(root, rules.eventsPath!)) : roots;
  return raw.filter(isObject).map((event) => readEvent(rules, event));
}

function readEvent(rules: MappingRules, event: Record<string, unknown>): EspEvent {
  const espStatus = text(readFirst(event, rules.statusPath), 64);
  const status: EspEventStatus = espStatus !== null && Object.hasOwn(rules.statuses, espStatus) ? rules.statuses[espStatus] : 'unmapped';
  let espMessageId = rules.messageIdPath ? text(readFirst(event, rules.messageIdPath), 255) : null;
  if (espMessageId !== null && rules.messageIdBeforeDot) espMessageId = espMessageId.split('.')[0] || null;
  const key = rules.idempotencyKeyPath ? text(readFirst(event, rules.idempotencyKeyPath), 191) : null;
  // Only a key Sendgate itself sends can name a message; anything else is dropped here.
  const idempotencyKey = key !== null && parseSentRequestKey(key)?.kind === 'message' ? key.toLowerCase() : null;
  const failed = status === 'bounce' || status === 'error';
  return {
    ...(espMessageId !== null ? { espMessageId } : {}),
    ...(idempotencyKey !== null ? { idempotencyKey } : {}),
    status,
    espStatus,
    type: failed && rules.failureTypePath ? text(readFirst(event, rules.failureTypePath), 32) : null,
    code: failed && rules.errorCodePath ? text(readFirst(event, rules.errorCodePath), 64) : null,
    reason: failed && rules.reasonPath ? text(readFirst(event, rules.reasonPath), 500) : null,
    dedupeHash: canonicalHash(event),
  };
}

/** Every value at `path`: `[]` steps into each element of an array, `[n]` into one. */
function readAll(root: unknown, path: string): unknown[] {
  let values: unknown[] = [root];
  for (const part of path.split('.')) {
    const [name, ...indexes] = part.split('[');
    values = values.map((v) => (isObject(v) && Object.hasOwn(v, name) ? v[name] : undefined));
    for (const index of indexes) {
      const at = index.slice(0, -1);
      values = values.flatMap((v) => (!Array.isArray(v) ? [] : at === '' ? v : [v[Number(at)]]));
    }
    values = values.filter((v) => v !== undefined && v !== null);
  }
  return values;
}

function readFirst(event: unknown, path: string): unknown {
  return readAll(event, path)[0];
}

function text(value: unknown, max: number): string | null {
  if (typeof value === 'string') return value === '' ? null : value.slice(0, max);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).slice(0, max);
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
