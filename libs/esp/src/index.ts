export * from './esp-client';
export * from './outbound-url';
