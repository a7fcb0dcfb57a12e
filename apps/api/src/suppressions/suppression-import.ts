/**
 * The body of the suppression import: NDJSON, one `{"address", "channel"?, "reason"?, "source"?}`
 * per line, or CSV whose header row names those columns. Each line stands on its own: an invalid
 * one is counted and reported (the first hundred), the valid ones are imported. Only a body that
 * cannot be read as a whole is refused: no lines, more than MAX_IMPORT_LINES, a CSV header that
 * does not name `address` or names a column that is not one of the four (a misspelt `reason`
 * would otherwise import every line as `manual`). Lines are found with indexOf, never split into
 * an array: 64 MB of line breaks costs no memory.
 */
import { NewSuppression } from '@sendgate/database';
import {
  Channel,
  FieldError,
  MAX_SUPPRESSION_SOURCE,
  SUPPRESSION_REASONS,
  SuppressionReason,
  findUnpairedSurrogate,
  jsonNestingDepth,
  suppressionAddress,
} from '@sendgate/domain';
import { MAX_BODY_DEPTH } from '../common/body-parsers';
import { csvRecords } from '../common/csv';
import { badRequest } from '../common/validation';

export const MAX_IMPORT_LINES = 500_000;
/** The answer lists this many invalid lines' problems; `invalid` counts them all. */
export const MAX_IMPORT_ERRORS = 100;
export const IMPORT_FIELDS = ['address', 'channel', 'reason', 'source'] as const;
type ImportField = (typeof IMPORT_FIELDS)[number];
const CHANNELS: readonly string[] = Object.values(Channel);
/** An unknown field's name is quoted in the answer up to this length. */
const MAX_QUOTED_NAME = 64;

/** What a line that does not say takes: the query's channel, reason and source. */
export interface ImportDefaults {
  channel?: Channel;
  reason: SuppressionReason;
  source: string | null;
}

export interface ImportLineError extends FieldError {
  /** The line of the body (1-based, blank lines and a CSV header counted) */
  line: number;
}

export interface ImportBatch {
  entries: NewSuppression[];
  /** Lines that were not blank */
  received: number;
  invalid: number;
  errors: ImportLineError[];
}

type ImportRecord = { line: number; values: Partial<Record<ImportField, unknown>> } | { line: number; problems: FieldError[] };

/** Reads and checks every line; throws a 400 for a body that cannot be read as a whole. */
export function parseImport(text: string, format: 'ndjson' | 'csv', defaults: ImportDefaults): ImportBatch {
  const batch: ImportBatch = { entries: [], received: 0, invalid: 0, errors: [] };
  for (const record of format === 'csv' ? csvImportRecords(text) : ndjsonImportRecords(text)) {
    if (++batch.received > MAX_IMPORT_LINES) {
      throw badRequest([
        { field: '(body)', message: `holds more than ${MAX_IMPORT_LINES} lines: import at most ${MAX_IMPORT_LINES} per request` },
      ]);
    }
    const entry = 'problems' in record ? record.problems : entryOf(record.values, defaults);
    if (!Array.isArray(entry)) {
      batch.entries.push(entry);
      continue;
    }
    batch.invalid++;
    for (const problem of entry) if (batch.errors.length < MAX_IMPORT_ERRORS) batch.errors.push({ line: record.line, ...problem });
  }
  if (batch.received === 0) {
    throw badRequest([{ field: '(body)', message: format === 'csv' ? 'holds no lines after the header' : 'holds no lines' }]);
  }
  return batch;
}

function* ndjsonImportRecords(text: string): Generator<ImportRecord> {
  let start = 0;
  for (let line = 1; start < text.length; line++) {
    const end = text.indexOf('\n', start);
    const raw = text.slice(start, end === -1 ? text.length : end);
    start = end === -1 ? text.length : end + 1;
    if (raw.trim() === '') continue;
    yield { line, ...ndjsonValues(raw) };
  }
}

function ndjsonValues(raw: string): { values: Partial<Record<ImportField, unknown>> } | { problems: FieldError[] } {
  if (jsonNestingDepth(raw, MAX_BODY_DEPTH) > MAX_BODY_DEPTH)
    return { problems: [lineProblem(`nests more than ${MAX_BODY_DEPTH} levels deep`)] };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { problems: [lineProblem('is not JSON: send one {"address", "channel"?, "reason"?, "source"?} object per line')] };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [lineProblem('must be a JSON object: {"address", "channel"?, "reason"?, "source"?}')] };
  }
  const surrogate = findUnpairedSurrogate(raw, value);
  if (surrogate !== undefined) return { problems: [lineProblem('is not valid Unicode: it holds an unpaired surrogate (\\uD800-\\uDFFF)')] };
  const unknown = Object.keys(value).filter((key) => !(IMPORT_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    return {
      problems: unknown.map((key) => ({ field: shortName(key), message: `is not a field: the fields are ${IMPORT_FIELDS.join(', ')}` })),
    };
  }
  return { values: value as Partial<Record<ImportField, unknown>> };
}

