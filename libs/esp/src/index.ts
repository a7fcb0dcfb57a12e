export * from './esp-client';
export * from './outbound-url';
export * from './outbound-connect';
export * from './private-address';
export * from './integration-request';
export * from './integration-secrets';
export * from './oauth2';
export * from './outbound.module';
