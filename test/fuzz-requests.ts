/**
 * Malformed requests for the fuzz test: every route the Nest router knows, with hostile paths,
 * headers and bodies. Request `i` depends only on the seed and `i`, so a failure can be replayed
 * alone whatever order the requests ran in.
 */
import type { Route } from './routes';

export type { Route } from './routes';
export { listRoutes } from './routes';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** What the request builder fills in: real ids of this stack's data and tokens of every kind. */
export interface FuzzWorld {
  apiKey: string;
  ids: Record<
    'project' | 'segment' | 'integration' | 'sendout' | 'contact' | 'feedbackWebhook' | 'feedbackDelivery' | 'suppressedAddress',
    string
  >;
  /** Validly signed tokens by action, forged ones, expired ones. */
  tokens: { valid: Record<string, string[]>; forged: string[]; expired: string[] };
  /** Bodies that pass validation, by "METHOD /path", mutated into bad ones. */
  samples: Record<string, unknown>;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildRequest(seed: number, index: number, routes: Route[], world: FuzzWorld): FuzzRequest {
  const rnd = prng(seed ^ Math.imul(index + 1, 0x9e3779b1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const chance = (p: number) => rnd() < p;

  const route = chance(0.02)
    ? { method: pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), path: pick(['/', '/v1', '/v1/nope', '/gate/v1/x']) }
    : pick(routes);
  const method = chance(0.05) ? pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) : route.method;
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => pathSegment(paramValue(name, route.path, world, rnd, pick, chance)));

  const headers: Record<string, string> = {};
  if (!chance(0.05))
    headers.authorization = chance(0.05)
      ? pick(['Bearer ', 'Bearer sg_nope', 'App x', 'Basic Zm9vOmJhcg==', `Bearer ${world.apiKey}x`])
      : `Bearer ${world.apiKey}`;
  if (method === 'GET' || method === 'DELETE' || method === 'OPTIONS') {
    if (chance(0.3)) return { method, path: withQuery(path, rnd, pick), headers: accept(headers, rnd, pick) };
    return { method, path, headers: accept(headers, rnd, pick) };
  }

  const sample = world.samples[`${route.method} ${route.path}`] ?? {};
  const kind = rnd();
  let body: string | Buffer | undefined;
  if (kind < 0.55) body = JSON.stringify(mutate(structuredClone(sample), rnd, pick, chance));
  else if (kind < 0.62)
    body = pick([
      '',
      ' ',
      '{',
      '{"a":',
      '[1,]',
      'null',
      'true',
      '"x"',
      '123',
      '{"a":1}{"b":2}',
      'NaN',
      '\u0000',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
    ]);
  else if (kind < 0.68) body = deepJson(pick([100, 1_000, 100_000]), pick(['[', '{"a":']));
  else if (kind < 0.74) body = badUtf8(JSON.stringify(sample), rnd);
  else if (kind < 0.78)
    body = JSON.stringify(Array.from({ length: pick([1_000, 20_000, 100_000]) }, (_, i) => (chance(0.5) ? i : { id: `x${i}` })));
  else if (kind < 0.8) body = JSON.stringify({ ...asObject(sample), blob: 'x'.repeat(pick([200_000, 1_100_000, 2_000_000])) });
  else if (kind < 0.85) body = JSON.stringify(sample);
  else if (kind < 0.9) body = ndjson(rnd, pick);
  // else no body at all

  if (body !== undefined || chance(0.5)) {
    headers['content-type'] = chance(0.8)
      ? 'application/json'
      : pick([
          'application/x-ndjson',
          'text/csv',
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'a/b/c',
          'application/json; charset=latin1',
          '',
          'application/json\u00ff',
        ]);
  }
  return { method, path, headers: accept(headers, rnd, pick), body };
}

function paramValue(
  name: string,
  routePath: string,
  world: FuzzWorld,
  rnd: () => number,
  pick: <T>(items: readonly T[]) => T,
  chance: (p: number) => boolean,
): string {
  if (name === 'token') {
    const action = routePath.split('/')[3];
    const roll = rnd();
    if (roll < 0.35) return pick(world.tokens.valid[action] ?? world.tokens.forged);
    if (roll < 0.55) return pick(world.tokens.forged);
    if (roll < 0.65) return pick(world.tokens.expired);
    if (roll < 0.75) return pick(Object.values(world.tokens.valid).flat()); // signed, but for another action
    return garbage(rnd, pick, chance);
  }
  if (chance(0.45)) {
    if (name === 'externalId') return world.ids.contact;
    if (name === 'deliveryId') return world.ids.feedbackDelivery;
    if (name === 'channel') return pick(['email', 'sms']);
    if (name === 'address') return world.ids.suppressedAddress;
    if (routePath.includes('/feedback-webhooks/')) return world.ids.feedbackWebhook;
    const entity = (['project', 'segment', 'integration', 'sendout'] as const).find((e) => routePath.includes(`/${e}s/`));
    if (entity) return world.ids[entity];
  }
  return chance(0.3) ? uuid(rnd) : garbage(rnd, pick, chance);
}

