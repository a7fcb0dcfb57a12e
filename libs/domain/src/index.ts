export * from './states';
export * from './segment-filter';
export * from './payload-template';
export * from './content-template';
export { CONTENT_LIMITS } from './liquid-sandbox';
export * from './identifiers';
export * from './gate';
export * from './json-limits';
export * from './feedback';
