import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { EspClient, classify, parseRetryAfter } from './esp-client';
import { OutboundGuard } from './outbound-connect';
import { checkOutboundUrl } from './outbound-url';

describe('classify', () => {
  it.each([
    [200, 'sent'],
    [202, 'sent'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [400, 'rejected'],
    [401, 'rejected'],
    [404, 'rejected'],
    [422, 'rejected'],
  ])('treats HTTP %i as %s', (status, kind) => {
    expect(classify(status, 'body').kind).toBe(kind);
  });

  it('keeps an excerpt of the body in the reason', () => {
    expect(classify(422, '{"error":  "bad\n recipient"}')).toEqual({
      kind: 'rejected',
      status: 422,
      reason: 'ESP answered 422: {"error": "bad recipient"}',
    });
  });
});

describe('parseRetryAfter', () => {
  it('waits at most an hour, however long the ESP asks for', () => {
    expect(parseRetryAfter('86400')).toBe(3_600_000);
    expect(parseRetryAfter(new Date(10 * 3_600_000).toUTCString(), 0)).toBe(3_600_000);
  });

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('outbound URLs', () => {
  it('refuses private targets unless allowed', async () => {
    const refusing = new OutboundGuard({ allowPrivateNetworks: false });
    const allowing = new OutboundGuard({ allowPrivateNetworks: true });
    expect(await checkOutboundUrl('http://127.0.0.1:8080/send', refusing)).toMatch(/private or loopback/);
    expect(await checkOutboundUrl('http://[::ffff:7f00:1]:8080/send', refusing)).toMatch(/private or loopback/);
    expect(await checkOutboundUrl('http://127.0.0.1:8080/send', allowing)).toBeUndefined();
    expect(await checkOutboundUrl('https://user:pw@93.184.216.34/x', allowing)).toMatch(/credentials/);
    expect(await checkOutboundUrl('file:///etc/passwd', allowing)).toMatch(/http/);
  });
});

describe('EspClient answers of unknown length', () => {
  it('keeps the first 64 KB of a chunked answer and reuses the connection after it', async () => {
    const sockets = new Set<unknown>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      req.resume();
      req.on('end', () => {
        // writeHead before the body: Node sends it chunked, with no content-length.
        res.writeHead(req.url === '/big' ? 422 : 200, { 'content-type': 'application/json' });
        if (req.url === '/big') for (let i = 0; i < 100; i++) res.write('x'.repeat(1024));
        res.end(req.url === '/big' ? '' : '{"id":"m-1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new EspClient({ connectionsPerOrigin: 1, timeoutMs: 5_000, guard: new OutboundGuard({ allowPrivateNetworks: true }) });
    try {
      const big = await client.post({ url: `${base}/big`, headers: {}, body: '{}' });
      expect(big).toEqual({ kind: 'rejected', status: 422, reason: `ESP answered 422: ${'x'.repeat(300)}` });
      expect(await client.post({ url: `${base}/small`, headers: {}, body: '{}' })).toEqual({
        kind: 'sent',
        status: 200,
        body: '{"id":"m-1"}',
      });
      expect(sockets.size).toBe(1);
    } finally {
      await client.close();
      server.close();
    }
  });
});

describe('EspClient exchanges', () => {
  let server: ReturnType<typeof createServer>;
  let base: string;
  /** Answers held until the test releases them: a slow ESP. */
  const held: Array<() => void> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/hold') return void held.push(() => res.end('{}'));
        if (req.url === '/busy') {
          res.writeHead(429, { 'retry-after': '7' });
          return void res.end('slow down');
        }
        if (req.url === '/large') {
          res.writeHead(200, { 'content-length': String(80 * 1024) });
          return void res.end('y'.repeat(80 * 1024));
        }
        res.end(JSON.stringify({ id: 'm-1', key: req.headers['idempotency-key'], type: req.headers['content-type'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    held.splice(0).forEach((release) => release());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (options: { timeoutMs?: number; connectionsPerOrigin?: number; allowPrivateNetworks?: boolean } = {}) =>
    new EspClient({
      connectionsPerOrigin: options.connectionsPerOrigin ?? 4,
      timeoutMs: options.timeoutMs ?? 5_000,
      guard: new OutboundGuard({ allowPrivateNetworks: options.allowPrivateNetworks ?? true }),
    });

  it('sends the headers and body and answers the ESP body', async () => {
    const esp = client();
    try {
      const outcome = await esp.post({ url: `${base}/send`, headers: { 'idempotency-key': 'k-1' }, body: '{"to":"a@example.com"}' });
      expect(outcome).toEqual({ kind: 'sent', status: 200, body: '{"id":"m-1","key":"k-1","type":"application/json"}' });
    } finally {
      await esp.close();
    }
  });

  it('reads Retry-After from an ESP that asks to come back later', async () => {
    const esp = client();
    try {
      expect(await esp.post({ url: `${base}/busy`, headers: {}, body: '{}' })).toEqual({
        kind: 'retry',
        reason: 'ESP answered 429: slow down',
        retryAfterMs: 7_000,
        status: 429,
      });
    } finally {
      await esp.close();
    }
  });

  it('keeps the first 64 KB of a long answer of known length', async () => {
    const esp = client();
    try {
      const outcome = await esp.post({ url: `${base}/large`, headers: {}, body: '{}' });
      expect(outcome.kind).toBe('sent');
      expect((outcome as { body: string }).body).toBe('y'.repeat(64 * 1024));
    } finally {
      await esp.close();
    }
  });

  it('gives up on an answer at the deadline, and on a request still waiting for a connection too', async () => {
    // One connection: the second request waits behind the first, held answer.
    const esp = client({ timeoutMs: 300, connectionsPerOrigin: 1 });
    try {
      const outcomes = await Promise.all([
        esp.post({ url: `${base}/hold`, headers: {}, body: '{}' }),
        esp.post({ url: `${base}/hold`, headers: {}, body: '{}' }),
      ]);
      for (const outcome of outcomes) {
        expect(outcome).toEqual({ kind: 'retry', reason: 'ESP did not answer within 300 ms', timedOut: true });
      }
      // The aborted exchange's connection is not reused; the next request gets a new one.
      expect(await esp.post({ url: `${base}/send`, headers: {}, body: '{}' })).toMatchObject({ kind: 'sent', status: 200 });
    } finally {
      await esp.close();
    }
  });

  it('answers an ESP it cannot reach as a retry, and an address the guard refuses as refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const esp = client();
    const guarded = client({ allowPrivateNetworks: false });
    try {
      expect(await esp.post({ url: `http://127.0.0.1:${closedPort}/send`, headers: {}, body: '{}' })).toEqual({
        kind: 'retry',
        reason: expect.stringMatching(/^ESP unreachable: .*ECONNREFUSED/),
      });
      expect(await esp.post({ url: 'not a url', headers: {}, body: '{}' })).toEqual({
        kind: 'retry',
        reason: expect.stringMatching(/^ESP unreachable: Invalid URL/),
      });
      expect(await guarded.post({ url: `${base}/send`, headers: {}, body: '{}' })).toEqual({
        kind: 'refused',
        reason: expect.stringMatching(/private or loopback/),
      });
    } finally {
      await Promise.all([esp.close(), guarded.close()]);
    }
  });
});
