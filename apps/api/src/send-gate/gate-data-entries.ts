/** The body of the gate's data route: `[{id, data}]`, `{items: [...]}` or NDJSON, one `{id, data}` per line. */
import { HttpException, HttpStatus } from '@nestjs/common';
import { isInheritedName, jsonNestingDepth } from '@sendgate/domain';
import { MAX_BODY_DEPTH } from '../common/body-parsers';
import { formatBytes } from '../common/body-limits';

export const MAX_DATA_ENTRIES = 100_000;
/** Per contact: the data is stored with the message and read by every render of its templates. */
export const MAX_DATA_BYTES = 16 * 1024;
const MAX_ID_LENGTH = 191;

export interface GateDataEntry {
  externalId: string;
  data: Record<string, unknown>;
}

/** Parses and checks every entry; a repeated id keeps its last data. */
export function parseGateData(body: unknown): GateDataEntry[] {
  const list = entriesOf(body);
  const byId = new Map<string, Record<string, unknown>>();
  list.forEach((entry, i) => {
    const { id, data } = (entry ?? {}) as { id?: unknown; data?: unknown };
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
      throw badEntries(`items[${i}].id must be the contact's original id (a string of 1 to ${MAX_ID_LENGTH} characters)`, `items[${i}].id`);
    }
    if (!data || typeof data !== 'object' || Array.isArray(data))
      throw badEntries(`items[${i}].data must be an object`, `items[${i}].data`);
    const reserved = Object.keys(data).find(isInheritedName);
    if (reserved !== undefined) {
      throw badEntries(
        `items[${i}].data (id ${JSON.stringify(id)}) uses the field name ${JSON.stringify(reserved)}, a built-in property of every object`,
        `items[${i}].data`,
      );
    }
    const bytes = Buffer.byteLength(JSON.stringify(data));
    if (bytes > MAX_DATA_BYTES) {
      throw badEntries(
        `items[${i}].data (id ${JSON.stringify(id)}) is ${bytes} bytes as JSON; at most ${formatBytes(MAX_DATA_BYTES)} per contact`,
        `items[${i}].data`,
      );
    }
    byId.set(id, data as Record<string, unknown>);
  });
  return [...byId].map(([externalId, data]) => ({ externalId, data }));
}

function entriesOf(body: unknown): unknown[] {
  let list: unknown = body;
  if (typeof body === 'string') {
    list = body
      .split('\n')
      .filter((line) => line.trim())
      .map((line, i) => {
        if (jsonNestingDepth(line, MAX_BODY_DEPTH) > MAX_BODY_DEPTH)
          throw badEntries(`line ${i + 1} nests more than ${MAX_BODY_DEPTH} levels deep`, `items[${i}]`);
        try {
          return JSON.parse(line);
        } catch {
          throw badEntries('the body is not NDJSON: one {"id", "data"} object per line');
        }
      });
  } else if (body && typeof body === 'object' && !Array.isArray(body)) {
    list = (body as { items?: unknown }).items;
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_DATA_ENTRIES) {
    throw badEntries(`send a non-empty list of at most ${MAX_DATA_ENTRIES} {"id", "data"} entries`);
  }
  return list;
}

function badEntries(message: string, field = 'items'): HttpException {
  return new HttpException({ statusCode: 400, error: 'Bad Request', message, errors: [{ field, message }] }, HttpStatus.BAD_REQUEST);
}
