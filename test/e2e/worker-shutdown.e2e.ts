/**
 * A worker told to stop (SIGTERM, as a deploy or Ctrl-C under `make start` does) drains what it runs
 * and exits. The feedback dispatcher's activity runs for minutes at a time: it must end at its next
 * batch, not hold the worker until the shutdown grace is over and Temporal cancels it.
 */
import { WorkflowHandle } from '@temporalio/client';
import { feedbackDispatcherWorkflowId } from '../../workflows/feedback-dispatcher.messages';
import { TestStack, WorkerProcess } from '../harness';
import { SendingStack, startSendingStack } from '../scenario';
import { waitFor } from '../wait';

/** Longer than the test waits for the worker to exit: an exit within it did not wait out the grace. */
const LONG_GRACE = { WORKER_SHUTDOWN_GRACE_MS: '300000' };

describe('a worker asked to stop while the feedback dispatcher runs on it', () => {
  let sending: SendingStack;
  let stack: TestStack;
  let dispatcher: WorkflowHandle;
  let closeClient: () => Promise<void>;

  beforeAll(async () => {
    ({ stack } = sending = await startSendingStack({ worker: false }));
    const { client, close } = await stack.temporalClient();
    closeClient = close;
    dispatcher = client.workflow.getHandle(feedbackDispatcherWorkflowId(stack.config.temporal.taskQueue));
  });

  afterAll(async () => {
    await closeClient?.();
    await sending?.stop();
  });

  /** Waits until the dispatcher's activity has started on `worker`. */
  async function dispatchingOn(worker: WorkerProcess): Promise<void> {
    await waitFor('the dispatcher to run on the worker', 60_000, async () => {
      const { raw } = await dispatcher.describe().catch(() => ({ raw: { pendingActivities: [] } }));
      return (raw.pendingActivities ?? []).some(
        (a) => a.activityType?.name === 'dispatchFeedback' && a.lastStartedTime && a.lastWorkerIdentity === worker.identity,
      );
    });
  }

  it('exits cleanly without waiting out its shutdown grace, and the next worker takes the dispatcher on', async () => {
    const first = await stack.startWorker(LONG_GRACE);
    await dispatchingOn(first);

    first.kill('SIGTERM');
    await waitFor('the worker to exit', 60_000, () => first.child.exitCode !== null || first.child.signalCode !== null);
    expect(await first.exited).toBe(0);

    const second = await stack.startWorker(LONG_GRACE);
    await dispatchingOn(second);
    expect((await dispatcher.describe()).status.name).toBe('RUNNING');
  });
});
