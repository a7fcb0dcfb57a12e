import { Writable } from 'node:stream';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLogger } from '@sendgate/logging';
import { TemporalPinoLogger, activityLogAttributes } from './temporal-logging';

/** Temporal's logger over a pino logger whose JSON lines are kept. */
function capture(level: 'info' | 'debug' = 'info') {
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const sut = new TemporalPinoLogger(createLogger({ level, format: 'json' }, { name: 'worker', destination }));
  return {
    sut,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, any>),
  };
}

/** An activity run as the worker runs it: our logger as the runtime's, our interceptor. */
function activityEnvironment(sut: TemporalPinoLogger, activityType: string) {
  return new MockActivityEnvironment(
    { activityType, workflowExecution: { workflowId: 'sendout-s-1', runId: 'run-1' }, workflowType: 'sendoutWorkflow' },
    { logger: sut, interceptors: [activityLogAttributes] },
  );
}

describe('TemporalPinoLogger', () => {
  it("writes the SDK's lines as ours, its error with a stack under err", () => {
    const { sut, lines } = capture();

    sut.warn('Activity failed', { sdkComponent: 'worker', error: new Error('ESP answered 503') });
    sut.debug('Activity started');

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'Activity failed',
        sdkComponent: 'worker',
        err: expect.objectContaining({ message: 'ESP answered 503', stack: expect.stringContaining('Error: ESP answered 503') }),
      }),
    ]);
  });
});

describe('an activity of a sendout', () => {
  it('logs with workflowId, activity and sendoutId, and so does the SDK when the attempt fails', async () => {
    const { sut, lines } = capture();
    const env = activityEnvironment(sut, 'sendMessagePage');

    const attempt = env.run(
      async (_input: { sendoutId: string; range: [number, number] }) => {
        log.warn('ESP asked for a retry: 2 of 5 messages (5xx)');
        throw ApplicationFailure.retryable('2 of 5 messages to retry', 'EspRetry');
      },
      { sendoutId: 's-1', range: [1, 5] as [number, number] },
    );

    await expect(attempt).rejects.toThrow('2 of 5 messages to retry');
    const [ours, sdks] = lines();
    const fields = { workflowId: 'sendout-s-1', activity: 'sendMessagePage', sendoutId: 's-1', workflowType: 'sendoutWorkflow' };
    expect(ours).toMatchObject({ level: 'warn', msg: 'ESP asked for a retry: 2 of 5 messages (5xx)', sdkComponent: 'activity', ...fields });
    expect(sdks).toMatchObject({
      level: 'warn',
      msg: 'Activity failed',
      sdkComponent: 'worker',
      err: { message: '2 of 5 messages to retry' },
      ...fields,
    });
    for (const line of lines()) {
      // the task token completes the activity from outside; activityType is `activity` here
      expect(line).not.toHaveProperty('taskToken');
      expect(line).not.toHaveProperty('activityType');
    }
  });

  it('has no sendoutId when its input names none', async () => {
    const { sut, lines } = capture();

    await activityEnvironment(sut, 'dispatchFeedback').run(async (_input: { maxRunMs: number }) => log.info('dispatched 3 deliveries'), {
      maxRunMs: 1_000,
    });

    expect(lines()).toEqual([expect.objectContaining({ msg: 'dispatched 3 deliveries', activity: 'dispatchFeedback' })]);
    expect(lines()[0]).not.toHaveProperty('sendoutId');
  });
});
