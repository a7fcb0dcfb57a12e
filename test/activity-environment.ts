/**
 * Runs an activity function the way a worker runs it, without a worker or a server: the SDK's own
 * activity runner (the class `MockActivityEnvironment` of @temporalio/testing wraps) gives it a
 * real activity context, reports its heartbeats and delivers cancellation. @temporalio/testing is
 * not a dependency of this repository; this is the same few lines over @temporalio/worker, which
 * is, and keeps its interface (`on('heartbeat')`, `cancel()`, `run(fn, ...args)`).
 */
import { EventEmitter } from 'node:events';
import type { Info } from '@temporalio/activity';
import { ActivityCancellationDetails, ActivityFunction, Logger, defaultFailureConverter, defaultPayloadConverter, noopMetricMeter } from '@temporalio/common';
import { Activity } from '@temporalio/worker/lib/activity';

const silent: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export class ActivityEnvironment extends EventEmitter {
  readonly heartbeats: unknown[] = [];
  private readonly activity: Activity;

  constructor(info: Partial<Info> = {}) {
    super();
    const activityInfo: Info = { ...DEFAULT_INFO, ...info };
    this.activity = new Activity(
      activityInfo,
      undefined,
      { payloadConverter: defaultPayloadConverter, payloadCodecs: [], failureConverter: defaultFailureConverter },
      { type: 'activity', namespace: activityInfo.namespace, activityId: activityInfo.activityId, workflowId: activityInfo.workflowExecution?.workflowId, isLocal: false },
      undefined,
      (details?: unknown) => {
        this.heartbeats.push(details);
        this.emit('heartbeat', details);
      },
      undefined,
      silent,
      noopMetricMeter,
      [],
    );
  }

  /** What a worker does when the workflow cancels the activity (delivered on its next heartbeat). */
  cancel(): void {
    this.activity.cancel('CANCELLED', new ActivityCancellationDetails({ cancelRequested: true }));
  }

  run<P extends any[], R>(fn: ActivityFunction<P, R>, ...args: P): Promise<R> {
    return this.activity.runNoEncoding(fn as ActivityFunction<any[], any>, { args, headers: {} }) as Promise<R>;
  }
}

const DEFAULT_INFO: Info = {
  attempt: 1,
  taskQueue: 'test',
  isLocal: false,
  taskToken: Buffer.from('test'),
  base64TaskToken: Buffer.from('test').toString('base64'),
  activityId: 'test',
  activityType: 'test',
  activityNamespace: 'default',
  workflowNamespace: 'default',
  workflowType: 'sendout',
  workflowExecution: { workflowId: 'test', runId: '00000000-0000-0000-0000-000000000000' },
  scheduledTimestampMs: 1,
  scheduleToCloseTimeoutMs: 60_000,
  startToCloseTimeoutMs: 60_000,
  currentAttemptScheduledTimestampMs: 1,
  heartbeatTimeoutMs: 3_000,
  heartbeatDetails: undefined,
  priority: undefined,
  retryPolicy: undefined,
  namespace: 'default',
  activityRunId: undefined,
  inWorkflow: true,
};
