export * from './temporal-client.module';
export * from './sendout-workflow.gateway';
export * from './journey-run-workflow.gateway';
export * from './campaign-schedule.gateway';
