export * from './esp-client';
export * from './outbound-url';
export * from './integration-request';
export * from './integration-secrets';
export * from './oauth2';
