/** Delivers one gate webhook to the account's endpoint and answers what the endpoint said. */
import axios from 'axios';
import { GateEndpoint } from './gate-endpoint';

export interface DeliveryResult {
  delivered: boolean;
  transport: 'http' | 'sqs';
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  messageId?: string;
  error?: string;
}

export class GateNotifier {
  constructor(private readonly timeoutMs: number) {}

  async deliver(endpoint: GateEndpoint, payload: unknown): Promise<DeliveryResult> {
    switch (endpoint.transport) {
      case 'http':
        return this.post(endpoint, payload);
      case 'sqs':
        return { delivered: false, transport: 'sqs', error: 'the SQS transport is not available yet' };
    }
  }

  private async post(endpoint: Extract<GateEndpoint, { transport: 'http' }>, payload: unknown): Promise<DeliveryResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Sendgate' };
    const { auth } = endpoint;
    if (auth.type === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (auth.type === 'header') headers[auth.name.toLowerCase()] = auth.value;
    try {
      const response = await axios.post(endpoint.url, payload, {
        headers, timeout: this.timeoutMs, validateStatus: () => true, responseType: 'text', transformResponse: (d) => d, maxRedirects: 0,
      });
      const body = String(response.data ?? '').slice(0, 4_000);
      const ok = response.status >= 200 && response.status < 300;
      return {
        delivered: ok, transport: 'http', status: response.status, body,
        headers: Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)])),
        error: ok ? undefined : `endpoint answered ${response.status}: ${body.slice(0, 300)}`,
      };
    } catch (error) {
      return { delivered: false, transport: 'http', error: `endpoint unreachable: ${(error as Error).message}` };
    }
  }
}
