/**
 * What never reaches a log line: secrets by field name (pino's `redact`, so it costs nothing at the
 * call sites and no call site can forget it), and the signed token in the path of the public
 * capability routes (the request serializer masks it).
 */

/** Field names that hold a secret wherever they appear. */
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
  'cookie',
  '["x-api-key"]',
  '["set-cookie"]',
  '["proxy-authorization"]',
];

/**
 * How deep the names are looked for: top level, and three levels below (`req.headers.authorization`,
 * `integration.auth.password`, `err.config.headers.authorization`). pino's redaction compiles exact
 * paths, so the depth is bounded; nothing we log nests secrets deeper.
 */
const DEPTHS = ['', '*.', '*.*.', '*.*.*.'];

export const REDACTED = '[Redacted]';

export const REDACT_PATHS: string[] = DEPTHS.flatMap((prefix) =>
  SECRET_FIELDS.map((field) => (field.startsWith('[') ? `${prefix.replace(/\.$/, '')}${field}` : `${prefix}${field}`)),
);

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
