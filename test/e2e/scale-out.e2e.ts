/**
 * Scale-out: API replicas and workers keep no state of their own (Temporal and the database hold
 * it all), so a sendout can be started through one API, decided through another, and sent by
 * whichever workers poll the task queue, each message once; a worker that dies mid-page leaves
 * its page to the others.
 */
import { EspReceiver, answerAfter } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { ApiProcess, TestStack, WorkerProcess } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const CONTACTS = 3_000;
/** Pages of 25 and a window of 6: 120 pages, enough in flight at once to keep three workers busy. */
const SCALED = { SENDOUT_SEND_PAGE_SIZE: '25', SENDOUT_SEND_WINDOW: '6', SENDOUT_SEND_CONCURRENCY: '4' };
const PAGES = CONTACTS / 25;

describe('two API processes and three workers on one sendout', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let integrator: EspReceiver;
  let secondApi: ApiProcess;
  let workers: WorkerProcess[];

  beforeAll(async () => {
    ({ stack, esp, integrator } = gated = await startGatedStack({ env: SCALED, worker: false }));
    // A page of 25 at 4 in flight takes a third of a second: pages overlap, and a worker can die in the middle of one.
    esp.respond = answerAfter(50);
    workers = await Promise.all([stack.startWorker(), stack.startWorker(), stack.startWorker()]);
    secondApi = await stack.startApi();
  });

  afterAll(async () => {
    await gated?.stop();
  });

  /** The gate URIs name the public base URL (a load balancer's in production): here it sends them to the second API. */
  const throughSecondApi = (uri: string) => {
    expect(uri.startsWith(`${stack.baseUrl}/`)).toBe(true);
    return `${secondApi.baseUrl}${uri.slice(stack.baseUrl.length)}`;
  };

  async function createSendout(gate: boolean): Promise<{ id: string; workflowId: string }> {
    const seed = await seedSendout(stack, { contacts: CONTACTS, espUrl: esp.url });
    return expectStatus(
      stack.request('POST', '/v1/sendouts', {
        projectId: seed.projectId,
        name: 'scaled out',
        segmentId: seed.segmentId,
        integrationId: seed.integrationId,
        content: { subject: 'Hi {{ contact.firstName }}' },
        ...(gate ? { gate: { enabled: true, timeout: '10m', split: true } } : {}),
      }),
      202,
    );
  }

  it('sends every accepted message once, with gate decisions through the second API and pages on all three workers', async () => {
    const sendout = await createSendout(true);

    const hook = await webhookFor(integrator, sendout.id);
    const download = await fetch(throughSecondApi(hook.itemDownloadUri));
    expect(download.status).toBe(200);
    const items: Array<{ email: string; cancelUri: string }> = (await download.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(items).toHaveLength(CONTACTS);
    const rejected = items.filter((_, i) => i % 10 === 0);
    for (let i = 0; i < rejected.length; i += 25) {
      const answers = await Promise.all(
        rejected.slice(i, i + 25).map((item) => fetch(throughSecondApi(item.cancelUri), { method: 'POST' })),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    }
    const finish = await fetch(throughSecondApi(hook.finishUri), { method: 'POST' });
    expect(await finish.json()).toEqual({ state: 'ACCEPTED', accepted: CONTACTS - rejected.length, rejected: rejected.length });

    const done = await waitForStage(stack, sendout.id, 'COMPLETED');
    const accepted = CONTACTS - rejected.length;
    expect(done.counts).toMatchObject({ SENT: accepted, REJECTED: rejected.length });
    expect(await expectStatus(secondApi.request('GET', `/v1/sendouts/${sendout.id}`), 200)).toEqual(done);

    const requests = esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`));
    expect(requests).toHaveLength(accepted);
    expect(new Set(requests.map((r) => r.key)).size).toBe(accepted);
    const sentTo = new Set(requests.map((r) => JSON.parse(r.body).to));
    expect(rejected.filter((item) => sentTo.has(item.email))).toEqual([]);

    // Every worker ran pages, and none most of them: the worker that holds the workflow does not keep its pages.
    const pagesBy = await pageWorkers(stack, sendout.workflowId);
    expect([...pagesBy.keys()].sort()).toEqual(workers.map((w) => w.identity).sort());
    const pageCounts = [...pagesBy.values()].map((pages) => pages.length);
    expect(pageCounts.reduce((a, b) => a + b)).toBe(PAGES);
    expect(Math.max(...pageCounts)).toBeLessThanOrEqual(PAGES / 2);
  });

  it('when one of the workers is killed mid-page, the others finish the sendout, each message once', async () => {
    const sendout = await createSendout(false);
    const victim = await workerWithPageInFlight(stack, sendout.workflowId, workers);
    victim.kill('SIGKILL');
    await victim.exited;
    const sentAtKill = new Set(esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`)).map((r) => r.key)).size;
    expect(sentAtKill).toBeLessThan(CONTACTS);

    const done = await waitForStage(stack, sendout.id, 'COMPLETED', 180_000);
    expect(done.counts).toMatchObject({ SENT: CONTACTS, FAILED: 0 });
    const requests = esp.requests.filter((r) => r.key.startsWith(`${sendout.id}:`));
    const bodyByKey = new Map<string, string>();
    for (const r of requests) {
      // A message the killed worker posted but could not record is posted again under its own key
      // (the ESP drops the repeat), never as another message.
      expect(bodyByKey.get(r.key) ?? r.body).toBe(r.body);
      bodyByKey.set(r.key, r.body);
    }
    expect(bodyByKey.size).toBe(CONTACTS);

    // The page the victim was sending was retried and completed by a survivor.
    const pagesBy = await pageWorkers(stack, sendout.workflowId);
    const retriedBy = [...pagesBy].filter(([, pages]) => pages.some((p) => p.attempt > 1)).map(([identity]) => identity);
    expect(retriedBy.length).toBeGreaterThan(0);
    expect(retriedBy).not.toContain(victim.identity);
  });
});

