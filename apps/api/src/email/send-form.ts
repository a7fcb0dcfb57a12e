/**
 * The fields of `POST /email/3/send` as Infobip's clients send them, read into one request or a
 * list of field errors. Pure: the multipart parts are read elsewhere (multipart-reader.ts).
 * `to` comes repeated, as `to[0]`/`to['0']`, or as JSON `{"to","placeholders"}`; every field has
 * a size limit and every refusal names its field.
 */
import { FieldError, readInfobipTime } from '@sendgate/domain';
import { ErrorSink, isPlainObject, readHeaders, readJsonObject } from './send-form-json';

export interface FormField {
  name: string;
  value: string;
}

export interface FormFile {
  /** The part's field name: attachment or inlineImage (or one of their indexed forms). */
  name: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface EmailRecipient {
  address: string;
  placeholders?: Record<string, unknown>;
}

export interface EmailSendRequest {
  from: string;
  /** The address inside `from` ("Jane <jane@example.com>" → jane@example.com). */
  fromAddress: string;
  to: EmailRecipient[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string;
  html?: string;
  files: Array<{ disposition: 'attachment' | 'inline'; filename: string; contentType: string; content: Buffer }>;
  replyTo?: string;
  bulkId?: string;
  messageId?: string;
  sendAt?: Date;
  notifyUrl?: string;
  notifyContentType?: string;
  callbackData?: string;
  defaultPlaceholders?: Record<string, unknown>;
  headers?: Record<string, string>;
  flags: Record<string, boolean>;
  /** Send to addresses suppressed as `unsubscribed` (transactional mail); bounces and complaints stay suppressed. */
  ignoreUnsubscribes: boolean;
}

export const SEND_LIMITS = {
  recipients: 1_000,
  subjectChars: 1_000,
  bodyChars: 1_000_000,
  addressChars: 320,
  idChars: 100,
  urlChars: 2_048,
  contentTypeChars: 100,
  callbackDataChars: 4_000,
  /** A JSON field (defaultPlaceholders, headers, one recipient's placeholders). */
  jsonChars: 16_384,
  filenameChars: 255,
  fileContentTypeChars: 255,
  files: 100,
  sendAheadMs: 30 * 24 * 3_600_000,
} as const;

export const FLAG_FIELDS = ['track', 'trackClicks', 'trackOpens', 'intermediateReport', 'preserveRecipients'] as const;
const LIST_FIELDS = new Set(['to', 'cc', 'bcc']);
const SINGLE_FIELDS = new Set([
  'from',
  'subject',
  'text',
  'html',
  'replyTo',
  'bulkId',
  'messageId',
  'sendAt',
  'notifyUrl',
  'notifyContentType',
  'callbackData',
  'defaultPlaceholders',
  'headers',
  'ignoreUnsubscribes',
  ...FLAG_FIELDS,
]);
const FILE_FIELDS: Record<string, 'attachment' | 'inline'> = { attachment: 'attachment', inlineImage: 'inline' };

/** `to`, `to[]`, `to[0]`, `to['0']`, `to["0"]` all name the field `to`. */
export function baseFieldName(name: string): string {
  const indexed = /^([A-Za-z][A-Za-z0-9]*)\[(?:\d+|'\d+'|"\d+")?\]$/.exec(name);
  return indexed ? indexed[1] : name;
}

const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;
const CLIENT_ID = /^[\x21-\x7e]+$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= SEND_LIMITS.addressChars && ADDRESS.test(value);
}

/** "Jane Doe <jane@example.com>" or a bare address; undefined when it holds no valid address. */
export function addressOf(value: string): string | undefined {
  const named = /^[^<>]*<([^<>]+)>\s*$/.exec(value);
  const address = (named ? named[1] : value).trim();
  return isEmailAddress(address) ? address : undefined;
}

/** Infobip's `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`, or ISO 8601 with a zone; undefined when neither. */
export function parseSendAt(value: string): Date | undefined {
  return readInfobipTime(value.trim());
}

export function readSendForm(
  fields: FormField[],
  files: FormFile[],
  options: { maxAttachmentBytes: number; now: Date },
): { request?: EmailSendRequest; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const error = (field: string, message: string) => void errors.push({ field, message });
  const single = new Map<string, string>();
  const lists: Record<string, string[]> = { to: [], cc: [], bcc: [] };

  for (const { name, value } of fields) {
    const base = baseFieldName(name);
    if (LIST_FIELDS.has(base)) lists[base].push(value);
    else if (SINGLE_FIELDS.has(base)) {
      if (single.has(base)) error(base, 'is given more than once');
      else single.set(base, value);
    } else if (base in FILE_FIELDS) error(base, 'must be a file part (with a filename)');
    // Other fields of Infobip's API (templateId, trackingUrl, …) are accepted and not acted on.
  }

  const text = (field: string, max: number, required = false): string | undefined => {
    const value = single.get(field);
    if (value === undefined || value === '') {
      if (required) error(field, 'is required');
      return undefined;
    }
    if (value.length > max) error(field, `must be at most ${max} characters`);
    return value;
  };

  const from = text('from', SEND_LIMITS.addressChars + 200, true);
  const fromAddress = from === undefined ? undefined : addressOf(from);
  if (from !== undefined && fromAddress === undefined) error('from', 'must be an email address, or "Name <address>"');
  const subject = text('subject', SEND_LIMITS.subjectChars, true);
  const html = text('html', SEND_LIMITS.bodyChars);
  const plain = text('text', SEND_LIMITS.bodyChars);

  const to = readRecipients(lists.to, error);
  const cc = readAddresses('cc', lists.cc, error);
  const bcc = readAddresses('bcc', lists.bcc, error);
  if (lists.to.length === 0) error('to', 'is required');
  const recipients = lists.to.length + lists.cc.length + lists.bcc.length;
  if (recipients > SEND_LIMITS.recipients)
    error('to', `has ${recipients} recipients over to, cc and bcc; at most ${SEND_LIMITS.recipients}`);

  const replyTo = text('replyTo', SEND_LIMITS.addressChars);
  if (replyTo !== undefined && addressOf(replyTo) === undefined) error('replyTo', 'must be an email address');
  const bulkId = text('bulkId', SEND_LIMITS.idChars);
  if (bulkId !== undefined && !CLIENT_ID.test(bulkId)) error('bulkId', 'must be printable ASCII without spaces');
  const messageId = text('messageId', SEND_LIMITS.idChars);
  if (messageId !== undefined && !CLIENT_ID.test(messageId)) error('messageId', 'must be printable ASCII without spaces');
  if (messageId !== undefined && to.length > 1) error('messageId', 'can only be given for a request to one recipient');

  const sendAtText = text('sendAt', 64);
  let sendAt: Date | undefined;
  if (sendAtText !== undefined) {
    sendAt = parseSendAt(sendAtText);
    if (!sendAt) error('sendAt', "must be a date like 2026-12-01T10:00:00.000+0000 (yyyy-MM-dd'T'HH:mm:ss.SSSZ) or ISO 8601 with a zone");
    else if (sendAt.getTime() - options.now.getTime() > SEND_LIMITS.sendAheadMs) error('sendAt', 'must be at most 30 days ahead');
  }

  const notifyUrl = text('notifyUrl', SEND_LIMITS.urlChars);
  const notifyContentType = text('notifyContentType', SEND_LIMITS.contentTypeChars);
  const callbackData = text('callbackData', SEND_LIMITS.callbackDataChars);
  const defaultPlaceholders = readJsonObject('defaultPlaceholders', text('defaultPlaceholders', SEND_LIMITS.jsonChars), error);
  const headers = readHeaders(readJsonObject('headers', text('headers', SEND_LIMITS.jsonChars), error), error);

  const flag = (field: string): boolean | undefined => {
    const value = single.get(field);
    if (value === undefined) return undefined;
    if (/^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    error(field, 'must be true or false');
    return undefined;
  };
  const flags: Record<string, boolean> = {};
  for (const field of FLAG_FIELDS) {
    const value = flag(field);
    if (value !== undefined) flags[field] = value;
  }
  const ignoreUnsubscribes = flag('ignoreUnsubscribes') ?? false;

  const outFiles: EmailSendRequest['files'] = [];
  let totalBytes = 0;
  for (const file of files) {
    const base = baseFieldName(file.name);
    const disposition = FILE_FIELDS[base];
    if (!disposition) {
      error(base, 'is not a file field: files go in attachment or inlineImage parts');
      continue;
    }
    if (file.filename.length === 0 || file.filename.length > SEND_LIMITS.filenameChars)
      error(base, `needs a file name of 1 to ${SEND_LIMITS.filenameChars} characters`);
    if (file.contentType.length > SEND_LIMITS.fileContentTypeChars)
      error(base, `has a content type longer than ${SEND_LIMITS.fileContentTypeChars} characters`);
    totalBytes += file.content.length;
    outFiles.push({
      disposition,
      filename: file.filename,
      contentType: file.contentType || 'application/octet-stream',
      content: file.content,
    });
  }
  if (outFiles.length > SEND_LIMITS.files) error('attachment', `at most ${SEND_LIMITS.files} files (attachments and inline images)`);
  if (totalBytes > options.maxAttachmentBytes)
    error('attachment', `attachments and inline images must total at most ${options.maxAttachmentBytes} bytes`);

  if (errors.length > 0) return { errors };
  return {
    errors,
    request: {
      from: from!,
      fromAddress: fromAddress!,
      to,
      cc,
      bcc,
      subject: subject!,
      ...(html !== undefined ? { html } : plain !== undefined ? { text: plain } : {}),
      files: outFiles,
      ...defined({ replyTo, bulkId, messageId, sendAt, notifyUrl, notifyContentType, callbackData, defaultPlaceholders, headers }),
      flags,
      ignoreUnsubscribes,
    },
  };
}

/** Each `to` value: an address, or JSON `{"to": address, "placeholders": {...}}`. The same address twice is one recipient. */
function readRecipients(values: string[], error: ErrorSink): EmailRecipient[] {
  const seen = new Set<string>();
  const out: EmailRecipient[] = [];
  values.forEach((raw, i) => {
    const field = `to[${i}]`;
    let address = raw.trim();
    let placeholders: Record<string, unknown> | undefined;
    if (address.startsWith('{')) {
      if (raw.length > SEND_LIMITS.jsonChars) return error(field, `must be at most ${SEND_LIMITS.jsonChars} characters`);
      const value = readJsonObject(field, raw, error);
      if (!value) return;
      if (typeof value.to !== 'string') return error(`${field}.to`, 'must be an email address');
      address = value.to.trim();
      if (value.placeholders !== undefined) {
        if (!isPlainObject(value.placeholders)) return error(`${field}.placeholders`, 'must be a JSON object');
        placeholders = value.placeholders;
      }
    }
    if (!isEmailAddress(address)) return error(field, 'must be an email address');
    const key = address.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push(placeholders ? { address, placeholders } : { address });
  });
  return out;
}

function readAddresses(field: string, values: string[], error: ErrorSink): string[] {
  values.forEach((value, i) => {
    if (addressOf(value) === undefined) error(`${field}[${i}]`, 'must be an email address');
  });
  return values;
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
