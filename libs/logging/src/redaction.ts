/**
 * What never reaches a log line: secrets by field name (censored by the logger itself, so it costs
 * nothing at the call sites and no call site can forget it), and the signed token in the path of
 * the public capability routes (the request serializer masks it).
 */

/** Field names that hold a secret wherever they appear, in any letter case. */
const SECRET_FIELDS = [
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'privateKey',
  'apiKey',
  'api_key',
  'secretAccessKey',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
];

const SECRET_NAMES = new Set(SECRET_FIELDS.map((field) => field.toLowerCase()));

/**
 * How deep a logged object is searched: `err.config.headers.authorization` is four levels down, and
 * nothing we log nests deeper than this. The bound also ends a search of a cyclic object.
 */
const MAX_DEPTH = 8;

export const REDACTED = '[Redacted]';

/**
 * The value as it may be logged: every field with a secret's name, at any depth up to MAX_DEPTH, in
 * objects and arrays, becomes REDACTED. One pass over the value, no copy unless a field is censored
 * (then only the objects on its path are copied): the value the caller logged is never changed.
 */
export function redactSecrets<T>(value: T): T {
  return censor(value, 0) as T;
}

/**
 * The fields of a log line or of a child logger's bindings, censored as redactSecrets does, except
 * the top-level ones named in `serialized`: their serializer makes what is logged of them, and
 * censors it if it has to (a raw request is not worth searching).
 */
export function redactFields<T extends object>(fields: T, serialized: object): T {
  return censor(fields, 0, serialized) as T;
}

function censor(value: unknown, depth: number, serialized?: object): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || ArrayBuffer.isView(value) || value instanceof Date) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const censored = censor(value[i], depth + 1);
      if (censored !== value[i]) (copy ??= value.slice())[i] = censored;
    }
    return copy ?? value;
  }
  const fields = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(fields)) {
    if (serialized && Object.hasOwn(serialized, name)) continue;
    const field = fields[name];
    const censored = field !== undefined && SECRET_NAMES.has(name.toLowerCase()) ? REDACTED : censor(field, depth + 1);
    if (censored !== field) (copy ??= { ...fields })[name] = censored;
  }
  return copy ?? value;
}

export const MASK = '***';

/**
 * The public routes whose path carries a capability: a signed gate token, the secret of an ESP
 * callback URL, or a message's unsubscribe token. Anyone holding the URL can act with it, so the token segment is masked in every
 * logged URL (the logs e2e checks that every `:token` route of the API is listed here).
 */
export const CAPABILITY_ROUTES = [
  '/gate/v1/finish/:token',
  '/gate/v1/reject/:token',
  '/gate/v1/items/:token',
  '/gate/v1/data/:token',
  '/hooks/esp/:token',
  '/u/:token',
] as const;

/** `/hooks/esp/:token` → a case-insensitive match of `/hooks/esp/<anything but / ? #>`, tolerant of doubled slashes. */
const CAPABILITY_PATTERNS = CAPABILITY_ROUTES.map((route) => {
  const [prefix] = route.split(':token');
  const literal = prefix
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('/+');
  return new RegExp(`^(/+${literal}/+)[^/?#]+`, 'i');
});

/** The URL as it may be logged: the token segment of a capability route replaced by `***`. */
export function maskUrl(url: string): string {
  for (const pattern of CAPABILITY_PATTERNS) {
    if (pattern.test(url)) return url.replace(pattern, `$1${MASK}`);
  }
  return url;
}

interface LoggableRequest {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
}

/**
 * A request as logged: id, method and masked URL. No headers, no body: what identifies a caller
 * (Authorization, x-api-key, cookies) stays out even before redaction. Takes a raw request or
 * pino-http's serialized one (which keeps `url` as the original URL).
 */
export function serializeRequest(req: LoggableRequest): Record<string, unknown> {
  const url = req.originalUrl ?? req.url;
  return { id: req.id, method: req.method, url: url === undefined ? undefined : maskUrl(url) };
}

/** A response as logged: its status. */
export function serializeResponse(res: { statusCode?: number }): Record<string, unknown> {
  return { statusCode: res.statusCode };
}
