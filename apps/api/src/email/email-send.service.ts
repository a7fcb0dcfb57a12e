import { randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import {
  ApiKeysRepository,
  ContactsRepository,
  EmailSendsRepository,
  IntegrationStatus,
  IntegrationsRepository,
  ProjectsRepository,
  SendoutEntity,
} from '@sendgate/database';
import {
  Channel,
  ContentTemplate,
  ContentTemplateError,
  INFOBIP_STATUS,
  InfobipStatus,
  MessageContent,
  SendoutKind,
  SendoutMode,
  SendoutStage,
  sendoutWorkflowId,
} from '@sendgate/domain';
import { OutboundGuard, checkOutboundUrl } from '@sendgate/esp';
import { AuthContext } from '../auth/auth.guard';
import { badRequest } from '../common/validation';
import { SendoutPlan } from '../sendouts/sendout-rules';
import { SendoutsService } from '../sendouts/sendouts.service';
import { SendoutStarts } from '../sendouts/workflow-starts';
import { EmailSendRequest } from './send-form';

export interface EmailSendAnswer {
  bulkId: string;
  messages: Array<{ to: string; messageId: string; status: InfobipStatus }>;
}

/** Where one request's time went, in milliseconds (the answer's Server-Timing header). */
export interface EmailSendTimings {
  lookup: number;
  contacts: number;
  store: number;
  /** Handing the workflow start to the starter (it runs after the answer). */
  queue: number;
}

/** Infobip's ids are short random strings; these are 20 url-safe characters (120 random bits). */
export const newClientId = (): string => randomBytes(15).toString('base64url');

/**
 * One request to `POST /email/3/send` becomes one sendout of kind single through the key's (or
 * its project's) email integration: its recipients' contacts are upserted, then the sendout, the
 * bulk, the recipients and the files are stored in one transaction: that commit is the request's
 * acceptance. The answer does not wait for the workflow: its start is queued (SendoutStarts) and
 * runs right after; one the queue cannot take is started by the UnstartedSendoutsReconciler.
 */
@Injectable()
export class EmailSendService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly projects: ProjectsRepository,
    private readonly integrations: IntegrationsRepository,
    private readonly contacts: ContactsRepository,
    private readonly sends: EmailSendsRepository,
    private readonly sendouts: SendoutsService,
    private readonly starts: SendoutStarts,
    private readonly guard: OutboundGuard,
  ) {}

  async send(auth: AuthContext, request: EmailSendRequest): Promise<{ answer: EmailSendAnswer; timings: EmailSendTimings }> {
    const { accountId } = auth;
    let mark = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = now - mark;
      mark = now;
      return ms;
    };
    const content = compileContent(request);
    const [{ project, integration, gate }, webhookIds] = await Promise.all([
      this.route(auth),
      this.sendouts.webhooksOfChannel(accountId, Channel.EMAIL),
    ]);
    if (request.notifyUrl !== undefined) {
      const problem = await checkOutboundUrl(request.notifyUrl, this.guard);
      if (problem) throw badRequest([{ field: 'notifyUrl', message: problem }]);
    }
    const lookup = lap();

    const externalIds = request.to.map((r) => r.address.toLowerCase());
    const contactIds = await this.contacts.ensure(
      accountId,
      request.to.map((r, i) => ({ externalId: externalIds[i], email: r.address })),
    );
    const contacts = lap();

    const bulkId = request.bulkId ?? newClientId();
    const recipients = request.to.map((r, i) => ({
      contactId: contactIds.get(externalIds[i])!,
      messageId: request.messageId ?? newClientId(),
      to: r.address,
      ...(r.placeholders ? { placeholders: r.placeholders } : {}),
    }));
    const id = randomUUID();
    const sendAt = request.sendAt && request.sendAt.getTime() > Date.now() ? request.sendAt : undefined;
    const plan: SendoutPlan = { kind: SendoutKind.SINGLE, mode: SendoutMode.JOURNEY, gate, sendAt };
    const sendout: Partial<SendoutEntity> = {
      id,
      accountId,
      projectId: project.id,
      name: `email ${bulkId}`,
      kind: plan.kind,
      mode: plan.mode,
      journeyName: null,
      segmentId: null,
      contactIds: externalIds,
      integrationId: integration.id,
      content,
      stage: SendoutStage.CREATED,
      workflowId: sendoutWorkflowId(id),
      gateEnabled: gate !== undefined,
      gateTimeoutMs: gate?.timeoutMs ?? null,
      gateSplit: false,
      gateActions: gate ? [] : null,
      sendAt: sendAt ?? null,
      idempotencyKey: null,
      requestHash: null,
      feedbackEnabled: webhookIds.length > 0 || request.notifyUrl !== undefined,
      ignoreUnsubscribes: request.ignoreUnsubscribes,
    };
    const outcome = await this.sends.store({
      sendout,
      feedbackWebhookIds: webhookIds,
      bulk: {
        sendoutId: id,
        accountId,
        bulkId,
        fromAddress: request.fromAddress,
        envelope: {
          from: request.from,
          ...(request.replyTo !== undefined ? { replyTo: request.replyTo } : {}),
          ...(request.cc.length > 0 ? { cc: request.cc } : {}),
          ...(request.bcc.length > 0 ? { bcc: request.bcc } : {}),
          ...(request.headers ? { headers: request.headers } : {}),
          ...(request.defaultPlaceholders ? { defaultPlaceholders: request.defaultPlaceholders } : {}),
          ...(Object.keys(request.flags).length > 0 ? { flags: request.flags } : {}),
        },
        callbackData: request.callbackData ?? null,
        notifyUrl: request.notifyUrl ?? null,
        notifyContentType: request.notifyContentType ?? null,
      },
      recipients,
      files: request.files,
    });
    if (outcome === 'BULK_ID_TAKEN') throw badRequest([{ field: 'bulkId', message: `${bulkId} is already used by another request` }]);
    if (outcome === 'MESSAGE_ID_TAKEN')
      throw badRequest([
        { field: 'messageId', message: `${request.messageId ?? 'a generated messageId'} is already used by another message` },
      ]);
    const store = lap();

    this.starts.offer(() => this.sendouts.startAccepted(sendout as SendoutEntity, project.name, plan));
    const queue = lap();
    return {
      answer: {
        bulkId,
        messages: recipients.map((r) => ({ to: r.to, messageId: r.messageId, status: INFOBIP_STATUS.PENDING_ACCEPTED })),
      },
      timings: { lookup, contacts, store, queue },
    };
  }

  /** The project, email integration and gate this key sends through, or a 400 saying what to set. */
  private async route(auth: AuthContext) {
    const defaults = await this.keys.emailDefaults(auth.accountId, auth.apiKeyId);
    if (!defaults) {
      throw setupNeeded(
        `this API key has no email defaults: set its project (and integration) with PUT /v1/api-keys/${auth.apiKeyId}/email-defaults ` +
          '{"projectId", "integrationId"}',
      );
    }
    const project = await this.projects.find(auth.accountId, defaults.projectId);
    if (!project) {
      throw setupNeeded(
        `the project ${defaults.projectId} of this API key's email defaults no longer exists: ` +
          `set another with PUT /v1/api-keys/${auth.apiKeyId}/email-defaults`,
      );
    }
    const integrationId = defaults.integrationId ?? project.emailDefaults?.integrationId;
    if (!integrationId) {
      throw setupNeeded(
        `no email integration is set for this API key: set one on the key (PUT /v1/api-keys/${auth.apiKeyId}/email-defaults ` +
          `{"projectId", "integrationId"}) or on its project (PUT /v1/projects/${project.id}/email-defaults {"integrationId"})`,
      );
    }
    const integration = await this.integrations.find(auth.accountId, integrationId);
    if (!integration || integration.channel !== Channel.EMAIL)
      throw setupNeeded(`the email integration ${integrationId} of this API key's email defaults no longer exists`);
    if (integration.status !== IntegrationStatus.ACTIVE) {
      throw setupNeeded(
        `the email integration ${integration.id} is ${integration.status}: ` +
          `finish its setup and activate it (POST /v1/integrations/${integration.id}/activate)`,
      );
    }
    const gateDefaults = project.emailDefaults?.gate;
    const gate = gateDefaults?.enabled ? { timeoutMs: gateDefaults.timeoutMs!, split: false } : undefined;
    return { project, integration, gate };
  }
}

/** Content is Liquid like a sendout's: Infobip's `{{name}}` placeholders render per recipient. */
function compileContent(request: EmailSendRequest): MessageContent {
  const content: MessageContent = { subject: request.subject, ...(request.html !== undefined ? { html: request.html } : {}) };
  if (request.html === undefined && request.text !== undefined) content.text = request.text;
  try {
    ContentTemplate.compile(content);
  } catch (error) {
    if (!(error instanceof ContentTemplateError)) throw error;
    throw badRequest(error.errors.map((e) => ({ field: e.field.replace(/^content\./, ''), message: e.message })));
  }
  return content;
}

function setupNeeded(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}
