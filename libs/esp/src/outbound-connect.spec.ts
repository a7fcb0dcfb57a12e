import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import axios from 'axios';
import { FakeDnsServer } from '../../../test/fake-dns-server';
import { EspClient } from './esp-client';
import { OutboundGuard, isOutboundRefusal } from './outbound-connect';

const REFUSED =
  'refused to connect to loopback.test (127.0.0.1): private or loopback address; set SENDGATE_ALLOW_PRIVATE_NETWORKS=true to allow it';

describe('OutboundGuard', () => {
  let dns: FakeDnsServer;
  let server: Server;
  let port: number;
  let connections = 0;
  let refusing: OutboundGuard;
  let allowing: OutboundGuard;

  beforeAll(async () => {
    const names: Record<string, (count: number) => string> = {
      'public.test': () => '203.0.113.10',
      'loopback.test': () => '127.0.0.1',
      'rebind.test': (count) => (count === 1 ? '203.0.113.10' : '127.0.0.1'),
    };
    dns = await new FakeDnsServer((name, count) => names[name]?.(count)).start();
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    refusing = new OutboundGuard({ allowPrivateNetworks: false, dnsServers: [dns.address] });
    allowing = new OutboundGuard({ allowPrivateNetworks: true, dnsServers: [dns.address] });
  });

  afterAll(async () => {
    refusing.destroy();
    allowing.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dns.stop();
  });

  const lookup = (guard: OutboundGuard, host: string, options: object) =>
    new Promise<unknown>((resolve, reject) =>
      guard.lookup(host, options, (error, address, family) => (error ? reject(error) : resolve({ address, family }))),
    );

  describe('as dns.lookup', () => {
    it('answers one address, or all of them, through the configured DNS server', async () => {
      expect(await lookup(refusing, 'public.test', {})).toEqual({ address: '203.0.113.10', family: 4 });
      expect(await lookup(refusing, 'public.test', { all: true })).toEqual({ address: [{ address: '203.0.113.10', family: 4 }] });
      await expect(lookup(refusing, 'public.test', { family: 6 })).rejects.toMatchObject({
        code: expect.stringMatching(/ENODATA|ENOTFOUND/),
      });
      await expect(lookup(refusing, 'unknown.test', {})).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });

    it('refuses a name that resolves to loopback, naming the name, the address and the setting', async () => {
      await expect(lookup(refusing, 'loopback.test', { all: true })).rejects.toThrow(REFUSED);
      expect(await lookup(allowing, 'loopback.test', {})).toEqual({ address: '127.0.0.1', family: 4 });
    });

    it('resolves again on every lookup, so a name rebound to loopback is refused at the next connection', async () => {
      expect(await lookup(refusing, 'rebind.test', {})).toEqual({ address: '203.0.113.10', family: 4 });
      await expect(lookup(refusing, 'rebind.test', {})).rejects.toThrow(/refused to connect to rebind\.test \(127\.0\.0\.1\)/);
    });
  });

  describe('when private networks are not allowed', () => {
    it('refuses loopback by name and as an IP literal, and the server sees no connection (undici and axios)', async () => {
      const sut = new EspClient({ connectionsPerOrigin: 2, timeoutMs: 2_000, guard: refusing });
      const before = connections;
      const post = (url: string) => sut.post({ url, headers: {}, body: '{}' });

      expect(await post(`http://loopback.test:${port}/send`)).toEqual({ kind: 'refused', reason: REFUSED });
      expect(await post(`http://127.0.0.1:${port}/send`)).toEqual({
        kind: 'refused',
        reason: expect.stringContaining('refused to connect to 127.0.0.1 (127.0.0.1)'),
      });
      expect(await post(`http://[::ffff:127.0.0.1]:${port}/send`)).toMatchObject({ kind: 'refused' });
      for (const url of [`http://loopback.test:${port}/`, `http://127.0.0.1:${port}/`, `http://[::ffff:7f00:1]:${port}/`]) {
        const error = await axios.post(url, '{}', { ...refusing.axiosAgents, maxRedirects: 0 }).catch((e: unknown) => e);
        expect(isOutboundRefusal(error)).toBe(true);
      }
      expect(connections).toBe(before);
      await sut.close();
    });
  });

  describe('when private networks are allowed', () => {
    it('connects to the address the configured DNS server gave', async () => {
      const sut = new EspClient({ connectionsPerOrigin: 2, timeoutMs: 2_000, guard: allowing });
      const before = connections;

      expect(await sut.post({ url: `http://loopback.test:${port}/send`, headers: {}, body: '{}' })).toMatchObject({
        kind: 'sent',
        status: 200,
      });
      expect((await axios.post(`http://loopback.test:${port}/`, '{}', allowing.axiosAgents)).status).toBe(200);
      expect(connections).toBeGreaterThan(before);
      await sut.close();
    });
  });
});

describe('EspClient deadline', () => {
  let server: Server;
  let url: string;
  const guard = new OutboundGuard({ allowPrivateNetworks: true });

  beforeAll(async () => {
    // Headers at once, then a body that trickles for longer than the deadline: no idle timeout fires.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let chunks = 0;
      const timer = setInterval(() => {
        chunks += 1;
        if (chunks < 20 && !res.destroyed) return void res.write(' ');
        clearInterval(timer);
        res.end('{}');
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  });

  afterAll(async () => {
    guard.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on an answer still arriving after timeoutMs, and leaves it to a retry', async () => {
    const sut = new EspClient({ connectionsPerOrigin: 1, timeoutMs: 300, guard });

    const outcome = await sut.post({ url, headers: {}, body: '{}' });

    expect(outcome).toEqual({ kind: 'retry', reason: 'ESP did not answer within 300 ms', timedOut: true });
    await sut.close();
  });
});
