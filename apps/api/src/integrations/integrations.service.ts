import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import axios from 'axios';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { MASK, SecretBox } from '@sendgate/crypto';
import { EspIntegrationEntity, IntegrationStatus, IntegrationsRepository, SendoutsRepository } from '@sendgate/database';
import { Channel, FieldError, PayloadContext, PayloadTemplate, PayloadTemplateError } from '@sendgate/domain';
import {
  OAuth2Error,
  OutboundGuard,
  checkOutboundUrl,
  customMappingProblems,
  isMessageIdPath,
  maskHeaders,
  maskedRequestHeaders,
  openAuth,
  openHeaders,
  requestHeaders,
  sealHeaders,
  userIdentifier,
} from '@sendgate/esp';
import { badRequest } from '../common/validation';
import { notFound } from '../common/not-found';
import { CreateIntegrationDto } from './dto/create-integration.dto';
import { IntegrationAuth } from './dto/integration-auth.dto';
import { TestIntegrationDto } from './dto/test-integration.dto';
import { UpdateIntegrationDto } from './dto/update-integration.dto';
import { IntegrationAuthService } from './integration-auth.service';
import { secretsLeftBehind } from './secrets-left-behind';
import { CallbackUrls } from './callback-urls';
import { FeedbackMappingDto } from './dto/feedback-mapping.dto';

const RESERVED_HEADERS = ['host', 'content-length', 'content-type', 'idempotency-key', 'transfer-encoding', 'connection'];

