/**
 * A sendout to a small listed audience (an email API request, or `contactIds` of at most
 * INLINE_CONTACTS) sends, completes and fans out as local activities in its workflow task: its one
 * activity is its generation, a worker lost in the middle of its page leaves it to the next
 * worker, and a cancel reaches a page that posts for longer than a workflow task lasts.
 */
import { INLINE_CONTACTS } from '../../workflows/sendout.messages';
import { EspReceiver, answerAfter } from '../esp-receiver';
import { TestStack, WorkerProcess } from '../harness';
import { SendingStack, expectStatus, seedSendout, startSendingStack, waitForStage } from '../scenario';
import { GiveUp, waitFor } from '../wait';

/** A page of INLINE_CONTACTS posts a few at a time, slowly enough to lose its worker mid-page. */
const ENV = { SENDOUT_SEND_CONCURRENCY: '4' };

describe('a sendout to a small listed audience', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let worker: WorkerProcess;

  beforeAll(async () => {
    ({ stack, esp } = sending = await startSendingStack({ env: ENV, worker: false }));
    worker = await stack.startWorker();
  });

  afterAll(async () => {
    await sending?.stop();
  });

  beforeEach(() => {
    esp.requests.length = 0;
    esp.acceptedKeys.clear();
    esp.respond = () => ({ status: 200 });
  });

  async function listedSendout(
    contacts: number,
    integration: { rateLimitPerSecond?: number } = {},
  ): Promise<{ id: string; workflowId: string }> {
    const seed = await seedSendout(stack, { contacts, espUrl: esp.url });
    if (integration.rateLimitPerSecond)
      await expectStatus(stack.request('PATCH', `/v1/integrations/${seed.integrationId}`, integration), 200);
    return expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: `listed ${contacts}`,
        contactIds: Array.from({ length: contacts }, (_, i) => `${seed.tag}-${i}`),
        integrationId: seed.integrationId,
        content: { subject: 'Hi {{ contact.firstName }}' },
      }),
      202,
    );
  }

  /** The activity types the run scheduled through the task queue, and how many local activities it ran. */
  async function steps(workflowId: string): Promise<{ activities: string[]; localActivities: number; patches: string[] }> {
    const { client, close } = await stack.temporalClient();
    try {
      const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const markers = events.map((e) => e.markerRecordedEventAttributes).filter((m) => m !== null && m !== undefined);
      return {
        activities: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []),
        localActivities: markers.filter((m) => m.markerName === 'core_local_activity').length,
        patches: markers
          .filter((m) => m.markerName === 'core_patch')
          .map((m) => JSON.parse(Buffer.from(m.details!['patch-data'].payloads![0].data!).toString()).id),
      };
    } finally {
      await close();
    }
  }

  it(`of ${INLINE_CONTACTS} contacts is sent in local activities: generation its one activity, every message once`, async () => {
    const sendout = await listedSendout(INLINE_CONTACTS);

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');

    expect(done.counts.SENT).toBe(INLINE_CONTACTS);
    expect(new Set(esp.requests.map((r) => r.key)).size).toBe(INLINE_CONTACTS);
    const run = await steps(sendout.workflowId);
    expect(run.activities).toEqual(['generateMessages']);
    expect(run.patches).toContain('inline-steps');
    // the plan, the page and the completion at least; the stage marks besides
    expect(run.localActivities).toBeGreaterThanOrEqual(3);
  });

  it(`of ${INLINE_CONTACTS + 1} contacts goes through the task queue as before`, async () => {
    const sendout = await listedSendout(INLINE_CONTACTS + 1);

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');

    expect(done.counts.SENT).toBe(INLINE_CONTACTS + 1);
    const run = await steps(sendout.workflowId);
    expect(run.activities).toEqual(expect.arrayContaining(['generateMessages', 'sendMessagePage', 'completeSendout']));
    expect(run.patches).not.toContain('inline-steps');
  });

  it('whose integration has a rate limit goes through the task queue: a page waiting on the limit holds no workflow task', async () => {
    const sendout = await listedSendout(3, { rateLimitPerSecond: 1_000 });

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');

    expect(done.counts.SENT).toBe(3);
    const run = await steps(sendout.workflowId);
    expect(run.activities).toEqual(expect.arrayContaining(['generateMessages', 'sendMessagePage']));
    expect(run.patches).not.toContain('inline-steps');
  });

  it('cancelled in the middle of a slow page: the renewed workflow task stops the page, no message is sent twice', async () => {
    // 4 at a time, 1 s each: the page would post for 25 s, far longer than a workflow task lasts
    // before the SDK renews it (8 s), and the renewed task delivers the cancel to the page.
    esp.respond = answerAfter(1_000);
    const sendout = await listedSendout(INLINE_CONTACTS);
    await waitFor('the first sends', 60_000, () => esp.acceptedKeys.size >= 4);

    await expectStatus(stack.request('POST', `/v1/sendouts/${sendout.id}/cancel`), 202);
    let done: any;
    await waitFor('the cancel to stop the page', 60_000, async () => {
      done = (await stack.request('GET', `/v1/sendouts/${sendout.id}`)).body;
      if (done.stage === 'COMPLETED') throw new GiveUp('the page was sent to its end: the cancel never reached it');
      return done.stage === 'CANCELED';
    });

    expect(done.counts.SENT + done.counts.CANCELED).toBe(INLINE_CONTACTS);
    expect(done.counts.CANCELED).toBeGreaterThan(0);
    expect(done.counts.SENDING ?? 0).toBe(0);
    // every request the ESP got was answered and recorded; none of the cancelled messages was posted
    const keys = esp.requests.map((r) => r.key);
    expect(keys.length).toBe(done.counts.SENT);
    expect(new Set(keys).size).toBe(done.counts.SENT);
    const { client, close } = await stack.temporalClient();
    try {
      expect((await client.workflow.getHandle(sendout.workflowId).describe()).status.name).toBe('CANCELLED');
    } finally {
      await close();
    }
  });

  it('whose worker is killed in the middle of its page is finished by the next worker, every message once', async () => {
    esp.respond = answerAfter(100);
    const sendout = await listedSendout(INLINE_CONTACTS);
    await waitFor('the first sends', 60_000, () => esp.acceptedKeys.size >= 20);

    worker.kill('SIGKILL');
    await worker.exited;
    expect(esp.acceptedKeys.size).toBeLessThan(INLINE_CONTACTS);
    worker = await stack.startWorker();

    // The lost workflow task times out (10 s) and the new worker runs the page again.
    const done = await waitForStage(stack, sendout.id, 'COMPLETED', 120_000);
    expect(done.counts.SENT).toBe(INLINE_CONTACTS);
    const keys = esp.requests.map((r) => r.key);
    expect(new Set(keys).size).toBe(INLINE_CONTACTS);
    expect(keys.every((k) => k.startsWith(`${sendout.id}:`))).toBe(true);
    expect((await steps(sendout.workflowId)).activities).toEqual(['generateMessages']);
  });
});
