export * from './states';
export * from './segment-filter';
export * from './payload-template';
export * from './content-template';
export * from './identifiers';
export * from './gate';
export * from './json-limits';
