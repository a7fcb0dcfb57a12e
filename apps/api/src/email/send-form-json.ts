/** The JSON-valued fields of the send form (defaultPlaceholders, headers, a JSON `to`), bounded before they are parsed. */
import { isInheritedName, jsonNestingDepth } from '@sendgate/domain';

export type ErrorSink = (field: string, message: string) => void;

export const JSON_FIELD_LIMITS = { depth: 8, headers: 50, headerChars: 1_000 } as const;

export function readJsonObject(field: string, raw: string | undefined, error: ErrorSink): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  if (jsonNestingDepth(raw, JSON_FIELD_LIMITS.depth) > JSON_FIELD_LIMITS.depth) {
    error(field, `nests more than ${JSON_FIELD_LIMITS.depth} levels deep`);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    error(field, 'must be a JSON object');
    return undefined;
  }
  if (!isPlainObject(value)) {
    error(field, 'must be a JSON object');
    return undefined;
  }
  const inherited = findInheritedKey(value);
  if (inherited !== undefined) {
    error(field, `uses the name ${JSON.stringify(inherited)}, a built-in property of every object`);
    return undefined;
  }
  return value;
}

export function readHeaders(value: Record<string, unknown> | undefined, error: ErrorSink): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const entries = Object.entries(value);
  if (entries.length > JSON_FIELD_LIMITS.headers) error('headers', `at most ${JSON_FIELD_LIMITS.headers} headers`);
  for (const [name, header] of entries) {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(name))
      error('headers', `has a header name that is not a token: ${JSON.stringify(name.slice(0, 100))}`);
    if (typeof header !== 'string' || header.length > JSON_FIELD_LIMITS.headerChars || /[\r\n]/.test(header))
      error('headers', `${name} must be a string of at most ${JSON_FIELD_LIMITS.headerChars} characters on one line`);
  }
  return value as Record<string, string>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Depth is bounded before parsing, so plain recursion is safe. */
function findInheritedKey(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (!Array.isArray(value) && isInheritedName(key)) return key;
    const found = findInheritedKey(item);
    if (found !== undefined) return found;
  }
  return undefined;
}
