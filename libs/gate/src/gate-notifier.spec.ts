import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboundGuard } from '@sendgate/esp';
import { GateNotifier } from './gate-notifier';

describe('GateNotifier', () => {
  let server: Server;
  let base: string;
  let connections = 0;
  const guard = new OutboundGuard({ allowPrivateNetworks: false });
  const sut = new GateNotifier(2_000, guard);

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200).end('{}'));
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    sut.close();
    guard.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  describe('when the endpoint is on loopback and private networks are not allowed', () => {
    it('delivers nothing over HTTP or SQS, and says why', async () => {
      const http = await sut.deliver({ transport: 'http', url: `${base}/hook`, auth: { type: 'none' } }, { test: true }, 'k1');
      const sqs = await sut.deliver(
        {
          transport: 'sqs',
          queueUrl: `${base}/000000000000/gate`,
          region: 'eu-west-1',
          accessKeyId: 'AKIA',
          secretAccessKey: 's',
          endpoint: base,
        },
        { test: true },
        'k2',
      );

      expect(http).toMatchObject({
        refused: true,
        delivered: false,
        error: expect.stringContaining('refused to connect to 127.0.0.1 (127.0.0.1): private or loopback address'),
      });
      expect(sqs).toMatchObject({
        delivered: false,
        refused: true,
        error: expect.stringContaining('refused to connect to 127.0.0.1 (127.0.0.1)'),
      });
      expect(connections).toBe(0);
    });
  });
});
