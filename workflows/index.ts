/** What the API and tests import: workflow functions plus their messages and search attributes. */
export * from './registry';
export * from './sendout.messages';
export * from './feedback-dispatcher.messages';
export * from './email-log-purge.messages';
export * from './journey-run.messages';
export * from './campaign-execution.messages';
export * from './search-attributes';
export * from './labels';
