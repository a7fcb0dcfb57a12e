import { EspReceiver } from '../esp-receiver';
import { FakeDnsServer } from '../fake-dns-server';
import { TestStack } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';

const refusal = (host: string) =>
  `refused to connect to ${host} (127.0.0.1): private or loopback address; set SENDGATE_ALLOW_PRIVATE_NETWORKS=true to allow it`;

/**
 * A name that resolves to a public address when the URL is saved and to loopback afterwards:
 * the save-time check passes, and every connection after it must be refused. The fake DNS server
 * answers each name's first A query with 203.0.113.10 (documentation, never connected to) and
 * 127.0.0.1 ever after; the fake ESP listens on 127.0.0.1.
 */
describe('an ESP host that rebinds to loopback after it was saved', () => {
  let dns: FakeDnsServer;
  let esp: EspReceiver;
  let stack: TestStack;

  beforeAll(async () => {
    dns = await FakeDnsServer.rebinding(['rebind.test', 'send.rebind.test']).start();
    esp = await new EspReceiver().start();
    stack = await TestStack.start({ env: { SENDGATE_ALLOW_PRIVATE_NETWORKS: 'false', SENDGATE_DNS_SERVERS: dns.address } });
  });

  afterAll(async () => {
    await stack?.stop();
    await esp?.stop();
    await dns?.stop();
  });

  const espUrl = (host: string) => `http://${host}:${new URL(esp.url).port}/send`;

  it('is accepted when saved, then the test call is refused at connect time and the ESP receives nothing', async () => {
    const created = await expectStatus(
      stack.request('POST', '/v1/integrations', {
        name: 'rebinding esp',
        channel: 'email',
        url: espUrl('rebind.test'),
        payloadTemplate: '{"to":"${email}"}',
      }),
      201,
    );

    const tested = await expectStatus(stack.request('POST', `/v1/integrations/${created.id}/test`, {}), 200);

    expect(tested.request).toMatchObject({ method: 'POST', url: espUrl('rebind.test') });
    expect(tested.response.error).toContain(refusal('rebind.test'));
    expect(tested.response.status).toBeUndefined();
    expect(dns.queries.filter((q) => q === 'A rebind.test')).toHaveLength(2);
    expect(esp.requests).toHaveLength(0);
  });

  it('refuses a loopback IP literal when the URL is saved, naming url', async () => {
    const response = await stack.request('POST', '/v1/integrations', {
      name: 'loopback esp',
      channel: 'email',
      url: esp.url,
      payloadTemplate: '{"to":"${email}"}',
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'url', message: expect.stringContaining('private or loopback address (127.0.0.1)') }]);
  });

  it('fails every message of a sendout through it with the refusal: a permanent failure, not a retry', async () => {
    await stack.startWorker();
    const seed = await seedSendout(stack, { contacts: 5, espUrl: espUrl('send.rebind.test') });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'rebinding',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'x' },
      }),
      202,
    );

    const done = await waitForStage(stack, sendout.id, 'COMPLETED', 60_000);

    expect(done.counts).toMatchObject({ FAILED: 5, SENT: 0 });
    const rows = await stack.dataSource.query('SELECT reason FROM messages WHERE sendout_id = ?', [sendout.id]);
    expect(rows.map((r: { reason: string }) => r.reason)).toEqual(Array(5).fill(refusal('send.rebind.test')));
    expect(esp.requests).toHaveLength(0);
  });
});
