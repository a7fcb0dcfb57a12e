/** Unit tests (*.spec.ts) and integration tests (*.e2e.ts) against the real Temporal dev server and database. */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/{apps,libs,workflows,activities,test}/**/*.{spec,e2e}.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 180_000,
  // A failing integration test can leave a connection open; exit anyway (global teardown still runs)
  // rather than hang until CI's time limit.
  forceExit: true,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
