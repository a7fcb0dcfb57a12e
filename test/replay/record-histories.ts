/**
 * Records the histories that sendout.replay.spec.ts replays: one representative sendout down each
 * path of the workflow, run by real workers from dist/ on the suite's Temporal dev server and
 * MariaDB (the global setup starts both). Not a test of the suite: `npm run record-histories` runs
 * it and record-journey-histories.ts with their own Jest configuration and rewrites
 * test/replay/histories/.
 */
import { FeedbackReceiver } from '../feedback-receiver';
import { createFeedbackWebhook } from '../feedback-scenario';
import { GatedStack, pauseWhileGateCloses, startGatedStack, webhookFor } from '../gate-scenario';
import { TestStack } from '../harness';
import { SendingStack, expectStatus, seedSendout, startSendingStack, startSendout, waitForContinueAsNew, waitForStage } from '../scenario';
import { scheduleUpdate } from '../../workflows/sendout.messages';
import { post, record, recorded, rejectFirstItem } from './recording';

describe('recording sendout histories', () => {
  describe('with the default tuning', () => {
    let gated: GatedStack;
    let stack: TestStack;

    beforeAll(async () => {
      gated = await startGatedStack();
      stack = gated.stack;
    });

    afterAll(async () => {
      await gated?.stop();
    });

    it('records a plain sendout', async () => {
      const sendout = await startSendout(gated, 'plain', 3);
      await record(stack, sendout.workflowId, 'plain', { runs: 'one', endsWith: 'workflowExecutionCompletedEventAttributes' });
    });

    it('records a gated sendout with one contact rejected, then accepted', async () => {
      const sendout = await startSendout(gated, 'gate accepted', 4, { gate: { enabled: true, timeout: '1h', split: true } });
      const hook = await webhookFor(gated.integrator, sendout.id);
      await rejectFirstItem(hook.itemDownloadUri);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, sendout.workflowId, 'gate-accepted', {
        runs: 'one',
        contains: ['markerRecordedEventAttributes', 'workflowExecutionSignaledEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });

    it('records a gated sendout accepted under quick-accept: its release beside the first pages', async () => {
      const sendout = await startSendout(gated, 'gate accepted quickly', 6, { gate: { enabled: true, timeout: '1h', split: true } });
      const hook = await webhookFor(gated.integrator, sendout.id);
      await rejectFirstItem(hook.itemDownloadUri);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, sendout.workflowId, 'gate-accepted-quick', {
        runs: 'one',
        contains: ['markerRecordedEventAttributes', 'workflowExecutionSignaledEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      const { patches, scheduled } = recorded('gate-accepted-quick');
      expect(patches).toContain('quick-accept');
      expect(scheduled).toContain('releaseAcceptedGate');
    });

    it('records a gated sendout accepted under accept-starts-sending: one local activity closes, enters SENDING and plans', async () => {
      const sendout = await startSendout(gated, 'gate accepted, sending at once', 6, {
        gate: { enabled: true, timeout: '1h', split: true },
      });
      const hook = await webhookFor(gated.integrator, sendout.id);
      await rejectFirstItem(hook.itemDownloadUri);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, sendout.workflowId, 'gate-accepted-starts-sending', {
        runs: 'one',
        contains: ['markerRecordedEventAttributes', 'workflowExecutionSignaledEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      const { events, patches } = recorded('gate-accepted-starts-sending');
      expect(patches).toContain('accept-starts-sending');
      // After the signal: closeGate is the only local activity before the pages (no markSendoutStage, no plan).
      const signalled = events.findIndex((e: any) => e.workflowExecutionSignaledEventAttributes);
      const firstPage = events.findIndex((e: any) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendMessagePage');
      const localActivities = events
        .slice(signalled, firstPage)
        .filter((e: any) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
      expect(localActivities).toHaveLength(1);
      expect(await waitForStage(stack, sendout.id, 'COMPLETED')).toMatchObject({ counts: { SENT: 5, REJECTED: 1 } });
    });

    it('records a gated sendout in which everyone is excluded: completed without opening its gate', async () => {
      const seed = await seedSendout(stack, { contacts: 1, espUrl: gated.esp.url });
      const listed = [`${seed.tag}-no-email-1`, `${seed.tag}-no-email-2`];
      await expectStatus(stack.request('POST', '/v1/contacts/batch', { contacts: listed.map((externalId) => ({ externalId })) }), 200);
      const sendout = await expectStatus(
        stack.request('POST', '/v1/sendouts', {
          projectId: seed.projectId,
          name: 'everyone excluded',
          contactIds: listed,
          integrationId: seed.integrationId,
          content: { subject: 'x' },
          gate: { enabled: true, timeout: '1h' },
        }),
        202,
      );
      await record(stack, sendout.workflowId, 'gate-all-excluded', {
        runs: 'one',
        contains: ['markerRecordedEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      expect((await waitForStage(stack, sendout.id, 'COMPLETED')).counts).toMatchObject({ EXCLUDED: 2, GATED: 0 });
    });

    it('records a gate that times out with split on', async () => {
      const sendout = await startSendout(gated, 'gate timed out', 4, { gate: { enabled: true, timeout: '3s', split: true } });
      await rejectFirstItem((await webhookFor(gated.integrator, sendout.id)).itemDownloadUri);
      await record(stack, sendout.workflowId, 'gate-timed-out-split', {
        runs: 'one',
        contains: ['timerFiredEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      expect((await waitForStage(stack, sendout.id, 'COMPLETED')).paths).toEqual({ accepted: 0, rejected: 1, timedOut: 3 });
    });

    it('records a sendout scheduled a few seconds ahead', async () => {
      const sendAt = new Date(Date.now() + 5_000).toISOString();
      const sendout = await startSendout(gated, 'scheduled', 3, { sendAt });
      await record(stack, sendout.workflowId, 'scheduled', {
        runs: 'one',
        contains: ['timerFiredEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });

    it('records a scheduled sendout paused, then resumed', async () => {
      const sendAt = Date.now() + 3_000;
      const sendout = await startSendout(gated, 'scheduled paused', 3, { sendAt: new Date(sendAt).toISOString() });
      const { client, close } = await stack.temporalClient();
      try {
        const handle = client.workflow.getHandle(sendout.workflowId);
        expect(await handle.executeUpdate(scheduleUpdate, { args: [{ paused: true }] })).toMatchObject({ paused: true });
        await waitForStage(stack, sendout.id, 'SCHEDULED');
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, sendAt + 2_000 - Date.now())));
        expect((await waitForStage(stack, sendout.id, 'SCHEDULED')).counts.SENT).toBe(0);
        expect(await handle.executeUpdate(scheduleUpdate, { args: [{ paused: false }] })).toMatchObject({ paused: false });
      } finally {
        await close();
      }
      await record(stack, sendout.workflowId, 'scheduled-paused-resumed', {
        runs: 'one',
        contains: [
          'markerRecordedEventAttributes',
          'workflowExecutionUpdateAcceptedEventAttributes',
          'workflowExecutionUpdateCompletedEventAttributes',
        ],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });

    it('records a gated sendout paused by an operator while its gate closes, then resumed', async () => {
      const sendout = await startSendout(gated, 'paused while the gate closes', 3, { gate: { enabled: true, timeout: '1h' } });
      const hook = await webhookFor(gated.integrator, sendout.id);
      const { client, close } = await stack.temporalClient();
      try {
        expect(await pauseWhileGateCloses(stack, client, sendout, hook.finishUri)).toMatchObject({ paused: true });
        expect((await waitForStage(stack, sendout.id, 'SCHEDULED')).counts.SENT).toBe(0);
        const handle = client.workflow.getHandle(sendout.workflowId);
        expect(await handle.executeUpdate(scheduleUpdate, { args: [{ paused: false }] })).toMatchObject({ paused: false });
      } finally {
        await close();
      }
      await record(stack, sendout.workflowId, 'gate-paused-while-closing', {
        runs: 'one',
        contains: ['workflowExecutionUpdateAcceptedEventAttributes', 'workflowExecutionUpdateCompletedEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
      const { scheduled } = recorded('gate-paused-while-closing');
      expect(scheduled).toContain('sendMessagePage');
    });

    describe('with feedback on', () => {
      let receiver: FeedbackReceiver;
      let feedback: { webhookIds: string[] };

      beforeAll(async () => {
        receiver = await new FeedbackReceiver('replay-feedback-secret-of-at-least-32-characters').start();
        feedback = { webhookIds: [await createFeedbackWebhook(stack, receiver)] };
      });

      afterAll(async () => {
        await receiver?.stop();
      });

      it('records a sendout whose fan-out step delivers its sent events', async () => {
        const sendout = await startSendout(gated, 'feedback', 3, { feedback });
        await record(stack, sendout.workflowId, 'feedback-fanout', {
          runs: 'one',
          contains: ['markerRecordedEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
        expect(receiver.accepted).toHaveLength(3);
      });

      it('records a sendout that delivers its feedback while sending: a follower beside the pages, then the fan-out step', async () => {
        const sendout = await startSendout(gated, 'feedback while sending', 3, { feedback });
        await record(stack, sendout.workflowId, 'feedback-while-sending', {
          runs: 'one',
          contains: ['markerRecordedEventAttributes', 'activityTaskCancelRequestedEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
        expect(receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendout.id)).toHaveLength(3);
        const { patches, scheduled } = recorded('feedback-while-sending');
        expect(patches).toEqual(expect.arrayContaining(['feedback-while-sending', 'feedback-fanout']));
        // the follower, then the fan-out step after the pages
        expect(scheduled.filter((name: string) => name === 'deliverSendoutFeedback')).toHaveLength(2);
      });

      it('records an inline sendout with feedback on: generation, then pages, completion and fan-out as local activities', async () => {
        const seed = await seedSendout(stack, { contacts: 3, espUrl: gated.esp.url });
        const sendout = await expectStatus(
          stack.request('POST', '/v1/sendouts', {
            projectId: seed.projectId,
            name: 'inline',
            contactIds: [0, 1, 2].map((i) => `${seed.tag}-${i}`),
            integrationId: seed.integrationId,
            content: { subject: 'x' },
            feedback,
          }),
          202,
        );
        await record(stack, sendout.workflowId, 'inline-feedback', {
          runs: 'one',
          contains: ['markerRecordedEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
        expect(receiver.accepted.filter((e) => e.body.messageExecution.campaignID === sendout.id)).toHaveLength(3);
        const { patches, scheduled } = recorded('inline-feedback');
        expect(patches).toContain('inline-steps');
        expect(scheduled).toEqual(['generateMessages']);
      });

      it('records a gate that times out with feedback on: exclude events before completion', async () => {
        const sendout = await startSendout(gated, 'feedback gate timed out', 3, { feedback, gate: { enabled: true, timeout: '3s' } });
        await record(stack, sendout.workflowId, 'feedback-gate-timed-out', {
          runs: 'one',
          contains: ['markerRecordedEventAttributes', 'timerFiredEventAttributes'],
          endsWith: 'workflowExecutionCompletedEventAttributes',
        });
      });
    });

    it('records a sendout cancelled at the gate', async () => {
      const sendout = await startSendout(gated, 'cancelled at gate', 3, { gate: { enabled: true, timeout: '1h' } });
      await webhookFor(gated.integrator, sendout.id);
      await expectStatus(stack.request('POST', `/v1/sendouts/${sendout.id}/cancel`), 202);
      await record(stack, sendout.workflowId, 'gate-cancelled', {
        runs: 'one',
        contains: ['workflowExecutionCancelRequestedEventAttributes'],
        endsWith: 'workflowExecutionCanceledEventAttributes',
      });
    });
  });

  describe('when the send phase outgrows a run', () => {
    let sending: SendingStack;

    beforeAll(async () => {
      // One message a page: the first plan's 50 pages pass 100 events; the next run sends the 51st.
      sending = await startSendingStack({ env: { SENDOUT_SEND_PAGE_SIZE: '1', SENDOUT_CONTINUE_AS_NEW_AFTER_EVENTS: '100' } });
    });

    afterAll(async () => {
      await sending?.stop();
    });

    it('records every run of a sendout that continues as new while sending', async () => {
      const sendout = await startSendout(sending, 'send continued as new', 51);
      await record(sending.stack, sendout.workflowId, 'send-continued-as-new', {
        runs: 'several',
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });
  });

  describe('with the gate decision re-read every second', () => {
    let gated: GatedStack;
    let stack: TestStack;

    beforeAll(async () => {
      gated = await startGatedStack({
        worker: false,
        env: { SENDOUT_GATE_REREAD_MS: '1000', SENDOUT_CONTINUE_AS_NEW_AFTER_EVENTS: '100' },
      });
      stack = gated.stack;
    });

    afterAll(async () => {
      await gated?.stop();
    });

    it('records a sendout that fails for good (its segment deleted before generation)', async () => {
      const sendout = await startSendout(gated, 'failed', 3);
      await stack.dataSource.query('DELETE FROM segments WHERE id = ?', [sendout.seed.segmentId]);
      await stack.startWorker();
      await record(stack, sendout.workflowId, 'failed', { runs: 'one', endsWith: 'workflowExecutionFailedEventAttributes' });
    });

    it('records every run of a sendout that continues as new while waiting at its gate', async () => {
      const sendout = await startSendout(gated, 'gate continued as new', 3, { gate: { enabled: true, timeout: '1h' } });
      const hook = await webhookFor(gated.integrator, sendout.id);
      await waitForContinueAsNew(stack, sendout.workflowId);
      expect(await post(hook.finishUri)).toBe(200);
      await record(stack, sendout.workflowId, 'gate-continued-as-new', {
        runs: 'several',
        contains: ['markerRecordedEventAttributes'],
        endsWith: 'workflowExecutionCompletedEventAttributes',
      });
    });
  });
});