/**
 * ESP integrations, set up in three calls a wizard can sit on: configuration (DRAFT), auth, test;
 * then activation. Secret header values and credentials are sealed; every answer masks them.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly integrations: IntegrationsRepository,
    private readonly sendouts: SendoutsRepository,
    private readonly box: SecretBox,
    private readonly auth: IntegrationAuthService,
    private readonly guard: OutboundGuard,
    private readonly callbackUrls: CallbackUrls,
    @Inject(SENDGATE_CONFIG) private readonly config: SendgateConfig,
  ) {}

  async create(accountId: string, dto: CreateIntegrationDto) {
    const errors = await this.problems(dto);
    if (errors.length > 0) throw badRequest(errors);
    const integration: Partial<EspIntegrationEntity> = {
      id: randomUUID(),
      accountId,
      name: dto.name,
      channel: dto.channel,
      url: dto.url,
      payloadTemplate: dto.payloadTemplate,
      headers: sealHeaders(dto.headers?.map((h) => ({ ...h, secret: h.secret ?? false })) ?? [], this.box),
      identifierType: dto.identifierType ?? (dto.channel === Channel.SMS ? 'phone' : 'email'),
      messageIdPath: dto.messageIdPath ?? null,
      rateLimitPerSecond: dto.rateLimitPerSecond ?? null,
      feedbackMapping: storedMapping(dto.feedbackMapping),
      authType: 'none',
      authSettings: null,
      authSecrets: null,
      status: IntegrationStatus.DRAFT,
    };
    await this.integrations.insert(integration);
    return this.view(accountId, integration.id!);
  }

  /** Moving to another origin (scheme, host, port) takes every secret sent again: none follows on its own. */
  async update(accountId: string, id: string, dto: UpdateIntegrationDto) {
    const current = await this.find(accountId, id);
    const errors = [...(await this.problems(dto)), ...secretsLeftBehind(current, dto)];
    // Credentials are checked (OAuth2: against the token endpoint) only once the rest is sound.
    const auth = dto.auth !== undefined && errors.length === 0 ? await this.auth.parse(dto.auth, errors, 'auth.') : undefined;
    if (errors.length > 0) throw badRequest(errors);
    await this.integrations.update(accountId, id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.url !== undefined ? { url: dto.url } : {}),
      ...(dto.payloadTemplate !== undefined ? { payloadTemplate: dto.payloadTemplate } : {}),
      ...(dto.identifierType !== undefined ? { identifierType: dto.identifierType } : {}),
      ...(dto.messageIdPath !== undefined ? { messageIdPath: dto.messageIdPath } : {}),
      ...(dto.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: dto.rateLimitPerSecond } : {}),
      ...(dto.feedbackMapping !== undefined ? { feedbackMapping: storedMapping(dto.feedbackMapping) } : {}),
      ...(dto.headers !== undefined
        ? {
            headers: sealHeaders(
              dto.headers.map((h) => ({ ...h, secret: h.secret ?? false })),
              this.box,
              current.headers ?? [],
            ),
          }
        : {}),
      ...auth,
    });
    return this.view(accountId, id);
  }

  /** Step 2: none, basic, or OAuth2 client credentials (checked against the token endpoint first). */
  async setAuth(accountId: string, id: string, auth: IntegrationAuth) {
    await this.find(accountId, id);
    const errors: FieldError[] = [];
    const change = await this.auth.parse(auth, errors);
    if (errors.length > 0 || !change) throw badRequest(errors);
    await this.integrations.update(accountId, id, change);
    return this.view(accountId, id);
  }

  /**
   * Step 3: one real call to the ESP, as a send would make it; shows what went out (masked) and
   * what came back, or why nothing could go out (the token endpoint's refusal, an unreachable or
   * refused address) as `response.error`.
   */
  async test(accountId: string, id: string, dto: TestIntegrationDto) {
    const integration = await this.find(accountId, id);
    const headers = openHeaders(integration.headers, this.box);
    const auth = openAuth(integration.authType, integration.authSettings, integration.authSecrets, this.box);
    const body = dto.payload
      ? JSON.stringify(dto.payload)
      : PayloadTemplate.compile(integration.payloadTemplate).renderJson(sampleContext(integration, dto.variables ?? {}));
    const idempotencyKey = `test:${integration.id}:${randomUUID()}`; // the sandbox ESP finds the account by it
    const shown = { 'content-type': 'application/json', ...maskedRequestHeaders(headers, auth), 'idempotency-key': idempotencyKey };
    const request = { method: 'POST', url: integration.url, headers: shown, body: JSON.parse(body) };
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    let bearer: string | undefined;
    try {
      bearer = auth.type === 'oauth2' ? (await this.auth.requestToken(auth)).value : undefined;
    } catch (error) {
      if (!(error instanceof OAuth2Error)) throw error;
      const answered = error.status !== undefined ? { tokenEndpoint: { status: error.status, body: error.body } } : {};
      return { request, response: { error: error.message, ...answered, durationMs: durationMs() } };
    }
    try {
      const response = await axios.post(integration.url, body, {
        ...this.guard.axiosAgents,
        headers: { 'content-type': 'application/json', ...requestHeaders(headers, auth, bearer), 'idempotency-key': idempotencyKey },
        timeout: this.config.outbound.requestTimeoutMs,
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: (d) => d,
        maxRedirects: 0,
      });
      return {
        request,
        response: {
          status: response.status,
          headers: Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)])),
          body: parseMaybe(String(response.data ?? '').slice(0, 64 * 1024)),
          durationMs: durationMs(),
        },
      };
    } catch (error) {
      return { request, response: { error: `the ESP could not be reached: ${(error as Error).message}`, durationMs: durationMs() } };
    }
  }

  async activate(accountId: string, id: string) {
    await this.find(accountId, id);
    await this.integrations.update(accountId, id, { status: IntegrationStatus.ACTIVE });
    return this.view(accountId, id);
  }

  async remove(accountId: string, id: string): Promise<void> {
    await this.find(accountId, id);
    const running = await this.sendouts.countRunningWithIntegration(id);
    if (running > 0) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `${running} running sendout(s) use this integration; cancel them or let them finish first`,
      });
    }
    await this.integrations.delete(accountId, id);
  }

  async get(accountId: string, id: string, field?: string): Promise<EspIntegrationEntity> {
    return this.find(accountId, id, field);
  }

  /** The account's integration, ready to send through: 404 naming `field` when unknown, 409 naming it until it is ACTIVE. */
  async getActive(accountId: string, id: string, field: string): Promise<EspIntegrationEntity> {
    const integration = await this.find(accountId, id, field);
    if (integration.status !== IntegrationStatus.ACTIVE) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        field,
        message:
          `integration ${integration.id} is ${integration.status}: ` +
          `finish its setup and activate it (POST /v1/integrations/${integration.id}/activate)`,
      });
    }
    return integration;
  }

  /** An email integration of the account, or a 400 naming `field` (the email API's defaults point at one). */
  async getEmail(accountId: string, id: string, field: string): Promise<EspIntegrationEntity> {
    const integration = await this.integrations.find(accountId, id);
    if (!integration || integration.channel !== Channel.EMAIL)
      throw badRequest([{ field, message: `is not an email integration of this account: ${id}` }]);
    return integration;
  }

  async view(accountId: string, id: string) {
    const i = await this.find(accountId, id);
    return {
      id: i.id,
      name: i.name,
      channel: i.channel,
      url: i.url,
      headers: maskHeaders(i.headers),
      identifierType: i.identifierType,
      payloadTemplate: i.payloadTemplate,
      messageIdPath: i.messageIdPath,
      rateLimitPerSecond: i.rateLimitPerSecond,
      auth:
        i.authType === 'basic'
          ? { type: 'basic', username: i.authSettings?.username, password: MASK }
          : i.authType === 'oauth2'
            ? { type: 'oauth2', ...i.authSettings, clientSecret: MASK }
            : { type: i.authType },
      feedbackMapping: (i.feedbackMapping as FeedbackMappingDto | null) ?? null,
      callbackUrl: this.callbackUrls.url(i.id, i.callbackTokenVersion),
      status: i.status,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
    };
  }

  private async find(accountId: string, id: string, field?: string): Promise<EspIntegrationEntity> {
    const integration = await this.integrations.find(accountId, id);
    if (!integration) throw notFound('integration', id, field);
    return integration;
  }

  private async problems(dto: Partial<CreateIntegrationDto>): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    if (dto.url !== undefined) {
      const problem = await checkOutboundUrl(dto.url, this.guard);
      if (problem) errors.push({ field: 'url', message: problem });
    }
    if (dto.payloadTemplate !== undefined) {
      try {
        PayloadTemplate.compile(dto.payloadTemplate);
      } catch (error) {
        if (!(error instanceof PayloadTemplateError)) throw error;
        errors.push(...error.errors);
      }
    }
    if (dto.messageIdPath !== undefined && !isMessageIdPath(dto.messageIdPath)) {
      errors.push({ field: 'messageIdPath', message: 'must be a path such as messageId or messages[0].messageId' });
    }
    if (dto.feedbackMapping?.custom) errors.push(...customMappingProblems(dto.feedbackMapping.custom, 'feedbackMapping.custom.'));
    const seen = new Set<string>();
    dto.headers?.forEach((header, i) => {
      const key = header.key.toLowerCase();
      if (RESERVED_HEADERS.includes(key)) errors.push({ field: `headers[${i}].key`, message: `${header.key} is set by Sendgate` });
      if (seen.has(key)) errors.push({ field: `headers[${i}].key`, message: `${header.key} appears twice` });
      seen.add(key);
    });
    return errors;
  }
}

