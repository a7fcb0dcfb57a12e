import { randomUUID } from 'node:crypto';
import { EspReceiver } from '../esp-receiver';
import { GatedStack, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { expectStatus, seedSendout, waitForContinueAsNew, waitForStage } from '../scenario';
import { waitFor } from '../wait';

describe('failure paths of a sendout', () => {
  let gated: GatedStack;
  let stack: TestStack;
  let esp: EspReceiver;
  let integrator: EspReceiver;

  beforeAll(async () => {
    // Re-read gate decisions every second and continue as new after 100 events, so both show within seconds.
    gated = await startGatedStack({ worker: false, env: { SENDOUT_GATE_REREAD_MS: '1000', SENDOUT_CONTINUE_AS_NEW_AFTER_EVENTS: '100' } });
    ({ stack, esp, integrator } = gated);
  });

  afterAll(async () => {
    await gated?.stop();
  });

  describe('when the workflow fails for good', () => {
    it('marks the sendout FAILED with the reason, and it no longer blocks deleting its integration', async () => {
      const seed = await seedSendout(stack, { contacts: 3, espUrl: esp.url });
      // No worker yet: the segment disappears between the API's check and generation.
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'doomed',
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { text: 'x' },
        }),
        202,
      );
      await stack.dataSource.query('DELETE FROM segments WHERE id = ?', [seed.segmentId]);
      await expectStatus(stack.request('DELETE', `/v1/integrations/${seed.integrationId}`), 409);
      await stack.startWorker();

      const failed = await waitForStage(stack, sendout.id, 'FAILED');
      expect(failed.lastError).toMatch(new RegExp(`segment ${seed.segmentId} does not exist`));
      expect(failed.completedAt).not.toBeNull();
      const { client, close } = await stack.temporalClient();
      try {
        expect((await client.workflow.getHandle(sendout.workflowId).describe()).status.name).toBe('FAILED');
      } finally {
        await close();
      }
      await expectStatus(stack.request('DELETE', `/v1/integrations/${seed.integrationId}`), 204);
    });
  });

  describe('when an accept is committed but its wake-up signal is lost', () => {
    it('honours it at the next periodic re-read, long before the deadline', async () => {
      const seed = await seedSendout(stack, { contacts: 5, espUrl: esp.url });
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'lost signal',
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { text: 'x' },
          gate: { enabled: true, timeout: '1h' },
        }),
        202,
      );
      await waitForStage(stack, sendout.id, 'GATED');
      await waitFor(
        'the gate to open',
        30_000,
        async () => (await stack.request('GET', `/v1/sendouts/${sendout.id}`)).body.gate.state === 'OPEN',
      );
      // What the finish URI commits, without the signal that follows it.
      await stack.dataSource.query(
        "UPDATE sendout_gates SET state = 'ACCEPTED', decided_by = 'lost-signal' WHERE sendout_id = ? AND state = 'OPEN'",
        [sendout.id],
      );

      const done = await waitForStage(stack, sendout.id, 'COMPLETED', 30_000);
      expect(done.counts.SENT).toBe(5);
      expect(done.gate).toMatchObject({ state: 'ACCEPTED', decidedBy: 'lost-signal' });
    });
  });

  describe("when the gate wait outlasts a run's history", () => {
    it('continues as new while waiting, notifies the integrator once, and sends after the accept', async () => {
      const seed = await seedSendout(stack, { contacts: 4, espUrl: esp.url, tag: `can-${randomUUID().slice(0, 8)}` });
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'long wait',
          segmentId: seed.segmentId,
          integrationId: seed.integrationId,
          content: { text: 'x' },
          gate: { enabled: true, timeout: '1h' },
        }),
        202,
      );
      const hook = await webhookFor(integrator, sendout.id);

      await waitForContinueAsNew(stack, sendout.workflowId);
      expect((await stack.request('GET', `/v1/sendouts/${sendout.id}`)).body).toMatchObject({ stage: 'GATED', gate: { state: 'OPEN' } });

      const accepted = await fetch(hook.finishUri, { method: 'POST' });
      expect(accepted.status).toBe(200);
      const done = await waitForStage(stack, sendout.id, 'COMPLETED', 30_000);
      expect(done.counts.SENT).toBe(4);
      expect(integrator.requests.filter((r) => JSON.parse(r.body).sendoutId === sendout.id)).toHaveLength(1);
    });
  });
});
