export * from './secret-box';
export * from './signed-token';
export * from './unsubscribe-links';
export * from './crypto.module';
export * from './api-key';