/** Sample variables for a test call; `variables` override them ("contact.x" and "gate.x" included). */
function sampleContext(integration: EspIntegrationEntity, variables: Record<string, unknown>): PayloadContext {
  const contact: Record<string, unknown> = {
    externalId: 'test-contact',
    email: 'test@example.com',
    phone: '+15555550123',
    firstName: 'Test',
  };
  const gate: Record<string, unknown> = {};
  const vars: Record<string, unknown> = {
    email: 'test@example.com',
    phone: '+15555550123',
    subject: 'Sendgate test',
    html: '<p>Sendgate test</p>',
    text: 'Sendgate test',
    sendoutId: 'test',
    messageId: 'test',
    idempotencyKey: 'test',
    contactId: 'test',
    externalId: 'test-contact',
  };
  for (const [key, value] of Object.entries(variables)) {
    if (key.startsWith('contact.')) contact[key.slice(8)] = value;
    else if (key.startsWith('gate.')) gate[key.slice(5)] = value;
    else vars[key] = value;
  }
  vars.userIdentifier ??= userIdentifier(integration.identifierType, {
    email: (vars.email as string) ?? null,
    phone: (vars.phone as string) ?? null,
    externalId: String(vars.externalId),
  });
  return { vars, contact, gate };
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The mapping as stored: `{preset}` or `{custom}` as plain JSON; null removes it. */
function storedMapping(dto: FeedbackMappingDto | null | undefined): Record<string, unknown> | null {
  if (!dto) return null;
  return dto.preset ? { preset: dto.preset } : { custom: JSON.parse(JSON.stringify(dto.custom)) };
}
