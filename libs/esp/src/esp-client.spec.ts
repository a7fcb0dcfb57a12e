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