function* csvImportRecords(text: string): Generator<ImportRecord> {
  let columns: ImportField[] | undefined;
  for (const record of csvRecords(text)) {
    if ('fields' in record && record.fields.every((field) => field.trim() === '')) continue;
    if (!columns) {
      columns = headerColumns(record);
      continue;
    }
    if ('problem' in record) {
      yield { line: record.line, problems: [lineProblem(record.problem)] };
    } else if (record.fields.length !== columns.length) {
      yield { line: record.line, problems: [lineProblem(`has ${record.fields.length} fields; the header has ${columns.length}`)] };
    } else {
      yield { line: record.line, values: Object.fromEntries(columns.map((column, i) => [column, record.fields[i]])) };
    }
  }
  if (!columns)
    throw badRequest([
      { field: '(header)', message: `is missing: the first line names the columns, address and any of channel, reason, source` },
    ]);
}

function headerColumns(record: { line: number; fields: string[] } | { line: number; problem: string }): ImportField[] {
  if ('problem' in record) throw badRequest([{ field: '(header)', message: record.problem }]);
  const columns = record.fields.map((field) => field.trim().toLowerCase());
  const problems: FieldError[] = [];
  columns.forEach((column, i) => {
    if (!(IMPORT_FIELDS as readonly string[]).includes(column)) {
      problems.push({ field: '(header)', message: `names the column ${quotedName(column)}: the columns are ${IMPORT_FIELDS.join(', ')}` });
    } else if (columns.indexOf(column) !== i) {
      problems.push({ field: '(header)', message: `names the column ${quotedName(column)} twice` });
    }
  });
  if (!columns.includes('address')) problems.push({ field: '(header)', message: 'does not name the column address' });
  if (problems.length > 0) throw badRequest(problems);
  return columns as ImportField[];
}

/** A line's entry, with the query's defaults for what it leaves out, or its problems. */
function entryOf(values: Partial<Record<ImportField, unknown>>, defaults: ImportDefaults): NewSuppression | FieldError[] {
  const problems: FieldError[] = [];
  const channel = given(values.channel) ?? defaults.channel;
  if (channel === undefined) {
    problems.push({ field: 'channel', message: 'is required: give it on the line or as the channel query parameter' });
  } else if (typeof channel !== 'string' || !CHANNELS.includes(channel)) {
    problems.push({ field: 'channel', message: `must be one of ${CHANNELS.join(', ')}` });
  }
  let address: string | undefined;
  if (typeof values.address !== 'string' || values.address.trim() === '') {
    problems.push({ field: 'address', message: 'is required: a string' });
  } else if (problems.length === 0) {
    const normal = suppressionAddress(channel as Channel, values.address);
    if ('problem' in normal) problems.push({ field: 'address', message: normal.problem });
    else address = normal.address;
  }
  const reason = given(values.reason) ?? defaults.reason;
  if (typeof reason !== 'string' || !(SUPPRESSION_REASONS as readonly string[]).includes(reason)) {
    problems.push({ field: 'reason', message: `must be one of ${SUPPRESSION_REASONS.join(', ')}` });
  }
  const source = given(values.source) ?? defaults.source;
  if (source !== null && (typeof source !== 'string' || source.length > MAX_SUPPRESSION_SOURCE)) {
    problems.push({ field: 'source', message: `must be a string of at most ${MAX_SUPPRESSION_SOURCE} characters` });
  }
  if (problems.length > 0 || address === undefined) return problems;
  return { channel: channel as Channel, address, reason: reason as SuppressionReason, source: source as string | null };
}

/** A value the line gives: absent, null and blank leave it to the defaults. A string is taken trimmed. */
function given(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? undefined : value.trim();
}

function lineProblem(message: string): FieldError {
  return { field: '(line)', message };
}

/** A name from the body as the answer quotes it: a 64 MB key is not echoed whole. */
function shortName(name: string): string {
  return name.length > MAX_QUOTED_NAME ? `${name.slice(0, MAX_QUOTED_NAME)}…` : name;
}

function quotedName(name: string): string {
  return JSON.stringify(shortName(name));
}
