import { Inject, Injectable } from '@nestjs/common';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { MASK, SecretBox } from '@sendgate/crypto';
import { GateEndpointsRepository, SendGateEndpointEntity } from '@sendgate/database';
import { FieldError, assertNever } from '@sendgate/domain';
import { OutboundGuard, checkOutboundUrl, sameOrigin } from '@sendgate/esp';
import { GateEndpoint, GateNotifier, MaskedEndpoint, maskEndpoint, openEndpoint, sealEndpoint } from '@sendgate/gate';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';
import { GateEndpointBody } from './dto/gate-endpoint.dto';

@Injectable()
export class GateEndpointService {
  constructor(
    private readonly endpoints: GateEndpointsRepository,
    private readonly box: SecretBox,
    private readonly notifier: GateNotifier,
    private readonly guard: OutboundGuard,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  async put(accountId: string, body: GateEndpointBody): Promise<MaskedEndpoint> {
    const stored = await this.endpoints.find(accountId);
    const endpoint = await this.parse(body, stored ? openEndpoint(stored, this.box) : undefined);
    const sealed = sealEndpoint(endpoint, this.box);
    await this.endpoints.put(accountId, sealed);
    return maskEndpoint(sealed);
  }

  async get(accountId: string): Promise<MaskedEndpoint> {
    return maskEndpoint(await this.stored(accountId));
  }

  /** Sends a sample gate webhook and answers what the endpoint replied. */
  async test(accountId: string) {
    const endpoint = openEndpoint(await this.stored(accountId), this.box);
    const base = `${this.config.api.publicBaseUrl}/gate/v1`;
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const sample = {
      test: true,
      sendoutId: '00000000-0000-0000-0000-000000000000',
      finishUri: `${base}/finish/sample`,
      actions: [{ id: 'sample-action' }],
      projectName: 'Sample project',
      journeyName: 'Sample journey',
      sendoutName: 'Sample sendout',
      itemDownloadUri: `${base}/items/sample`,
      itemCount: 1,
      expiresAt,
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
   * The endpoint to store for `dto`, whose shape is already validated. A secret sent as "********"
   * keeps the stored one, but only while the destination stays the same: a secret never follows
   * the endpoint to a new host.
   */
  private async parse(dto: GateEndpointBody, previous?: GateEndpoint): Promise<GateEndpoint> {
    const errors: FieldError[] = [];
    /** `stored`: the secret kept at an unchanged destination; `moved`: whether the destination changed. */
    const secret = (field: string, value: string, stored: string | undefined, moved: boolean) => {
      if (value !== MASK) return value;
      if (moved) errors.push({ field, message: 'send the secret again: it does not follow the endpoint to a new host' });
      else if (stored === undefined)
        errors.push({ field, message: 'is the mask, and no stored secret of this kind is there to keep: send the secret itself' });
      return stored as string;
    };
    const prior = <T extends GateEndpoint['transport']>(transport: T) =>
      previous?.transport === transport ? (previous as Extract<GateEndpoint, { transport: T }>) : undefined;
    const reachable = async (field: string, url: string | undefined) => {
      const problem = url === undefined ? undefined : await checkOutboundUrl(url, this.guard);
      if (problem) errors.push({ field, message: problem });
    };
    let endpoint: GateEndpoint;
    switch (dto.transport) {
      case 'http': {
        const before = prior('http');
        const moved = before !== undefined && !sameOrigin(dto.url, before.url);
        const storedAuth = moved ? undefined : before?.auth;
        const auth = dto.auth ?? { type: 'none' };
        switch (auth.type) {
          case 'none':
            endpoint = { transport: 'http', url: dto.url, auth: { type: 'none' } };
            break;
          case 'basic': {
            const password = secret('auth.password', auth.password, storedAuth?.type === 'basic' ? storedAuth.password : undefined, moved);
            endpoint = { transport: 'http', url: dto.url, auth: { type: 'basic', username: auth.username, password } };
            break;
          }
          case 'header': {
            const value = secret('auth.value', auth.value, storedAuth?.type === 'header' ? storedAuth.value : undefined, moved);
            endpoint = { transport: 'http', url: dto.url, auth: { type: 'header', name: auth.name, value } };
            break;
          }
          default:
            return assertNever(auth);
        }
        await reachable('url', dto.url);
        break;
      }
      case 'sqs': {
        const { queueUrl, region, accessKeyId } = dto;
        const before = prior('sqs');
        const moved =
          before !== undefined &&
          (before.queueUrl !== queueUrl ||
            before.endpoint !== dto.endpoint ||
            before.region !== region ||
            before.accessKeyId !== accessKeyId);
        endpoint = {
          transport: 'sqs',
          queueUrl,
          region,
          accessKeyId,
          secretAccessKey: secret('secretAccessKey', dto.secretAccessKey, moved ? undefined : before?.secretAccessKey, moved),
          ...(dto.endpoint !== undefined ? { endpoint: dto.endpoint } : {}),
        };
        await reachable('queueUrl', queueUrl);
        await reachable('endpoint', dto.endpoint);
        break;
      }
      default:
        return assertNever(dto);
    }
    if (errors.length > 0) throw badRequest(errors);
    return endpoint;
  }
}