/** Which worker (by identity) ran each completed sendMessagePage, and in which attempt, from the workflow's history. */
async function pageWorkers(stack: TestStack, workflowId: string): Promise<Map<string, Array<{ attempt: number }>>> {
  const { client, close } = await stack.temporalClient();
  try {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const pages = new Set(
      events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendMessagePage').map((e) => String(e.eventId)),
    );
    const byWorker = new Map<string, Array<{ attempt: number }>>();
    for (const e of events) {
      const started = e.activityTaskStartedEventAttributes;
      if (!started || !pages.has(String(started.scheduledEventId))) continue;
      const list = byWorker.get(started.identity!) ?? [];
      list.push({ attempt: started.attempt ?? 1 });
      byWorker.set(started.identity!, list);
    }
    return byWorker;
  } finally {
    await close();
  }
}

/** A worker that is sending a page of the sendout right now (the server's view of the pending activities). */
async function workerWithPageInFlight(stack: TestStack, workflowId: string, workers: WorkerProcess[]): Promise<WorkerProcess> {
  const { client, close } = await stack.temporalClient();
  let found: WorkerProcess | undefined;
  try {
    await waitFor(`a page of ${workflowId} in flight`, 60_000, async () => {
      const { raw } = await client.workflow.getHandle(workflowId).describe();
      // The page started last has the most of its second left: the kill lands before it can finish.
      const latest = (raw.pendingActivities ?? [])
        .filter((a) => a.activityType?.name === 'sendMessagePage' && a.lastStartedTime)
        .sort(
          (a, b) =>
            Number(b.lastStartedTime!.seconds) - Number(a.lastStartedTime!.seconds) ||
            (b.lastStartedTime!.nanos ?? 0) - (a.lastStartedTime!.nanos ?? 0),
        )[0];
      found = workers.find((w) => w.identity === latest?.lastWorkerIdentity);
      return found !== undefined;
    });
  } finally {
    await close();
  }
  return found!;
}
