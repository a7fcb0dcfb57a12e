export * from './feedback-signer';
export * from './feedback-sender';
export * from './feedback-receiver';
export * from './feedback-dispatcher';
