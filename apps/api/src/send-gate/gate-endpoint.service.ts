import { Inject, Injectable } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { MASK, SecretBox } from '@sendgate/crypto';
import { GateEndpointsRepository, SendGateEndpointEntity } from '@sendgate/database';
import { FieldError } from '@sendgate/domain';
import { OutboundGuard, checkOutboundUrl, sameOrigin } from '@sendgate/esp';
import { GateEndpoint, GateNotifier, maskEndpoint, openEndpoint, sealEndpoint } from '@sendgate/gate';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';

@Injectable()
export class GateEndpointService {
  constructor(
    private readonly endpoints: GateEndpointsRepository,
    private readonly box: SecretBox,
    private readonly notifier: GateNotifier,
    private readonly guard: OutboundGuard,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  async put(accountId: string, body: unknown): Promise<Record<string, unknown>> {
    const stored = await this.endpoints.find(accountId);
    const endpoint = await this.parse(body, stored ? openEndpoint(stored, this.box) : undefined);
    const sealed = sealEndpoint(endpoint, this.box);
    await this.endpoints.put(accountId, sealed);
    return maskEndpoint(sealed);
  }

  async get(accountId: string): Promise<Record<string, unknown>> {
    return maskEndpoint(await this.stored(accountId));
  }

  /** Sends a sample gate webhook and answers what the endpoint replied. */
  async test(accountId: string) {
    const endpoint = openEndpoint(await this.stored(accountId), this.box);
    const base = `${this.config.api.publicBaseUrl}/gate/v1`;
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const sample = {
      test: true, sendoutId: '00000000-0000-0000-0000-000000000000', finishUri: `${base}/finish/sample`, actions: [{ id: 'sample-action' }],
      projectName: 'Sample project', journeyName: 'Sample journey', sendoutName: 'Sample sendout',
      itemDownloadUri: `${base}/items/sample`, itemCount: 1, expiresAt,
    };
    const result = await this.notifier.deliver(endpoint, sample, `gate-test:${Date.now()}`);
    return { request: { transport: endpoint.transport, payload: sample }, response: result };
  }

  private async stored(accountId: string): Promise<SendGateEndpointEntity> {
    const stored = await this.endpoints.find(accountId);
    if (!stored) throw notFound('send gate endpoint of account', accountId);
    return stored;
  }

  /**
   * A secret sent as "********" keeps the stored one, but only while the destination stays the
   * same: a secret never follows the endpoint to a new host.
   */
  private async parse(body: unknown, previous?: GateEndpoint): Promise<GateEndpoint> {
    const errors: FieldError[] = [];
    const b = (body ?? {}) as Record<string, any>;
    const text = (field: string, value: unknown, max = 2048) => {
      if (typeof value !== 'string' || value.length === 0 || value.length > max) errors.push({ field, message: `must be a non-empty string of at most ${max} characters` });
      return value as string;
    };
    /** `stored`: the secret kept at an unchanged destination; `moved`: whether the destination changed. */
    const secret = (field: string, value: unknown, max: number, stored: string | undefined, moved: boolean) => {
      if (value !== MASK) return text(field, value, max);
      if (moved) errors.push({ field, message: 'send the secret again: it does not follow the endpoint to a new host' });
      else if (stored === undefined) errors.push({ field, message: 'is the mask, and no stored secret of this kind is there to keep: send the secret itself' });
      return stored as string;
    };
    const prior = <T extends GateEndpoint['transport']>(transport: T) =>
      previous?.transport === transport ? (previous as Extract<GateEndpoint, { transport: T }>) : undefined;
    let endpoint: GateEndpoint | undefined;
    if (b.transport === 'http') {
      const url = text('url', b.url);
      const auth = (b.auth ?? { type: 'none' }) as Record<string, unknown>;
      const before = prior('http');
      const moved = before !== undefined && !sameOrigin(url, before.url);
      const storedAuth = moved ? undefined : before?.auth;
      if (auth.type === 'basic') {
        const username = text('auth.username', auth.username, 200);
        const password = secret('auth.password', auth.password, 500, storedAuth?.type === 'basic' ? storedAuth.password : undefined, moved);
        endpoint = { transport: 'http', url, auth: { type: 'basic', username, password } };
      } else if (auth.type === 'header') {
        const name = text('auth.name', auth.name, 100);
        if (typeof name === 'string' && !/^[A-Za-z0-9-]+$/.test(name)) errors.push({ field: 'auth.name', message: 'must be an HTTP header name' });
        const value = secret('auth.value', auth.value, 2000, storedAuth?.type === 'header' ? storedAuth.value : undefined, moved);
        endpoint = { transport: 'http', url, auth: { type: 'header', name, value } };
      } else if (auth.type === 'none') endpoint = { transport: 'http', url, auth: { type: 'none' } };
      else errors.push({ field: 'auth.type', message: 'must be one of none, basic, header' });
      if (typeof url === 'string' && url) {
        const problem = await checkOutboundUrl(url, this.guard);
        if (problem) errors.push({ field: 'url', message: problem });
      }
    } else if (b.transport === 'sqs') {
      const queueUrl = text('queueUrl', b.queueUrl);
      const region = text('region', b.region, 50);
      if (typeof region === 'string' && region && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) errors.push({ field: 'region', message: 'must be an AWS region such as eu-west-1' });
      const accessKeyId = text('accessKeyId', b.accessKeyId, 128);
      const before = prior('sqs');
      const moved = before !== undefined && (before.queueUrl !== queueUrl || before.endpoint !== b.endpoint || before.region !== region || before.accessKeyId !== accessKeyId);
      endpoint = {
        transport: 'sqs', queueUrl, region, accessKeyId,
        secretAccessKey: secret('secretAccessKey', b.secretAccessKey, 256, moved ? undefined : before?.secretAccessKey, moved),
        ...(b.endpoint !== undefined ? { endpoint: text('endpoint', b.endpoint) } : {}),
      };
      for (const field of ['queueUrl', 'endpoint'] as const) {
        const url = b[field];
        if (typeof url !== 'string' || !url) continue;
        const problem = await checkOutboundUrl(url, this.guard);
        if (problem) errors.push({ field, message: problem });
      }
    } else {
      errors.push({ field: 'transport', message: 'must be "http" or "sqs"' });
    }
    if (errors.length > 0 || !endpoint) throw badRequest(errors);
    return endpoint;
  }
}
