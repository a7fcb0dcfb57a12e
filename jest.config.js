/**
 * Four tiers, one Jest run (`make test`), one closing line. Each tier is a Jest project, so it
 * can run alone (`npm run test:unit`, `test:activity`, `test:db`, `test:e2e`), and a project's
 * global setup runs only when at least one of its files is selected: the unit tiers never start
 * Temporal or touch MariaDB.
 *
 *   unit      *.spec.ts                  pure logic, and workflow replays (no Temporal server)
 *   activity  activities/*.activity.spec.ts  activities without a worker, on SQLite in memory and loopback fakes
 *   db        *.db.spec.ts               repositories on SQLite in memory and on a fresh MariaDB database
 *   e2e       test/**\/*.e2e.ts           the real stack: Temporal dev server, MariaDB, workers from dist/
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  testEnvironment: 'node',
  rootDir: '.',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const SOURCES = '<rootDir>/{apps,libs,workflows,activities,test,bench}/**';

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [`${SOURCES}/*.spec.ts`],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.activity\\.spec\\.ts$', '\\.db\\.spec\\.ts$'],
    },
    {
      ...common,
      displayName: 'activity',
      testMatch: ['<rootDir>/activities/**/*.activity.spec.ts'],
    },
    {
      ...common,
      displayName: 'db',
      testMatch: [`${SOURCES}/*.db.spec.ts`],
      globalSetup: '<rootDir>/test/db-global-setup.ts',
      globalTeardown: '<rootDir>/test/db-global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: [`${SOURCES}/*.e2e.ts`],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
  testTimeout: 180_000,
  // A failing integration test can leave a connection open; exit anyway (global teardown still runs)
  // rather than hang until CI's time limit.
  forceExit: true,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
