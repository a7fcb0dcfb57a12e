/**
 * Runs test/replay/record-histories.ts and record-journey-histories.ts (`npm run record-histories`):
 * the suite's global setup (a Temporal dev server, a fresh MariaDB database) and path mapping, for
 * those files only.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('../../tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  rootDir: '../..',
  testMatch: ['<rootDir>/test/replay/record-histories.ts', '<rootDir>/test/replay/record-journey-histories.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 180_000,
  forceExit: true,
};
