import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TokenCache } from './oauth2';
import { OutboundGuard } from './outbound-connect';

describe('TokenCache', () => {
  let server: Server;
  let requests = 0;
  let url: string;
  let now = 0;
  const guard = new OutboundGuard({ allowPrivateNetworks: true });

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests += 1;
      setTimeout(
        () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ access_token: `t${requests}`, expires_in: 3600 })),
        20,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });

  afterAll(async () => {
    guard.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const credentials = () => ({
    tokenUrl: url,
    clientId: 'id',
    clientSecret: 's',
    clientIdKey: 'client_id',
    clientSecretKey: 'client_secret',
    credentialsIn: 'body' as const,
  });

  it('asks once however many sends start at once, and renews 30 s before expiry', async () => {
    requests = 0;
    const sut = new TokenCache({ timeoutMs: 5_000, guard }, () => now);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => sut.get('i1', credentials())));
    expect(new Set(tokens)).toEqual(new Set(['t1']));
    expect(requests).toBe(1);

    now += 3_569_000;
    expect(await sut.get('i1', credentials())).toBe('t1');
    now += 2_000; // within the last 30 s
    expect(await sut.get('i1', credentials())).toBe('t2');
  });

  it('refreshes after a 401 once, even when many sends saw the same stale token', async () => {
    requests = 0;
    const sut = new TokenCache({ timeoutMs: 5_000, guard }, () => now);
    const stale = await sut.get('i2', credentials());
    const fresh = await Promise.all(Array.from({ length: 10 }, () => sut.refresh('i2', credentials(), stale)));
    expect(new Set(fresh).size).toBe(1);
    expect(fresh[0]).not.toBe(stale);
    expect(requests).toBe(2);
  });
});
