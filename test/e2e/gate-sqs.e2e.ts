import { Server } from 'node:http';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { EspReceiver } from '../esp-receiver';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, waitForStage, startSendingStack } from '../scenario';
import { freePort, waitFor } from '../wait';

describe('a gate endpoint on SQS', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let sqsServer: Server;
  let sqs: SQSClient;
  let queueUrl: string;
  let endpoint: string;

  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    sqsServer = await createSqsServer({ port, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false } as any);
    sqs = new SQSClient({
      region: 'eu-west-1',
      endpoint,
      credentials: { accessKeyId: 'integrator', secretAccessKey: 'integrator-secret' },
    });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'sendgate-gate' }))).QueueUrl!;
    ({ stack, esp } = sending = await startSendingStack());
  });

  afterAll(async () => {
    await sending?.stop();
    sqs?.destroy();
    await new Promise((resolve) => (sqsServer ? sqsServer.close(resolve) : resolve(undefined)));
  });

  it('delivers the webhook as one SQS message, and the integrator answers through the finishUri', async () => {
    const shown = await expectStatus(
      stack.request('PUT', '/v1/send-gate/endpoint', {
        transport: 'sqs',
        queueUrl,
        region: 'eu-west-1',
        accessKeyId: 'AKIASENDGATE',
        secretAccessKey: 'sqs-s3cret-key',
        endpoint,
      }),
      200,
    );
    expect(shown).toMatchObject({ transport: 'sqs', queueUrl, accessKeyId: 'AKIASENDGATE', secretAccessKey: '********' });

    const test = await expectStatus(stack.request('POST', '/v1/send-gate/endpoint/test'), 200);
    expect(test.response).toMatchObject({ delivered: true, transport: 'sqs', messageId: expect.any(String) });

    const seed = await seedSendout(stack, { contacts: 30, espUrl: esp.url });
    const sendout = await expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'over sqs',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'x' },
        gate: { enabled: true, timeout: '2m' },
      }),
      202,
    );

    let hook: any;
    await waitFor('the gate message on the queue', 30_000, async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        const body = JSON.parse(message.Body!);
        if (body.sendoutId === sendout.id) hook = body;
      }
      return hook !== undefined;
    });
    expect(hook).toMatchObject({ sendoutName: 'over sqs', itemCount: 30, itemDownloadUri: expect.stringContaining('/gate/v1/items/') });

    expect((await fetch(hook.finishUri, { method: 'POST' })).status).toBe(200);
    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    expect(done.counts.SENT).toBe(30);
  });

  it('answers 400 naming the field for an SQS endpoint without its secret key', async () => {
    const response = await stack.request('PUT', '/v1/send-gate/endpoint', {
      transport: 'sqs',
      queueUrl,
      region: 'eu-west-1',
      accessKeyId: 'AKIA',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['secretAccessKey']);
  });
});
