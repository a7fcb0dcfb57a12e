/** Delivers one gate webhook to the account's endpoint and answers what the endpoint said. */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import axios from 'axios';
import { OutboundGuard, isOutboundRefusal } from '@sendgate/esp';
import { GateEndpoint } from './gate-endpoint';

type SqsEndpoint = Extract<GateEndpoint, { transport: 'sqs' }>;

export interface DeliveryResult {
  delivered: boolean;
  transport: 'http' | 'sqs';
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  messageId?: string;
  error?: string;
  /** The endpoint's address is one Sendgate will not connect to: no retry can deliver it. */
  refused?: boolean;
}

export class GateNotifier {
  /** One client per credentials and endpoint: clients keep their connections alive. */
  private readonly sqsClients = new Map<string, SQSClient>();

  constructor(
    private readonly timeoutMs: number,
    private readonly guard: OutboundGuard,
  ) {}

  /** `idempotencyKey` is the same on every attempt, so the integrator can drop our retries. */
  async deliver(endpoint: GateEndpoint, payload: unknown, idempotencyKey: string): Promise<DeliveryResult> {
    switch (endpoint.transport) {
      case 'http':
        return this.post(endpoint, payload, idempotencyKey);
      case 'sqs':
        return this.enqueue(endpoint, payload);
    }
  }

  close(): void {
    for (const client of this.sqsClients.values()) client.destroy();
    this.sqsClients.clear();
  }

  private async enqueue(endpoint: SqsEndpoint, payload: unknown): Promise<DeliveryResult> {
    try {
      const answer = await this.sqsClient(endpoint).send(
        new SendMessageCommand({
          QueueUrl: endpoint.queueUrl,
          MessageBody: JSON.stringify(payload),
          MessageAttributes: { source: { DataType: 'String', StringValue: 'sendgate' } },
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
      return { delivered: true, transport: 'sqs', messageId: answer.MessageId };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      return {
        delivered: false,
        transport: 'sqs',
        status,
        error: `SQS refused the message: ${(error as Error).name}: ${(error as Error).message}`,
        ...(isOutboundRefusal(error) ? { refused: true } : {}),
      };
    }
  }

  private sqsClient(endpoint: SqsEndpoint): SQSClient {
    const key = JSON.stringify([endpoint.region, endpoint.accessKeyId, endpoint.secretAccessKey, endpoint.endpoint ?? '']);
    let client = this.sqsClients.get(key);
    if (!client) {
      client = new SQSClient({
        region: endpoint.region,
        endpoint: endpoint.endpoint,
        credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
        maxAttempts: 1, // Temporal retries the activity; no hidden second retry loop
        // The SDK's own agents would resolve the queue's host again, unchecked.
        requestHandler: this.guard.createAgents(),
      });
      if (this.sqsClients.size > 100) this.close();
      this.sqsClients.set(key, client);
    }
    return client;
  }

  private async post(
    endpoint: Extract<GateEndpoint, { transport: 'http' }>,
    payload: unknown,
    idempotencyKey: string,
  ): Promise<DeliveryResult> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Sendgate',
      'idempotency-key': idempotencyKey,
    };
    const { auth } = endpoint;
    if (auth.type === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (auth.type === 'header') headers[auth.name.toLowerCase()] = auth.value;
    try {
      const response = await axios.post(endpoint.url, payload, {
        ...this.guard.axiosAgents,
        headers,
        timeout: this.timeoutMs,
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: (d) => d,
        maxRedirects: 0,
      });
      const body = String(response.data ?? '').slice(0, 4_000);
      const ok = response.status >= 200 && response.status < 300;
      return {
        delivered: ok,
        transport: 'http',
        status: response.status,
        body,
        headers: Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)])),
        error: ok ? undefined : `endpoint answered ${response.status}: ${body.slice(0, 300)}`,
      };
    } catch (error) {
      return {
        delivered: false,
        transport: 'http',
        error: `endpoint unreachable: ${(error as Error).message}`,
        ...(isOutboundRefusal(error) ? { refused: true } : {}),
      };
    }
  }
}
