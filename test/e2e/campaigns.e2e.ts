import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { EspReceiver } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack, createAccount } from '../harness';
import { expectStatus, seedSendout, waitForStage } from '../scenario';
import { waitFor } from '../wait';

const FINISHED = ['COMPLETED', 'CANCELED', 'FAILED'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('campaigns', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let integrator: EspReceiver;
  let temporal: { client: Client; close: () => Promise<void> };
  let seed: Awaited<ReturnType<typeof seedSendout>>;

  beforeAll(async () => {
    gated = await startGatedStack();
    ({ stack, esp, integrator } = gated);
    seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
    temporal = await stack.temporalClient();
  });

  afterAll(async () => {
    await temporal?.close();
    await gated?.stop();
  });

  const campaign = (steps: unknown[]) =>
    stack.request('POST', '/v1/campaigns', {
      projectId: seed.projectId,
      name: `campaign ${randomUUID()}`,
      segmentId: seed.segmentId,
      steps,
    });
  const step = (schedule: Record<string, unknown>, gate?: Record<string, unknown>) => ({
    id: 'main',
    integrationId: seed.integrationId,
    content: { subject: 'Hi {{ contact.firstName }}' },
    ...(gate ? { gate } : {}),
    schedule,
  });
  const executions = async (id: string): Promise<any[]> =>
    (await expectStatus(stack.request('GET', `/v1/campaigns/${id}/executions`), 200)).items;

  /** Accepts the gate of every execution still running, so that the step's next execution may start. */
  async function acceptRunning(id: string): Promise<void> {
    for (const execution of await executions(id)) {
      if (FINISHED.includes(execution.stage)) continue;
      const hook = await webhookFor(integrator, execution.sendoutId);
      const accepted = await fetch(hook.finishUri, { method: 'POST' });
      expect(accepted.status).toBe(200);
      await waitForStage(stack, execution.sendoutId, 'COMPLETED', 30_000);
    }
  }

  it('refuses a gate timeout other than one hour, naming the step', async () => {
    const refused = await expectStatus(campaign([step({ every: '3s' }, { enabled: true, timeout: '30m' })]), 400);
    expect(refused.errors).toEqual([{ field: 'steps[0].gate.timeout', message: expect.stringContaining('1 hour') }]);
    const unscheduled = await expectStatus(campaign([step({ cron: '0 9 * *' })]), 400);
    expect(unscheduled.errors.map((e: any) => e.field)).toEqual(['steps[0].schedule.cron']);
  });

  it('runs each execution as a campaign sendout gated for one hour; pauses, resumes, and deletes with its schedules', async () => {
    const created = await expectStatus(campaign([step({ every: '3s' }, { enabled: true, split: true })]), 201);
    expect(created).toMatchObject({ state: 'ACTIVE', steps: [{ id: 'main', scheduleInfo: { paused: false } }] });
    expect(created.steps[0].scheduleInfo.nextActionTimes.length).toBeGreaterThan(0);
    const id = created.id;

    // the first execution waits at its gate; the step's next ones are skipped meanwhile
    await waitFor('the first execution', 30_000, async () => (await executions(id)).length >= 1);
    const [first] = await executions(id);
    const sendout = await expectStatus(stack.request('GET', `/v1/sendouts/${first.sendoutId}`), 200);
    expect(sendout).toMatchObject({ mode: 'campaign', kind: 'batch', gate: { enabled: true, timeoutMs: 3_600_000 } });
    await waitForStage(stack, first.sendoutId, 'GATED', 30_000);
    await sleep(7_000);
    expect(await executions(id)).toHaveLength(1);

    await acceptRunning(id);
    await waitFor('a second execution', 30_000, async () => (await executions(id)).length >= 2);
    await acceptRunning(id);
    const done = (await executions(id)).filter((e) => e.stage === 'COMPLETED');
    expect(done.length).toBeGreaterThanOrEqual(2);
    for (const execution of done) {
      expect(execution).toMatchObject({ stepId: 'main', gate: { enabled: true, state: 'ACCEPTED', timeoutMs: 3_600_000 } });
      expect(execution.paths).toEqual({ accepted: 3, rejected: 0, timedOut: 0, excluded: 0 });
      const ran = await expectStatus(stack.request('GET', `/v1/sendouts/${execution.sendoutId}`), 200);
      expect(ran).toMatchObject({
        mode: 'campaign',
        campaign: { campaignId: id, stepId: 'main' },
        gate: { enabled: true, timeoutMs: 3_600_000 },
        counts: { SENT: 3 },
      });
    }

    const paused = await expectStatus(stack.request('POST', `/v1/campaigns/${id}/pause`), 200);
    expect(paused).toMatchObject({ state: 'PAUSED', steps: [{ scheduleInfo: { paused: true } }] });
    await sleep(1_500); // an execution the Schedule started just before the pause
    await acceptRunning(id);
    const whilePaused = (await executions(id)).length;
    await sleep(7_000);
    expect(await executions(id)).toHaveLength(whilePaused);

    const resumed = await expectStatus(stack.request('POST', `/v1/campaigns/${id}/resume`), 200);
    expect(resumed).toMatchObject({ state: 'ACTIVE', steps: [{ scheduleInfo: { paused: false } }] });
    await waitFor('an execution after the resume', 30_000, async () => (await executions(id)).length > whilePaused);
    await acceptRunning(id);

    await expectStatus(stack.request('DELETE', `/v1/campaigns/${id}`), 204);
    await expect(temporal.client.schedule.getHandle(`campaign-${id}-step-main`).describe()).rejects.toThrow();
    await expectStatus(stack.request('GET', `/v1/campaigns/${id}`), 404);
    const sendouts = async () =>
      Number((await stack.dataSource.query('SELECT COUNT(*) AS n FROM sendouts WHERE campaign_id = ?', [id]))[0].n);
    await sleep(1_500);
    const afterDelete = await sendouts();
    await sleep(7_000);
    expect(await sendouts()).toBe(afterDelete);
  });

  it('runs a step when triggered, never twice at once', async () => {
    // yearly: nothing but the triggers runs it during the test
    const created = await expectStatus(campaign([step({ cron: '0 0 1 1 *' }, { enabled: true })]), 201);
    const id = created.id;
    await expectStatus(stack.request('POST', `/v1/campaigns/${id}/steps/main/trigger`), 202);
    await waitFor('the triggered execution', 30_000, async () => (await executions(id)).length === 1);
    const [execution] = await executions(id);
    await waitForStage(stack, execution.sendoutId, 'GATED', 30_000);

    // its execution still runs: this trigger is skipped
    await expectStatus(stack.request('POST', `/v1/campaigns/${id}/steps/main/trigger`), 202);
    await sleep(3_000);
    expect(await executions(id)).toHaveLength(1);

    await acceptRunning(id);
    await expectStatus(stack.request('POST', `/v1/campaigns/${id}/steps/main/trigger`), 202);
    await waitFor('one more execution', 30_000, async () => (await executions(id)).length === 2);
    await acceptRunning(id);
    expect((await executions(id)).map((e) => e.paths)).toEqual([
      { accepted: 3, rejected: 0, timedOut: 0, excluded: 0 },
      { accepted: 3, rejected: 0, timedOut: 0, excluded: 0 },
    ]);

    await expectStatus(stack.request('POST', `/v1/campaigns/${id}/steps/nope/trigger`), 404);
    await expectStatus(stack.request('DELETE', `/v1/campaigns/${id}`), 204);
  });

  it("answers another account's campaign as unknown", async () => {
    const created = await expectStatus(campaign([step({ cron: '0 0 1 1 *' })]), 201);
    const other = await createAccount(stack.dataSource);
    for (const [method, path] of [
      ['GET', `/v1/campaigns/${created.id}`],
      ['GET', `/v1/campaigns/${created.id}/executions`],
      ['POST', `/v1/campaigns/${created.id}/pause`],
      ['POST', `/v1/campaigns/${created.id}/steps/main/trigger`],
      ['DELETE', `/v1/campaigns/${created.id}`],
    ]) {
      const response = await fetch(`${stack.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${other.apiKey}` } });
      expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 404`);
    }
    expect((await expectStatus(stack.request('GET', `/v1/campaigns/${created.id}`), 200)).state).toBe('ACTIVE');
    await expectStatus(stack.request('DELETE', `/v1/campaigns/${created.id}`), 204);
  });
});
