export * from './gate-uris';
export * from './gate-endpoint';
export * from './gate-notifier';
export * from './gate.module';
