/**
 * The Sendgate worker: a Nest application context (database, HTTP clients) plus two Temporal
 * Workers, one for the deployment's task queue and one for inline sendouts' (see inlineTaskQueue),
 * that run until SIGTERM/SIGINT, then drain their in-flight activities and exit.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { SendgateConfig, loadConfig } from '@sendgate/config';
import { createLogger, nestLogger } from '@sendgate/logging';
import { FeedbackDispatcherInput, feedbackDispatcherWorkflowId, inlineTaskQueue } from '@sendgate/workflows';
import { SENDOUT_ACTIVITIES } from './activities.provider';
import { ensureEmailLogPurgeSchedule } from './email-log-purge-schedule';
import { freeLoopbackPort, startMetricsServer } from './metrics-server';
import { activityLogAttributes, installTemporalRuntime } from './temporal-logging';
import { WorkerModule } from './worker.module';

/** At most this long between two heartbeats a running activity sends to Temporal. */
const HEARTBEAT_THROTTLE_MS = 1_000;
/** Inline runs the inline queue's worker keeps in memory between their workflow tasks. */
const INLINE_CACHED_WORKFLOWS = 200;

async function main(): Promise<void> {
  const config = loadConfig();
  const pino = createLogger(config.log, { name: 'worker' });
  // Once per process, before the first connection: the SDK's logs (and its metrics) go where ours do.
  const sdkMetricsPort = config.worker.metrics.port > 0 ? await freeLoopbackPort() : undefined;
  installTemporalRuntime(pino, config.log.level, sdkMetricsPort === undefined ? undefined : `127.0.0.1:${sdkMetricsPort}`);
  const stopping = stopOnShutdownSignals();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, stopping.signal), {
    logger: nestLogger(pino),
  });
  const logger = new Logger('Worker');
  const metricsServer =
    sdkMetricsPort === undefined
      ? undefined
      : await startMetricsServer(config.worker.metrics, `http://127.0.0.1:${sdkMetricsPort}/metrics`, logger);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const { taskQueue } = config.temporal;
    const options = {
      connection,
      namespace: config.temporal.namespace,
      activities: app.get(SENDOUT_ACTIVITIES),
      ...workflowSource(config),
      maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
      shutdownGraceTime: config.worker.shutdownGraceMs,
      // A cancel reaches a running activity only in the answer to a heartbeat, and the SDK would send
      // them 0.8 × the heartbeat timeout apart (24 s by default): a cancelled page or feedback follower
      // would keep going that long. Activities beat once a second; this lets those beats through.
      maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE_MS,
      interceptors: { activity: [activityLogAttributes] },
    };
    // Inline sendouts have a queue and workflow task slots of their own (see inlineTaskQueue).
    const workers = [
      await Worker.create({ ...options, taskQueue }),
      // Its runs live a few seconds: a small cache, or its share of the heap would match the other's.
      await Worker.create({ ...options, taskQueue: inlineTaskQueue(taskQueue), maxCachedWorkflows: INLINE_CACHED_WORKFLOWS }),
    ];
    logger.log(`polling task queues "${taskQueue}" and "${inlineTaskQueue(taskQueue)}" on ${config.temporal.address}`);
    const running = runTogether(workers, stopping);
    const client = new Client({ connection, namespace: config.temporal.namespace });
    await ensureFeedbackDispatcher(client, config).catch((error: Error) =>
      logger.warn(`could not start the feedback dispatcher (the next worker to start will): ${error.message}`),
    );
    await ensureEmailLogPurgeSchedule(client, config).catch((error: Error) =>
      logger.warn(`could not create the email log purge schedule (the next worker to start will): ${error.message}`),
    );
    await running;
    logger.log('worker drained and stopped');
  } finally {
    // After a failed Worker.create another Worker may still hold the connection: its refusal to close
    // must not hide the error that got us here.
    await connection.close().catch((error: Error) => logger.warn(`could not close the Temporal connection: ${error.message}`));
    metricsServer?.close();
    await app.close();
  }
}

/**
 * Starts the feedback dispatcher workflow unless it runs already: every worker asks at boot, the
 * fixed id with "use existing" makes one run of it, and a worker that loses the race finds it started.
 */
async function ensureFeedbackDispatcher(client: Client, config: SendgateConfig): Promise<void> {
  const input: FeedbackDispatcherInput = {
    maxRunMs: config.feedback.dispatcherRunMs,
    heartbeatTimeoutMs: config.sendout.heartbeatTimeoutMs,
  };
  try {
    await client.workflow.start('feedbackDispatcherWorkflow', {
      taskQueue: config.temporal.taskQueue,
      workflowId: feedbackDispatcherWorkflowId(config.temporal.taskQueue),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      args: [input],
      memo: { purpose: 'delivers the feedback outbox to feedback webhooks and notifyUrls, for good' },
      staticSummary: 'Feedback dispatcher: delivers queued feedback events and email reports, retrying failed receivers',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Runs the workers until all have stopped. When one fails, the others stop too (and `stopping` is
 * aborted, so that their long activities end early), and its error is thrown.
 */
async function runTogether(workers: Worker[], stopping: AbortController): Promise<void> {
  const runs = workers.map((worker) => worker.run());
  try {
    await Promise.all(runs);
  } catch (error) {
    stopping.abort();
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled(runs);
    throw error;
  }
}

/**
 * Aborted when a signal the Temporal runtime shuts its workers down on arrives (SIGINT, SIGTERM,
 * SIGQUIT, SIGUSR2 by default). The workers then wait up to their shutdown grace for running
 * activities; the long feedback activities watch this and end at their next batch, so a stop takes
 * seconds rather than the whole grace.
 */
function stopOnShutdownSignals(): AbortController {
  const stopping = new AbortController();
  for (const signal of Runtime.instance().options.shutdownSignals) process.once(signal, () => stopping.abort());
  return stopping;
}

/** The prebuilt bundle from `npm run build` when present (fast start), else the sources. */
function workflowSource(config: SendgateConfig): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const bundle = config.worker.workflowBundlePath ?? resolve(__dirname, '../../../workflow-bundle.js');
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve('../../../workflows/registry') };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
