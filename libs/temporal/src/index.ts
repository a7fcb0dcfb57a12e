export * from './temporal-client.module';
export * from './sendout-workflow.gateway';