/** Percent-encodes a path parameter, except the `raw:` ones that test broken encodings as they are. */
function pathSegment(value: string): string {
  return value.startsWith('raw:') ? value.slice(4) : encodeURIComponent(Buffer.from(value).toString()); // lone surrogates become U+FFFD
}

function uuid(rnd: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function garbage(rnd: () => number, pick: <T>(items: readonly T[]) => T, chance: (p: number) => boolean): string {
  return pick([
    () => 'x'.repeat(pick([37, 192, 1_025, 10_000])),
    () => '00000000-0000-0000-0000-00000000000g',
    () => "' OR 1=1 --",
    () => '..%2F..%2Fetc%2Fpasswd',
    () => '\u{1F600}'.repeat(50),
    () => '\ud800\udc00\udfff',
    () => 'raw:%FF%FE',
    () => 'raw:%',
    () => 'raw:%E0%A4%A',
    () => '__proto__',
    () => 'constructor',
    () => 'a.b.c',
    () => String(Math.floor(rnd() * 1e15)),
    () => (chance(0.5) ? ' ' : '\t'),
  ])();
}

const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  'x'.repeat(70_000),
  '\u0000',
  '\ud800',
  '\u{1F600}',
  [],
  [[]],
  {},
  { a: {} },
  'not-a-uuid',
  '9999-99-99T99:99:99Z',
  '0999-12-31T00:00:00Z',
  '10000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '${__proto__}',
  '{{ contact.constructor }}',
  '{% for x in (1..100000000) %}{% endfor %}',
  "'; DROP TABLE contacts; --",
];

/** One hostile change to a valid body: drop, add or retype a field (nested ones included). */
function mutate(value: unknown, rnd: () => number, pick: <T>(items: readonly T[]) => T, chance: (p: number) => boolean): unknown {
  if (chance(0.05)) return pick(HOSTILE_VALUES);
  const holders = collectHolders(value);
  if (holders.length === 0) return value;
  const holder = pick(holders);
  const keys = Object.keys(holder);
  const roll = rnd();
  if (roll < 0.2 && keys.length > 0) delete (holder as Record<string, unknown>)[pick(keys)];
  else if (roll < 0.3)
    Object.defineProperty(holder, pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'extra', 'x'.repeat(300)]), {
      value: pick(HOSTILE_VALUES),
      enumerable: true,
    });
  else if (keys.length > 0)
    (holder as Record<string, unknown>)[pick(keys)] = chance(0.15) ? deepValue(pick([70, 500])) : pick(HOSTILE_VALUES);
  return value;
}

function collectHolders(value: unknown, out: object[] = [], depth = 0): object[] {
  if (value && typeof value === 'object' && depth < 6) {
    out.push(value);
    for (const child of Object.values(value)) collectHolders(child, out, depth + 1);
  }
  return out;
}

function deepValue(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

function deepJson(depth: number, open: string): string {
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

/** Valid JSON text with invalid UTF-8 bytes spliced into it (stray continuation, overlong, surrogate). */
function badUtf8(json: string, rnd: () => number): Buffer {
  const text = Buffer.from(json);
  const at = Math.floor(rnd() * (text.length + 1));
  const bad = [
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0xc0, 0x80]),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from([0x80]),
    Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  ];
  return Buffer.concat([text.subarray(0, at), bad[Math.floor(rnd() * bad.length)], text.subarray(at)]);
}

function ndjson(rnd: () => number, pick: <T>(items: readonly T[]) => T): string {
  const lines = Array.from({ length: 1 + Math.floor(rnd() * 20) }, (_, i) =>
    pick([
      JSON.stringify({ id: `c-${i}`, data: { code: 'x' } }),
      JSON.stringify({ id: `c-${i}`, data: { constructor: 1 } }),
      JSON.stringify({ id: 'x'.repeat(300), data: {} }),
      JSON.stringify({ id: `c-${i}`, data: { big: 'x'.repeat(20_000) } }),
      JSON.stringify({ id: 5, data: [] }),
      '{"id":',
      '['.repeat(5_000),
      '',
    ]),
  );
  return lines.join('\n');
}

function withQuery(path: string, rnd: () => number, pick: <T>(items: readonly T[]) => T): string {
  const value = pick(['accepted', 'rejected', 'timedOut', 'nope', '-1', '1e400', '99999999999999999999', '%FF', 'x'.repeat(5_000), '']);
  const second = `${pick(['limit', 'after', 'path'])}=${Math.floor(rnd() * 20_000) - 5}`;
  return `${path}?${pick(['path', 'after', 'limit', 'x', '__proto__'])}=${value}&${second}`;
}

function accept(headers: Record<string, string>, rnd: () => number, pick: <T>(items: readonly T[]) => T): Record<string, string> {
  if (rnd() < 0.1) headers.accept = pick(['text/csv', 'application/xml', '*/*', 'x'.repeat(3_000)]);
  return headers;
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
