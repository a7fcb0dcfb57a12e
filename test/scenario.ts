export interface SendingStack {
  stack: TestStack;
  esp: EspReceiver;
  stop: () => Promise<void>;
}

/** A stack with a loopback ESP and (unless `worker: false`) one worker: what most sendout tests start with. */
export async function startSendingStack(options: StackOptions & { worker?: boolean } = {}): Promise<SendingStack> {
  const esp = await new EspReceiver().start();
  const stack = await TestStack.start({ database: 'mysql', ...options });
  if (options.worker !== false) await stack.startWorker();
  return {
    stack,
    esp,
    stop: async () => {
      await stack.stop();
      await esp.stop();
    },
  };
}

/** Builds the data of a sendout through the public API: project, contacts, segment, integration. */
import { randomUUID } from 'node:crypto';
import { EspReceiver } from './esp-receiver';
import { StackOptions, TestStack } from './harness';
import { waitFor } from './wait';

export async function seedSendout(
  stack: TestStack,
  options: {
    contacts: number;
    espUrl: string;
    tag?: string;
    payloadTemplate?: string;
    /**
     * Emails of this seed's own (`user<i>-<tag>@example.com`), not shared with the account's other
     * seeds: for a test whose bounces put the addresses on the account's suppression list.
     */
    ownEmails?: boolean;
  },
): Promise<{ projectId: string; segmentId: string; integrationId: string; tag: string }> {
  const tag = options.tag ?? randomUUID().slice(0, 8);
  const project = await expectStatus(stack.request('POST', '/v1/projects', { name: `project ${tag}` }), 201);
  for (let start = 0; start < options.contacts; start += 10_000) {
    const contacts = Array.from({ length: Math.min(10_000, options.contacts - start) }, (_, i) => ({
      externalId: `${tag}-${start + i}`,
      email: options.ownEmails ? `user${start + i}-${tag}@example.com` : `user${start + i}@example.com`,
      attributes: { firstName: `User${start + i}`, cohort: tag, score: (start + i) % 100 },
    }));
    await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts }), 200);
  }
  const segment = await expectStatus(
    stack.request('POST', '/v1/segments', {
      name: `cohort ${tag}`,
      filter: { all: [{ attribute: 'cohort', op: 'eq', value: tag }] },
    }),
    201,
  );
  const integration = await expectStatus(
    stack.request('POST', '/v1/integrations', {
      name: `esp ${tag}`,
      channel: 'email',
      url: options.espUrl,
      payloadTemplate: options.payloadTemplate ?? '{"to":"${email}","subject":"${subject}","html":"${html}","key":"${idempotencyKey}"}',
    }),
    201,
  );
  await expectStatus(stack.request('POST', `/v1/integrations/${integration.id}/activate`), 200);
  return { projectId: project.id, segmentId: segment.id, integrationId: integration.id, tag };
}

/** Seeds a sendout's data (`contacts` contacts) and starts it over the API: its segment, subject 'x', and `extra` fields. */
export async function startSendout({ stack, esp }: SendingStack, name: string, contacts: number, extra: Record<string, unknown> = {}) {
  const seed = await seedSendout(stack, { contacts, espUrl: esp.url });
  const sendout = await expectStatus(
    stack.request('POST', '/v1/sendouts', {
      projectId: seed.projectId,
      name,
      segmentId: seed.segmentId,
      integrationId: seed.integrationId,
      content: { subject: 'x' },
      ...extra,
    }),
    202,
  );
  return { ...sendout, seed } as { id: string; workflowId: string; seed: typeof seed };
}

export async function expectStatus<T = any>(pending: Promise<{ status: number; body: T }>, status: number): Promise<T> {
  const response = await pending;
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export async function waitForStage(stack: TestStack, sendoutId: string, stage: string, timeoutMs = 120_000): Promise<any> {
  let last: any;
  try {
    await waitFor(
      `sendout ${sendoutId} to reach ${stage}`,
      timeoutMs,
      async () => {
        last = (await stack.request('GET', `/v1/sendouts/${sendoutId}`)).body;
        return last?.stage === stage;
      },
      300,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
  return last;
}

/** Waits until the sendout's workflow has continued as new and its new run is going. */
export async function waitForContinueAsNew(stack: TestStack, workflowId: string, timeoutMs = 90_000): Promise<void> {
  const { client, close } = await stack.temporalClient();
  try {
    const first = (await client.workflow.getHandle(workflowId).describe()).runId;
    await waitFor(
      `${workflowId} to continue as new`,
      timeoutMs,
      async () => {
        const latest = await client.workflow.getHandle(workflowId).describe();
        return latest.runId !== first && latest.status.name === 'RUNNING';
      },
      500,
    );
  } finally {
    await close();
  }
}

/**
 * An ACTIVE email integration to the stack's own sandbox ESP, keeping the sandbox's message id;
 * with `callbacks` (the default) it reads the sandbox's delivery callbacks. Answers its id.
 */
export async function sandboxIntegration(
  stack: TestStack,
  options: { payloadTemplate?: string; callbacks?: boolean } = {},
): Promise<string> {
  const integration = await expectStatus(
    stack.request('POST', '/v1/integrations', {
      name: `sandbox ${randomUUID().slice(0, 8)}`,
      channel: 'email',
      url: `${stack.baseUrl}/sandbox/esp/messages`,
      payloadTemplate: options.payloadTemplate ?? '{"to":"${email}","subject":"${subject}"}',
      messageIdPath: 'messageId',
      ...(options.callbacks === false ? {} : { feedbackMapping: { preset: 'sandbox' } }),
    }),
    201,
  );
  await expectStatus(stack.request('POST', `/v1/integrations/${integration.id}/activate`), 200);
  return integration.id;
}

/**
 * The activities of a workflow id, over all its runs, that were scheduled and never closed
 * (completed, failed, cancelled or timed out): none once the workflow has ended, unless one was left running.
 */
export async function openActivities(stack: TestStack, workflowId: string): Promise<string[]> {
  const { client, close } = await stack.temporalClient();
  try {
    const open: string[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      const events = (await client.workflow.getHandle(workflowId, run.runId).fetchHistory()).events ?? [];
      const scheduled = new Map<string, string>();
      for (const event of events) {
        const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
        if (name) scheduled.set(String(event.eventId), name);
        const closed =
          event.activityTaskCompletedEventAttributes ??
          event.activityTaskFailedEventAttributes ??
          event.activityTaskCanceledEventAttributes ??
          event.activityTaskTimedOutEventAttributes;
        if (closed?.scheduledEventId) scheduled.delete(String(closed.scheduledEventId));
      }
      open.push(...scheduled.values());
    }
    return open;
  } finally {
    await close();
  }
}
