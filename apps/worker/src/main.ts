/**
 * The Sendgate worker: a Nest application context (database, HTTP clients) plus a Temporal
 * Worker that runs until SIGTERM/SIGINT, then drains its in-flight activities and exits.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NativeConnection, Worker } from '@temporalio/worker';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { SENDOUT_ACTIVITIES } from './activities.provider';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const logger = new Logger('Worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(), { logger: ['log', 'warn', 'error'] });
  const config = app.get<SendgateConfig>(SENDGATE_CONFIG);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: app.get(SENDOUT_ACTIVITIES),
      ...workflowSource(config),
      maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
      shutdownGraceTime: config.worker.shutdownGraceMs,
    });
    logger.log(`polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
    await worker.run();
    logger.log('worker drained and stopped');
  } finally {
    await connection.close();
    await app.close();
  }
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
