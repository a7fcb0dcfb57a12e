// Flat ESLint config, type-aware for TypeScript (a promise nobody awaits is an error). The
// override on workflows/** keeps workflow code deterministic: no Node built-ins, Nest, TypeORM,
// HTTP clients or process.env there, and nothing from outside workflows/ but types and the pure
// domain enums (Temporal bundles workflow code on its own).
const { builtinModules } = require('node:module');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const nondeterministic = [
  ...builtinModules.filter((name) => !name.startsWith('_')),
  'axios',
  'undici',
  'typeorm',
  'mysql2',
  'better-sqlite3',
  'liquidjs',
];
/** Outside workflows/, workflow code may import at run time only these pure enums and rules. */
const outsideButPure = String.raw`^\.\./(?!libs/domain/src/(gate|states)$)`;

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Prettier wraps code at 140; this also holds strings and comments, which it leaves alone.
      'max-len': ['error', { code: 140, ignoreUrls: true }],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nondeterministic.map((name) => ({ name, message: 'workflow code must be deterministic: do I/O in an activity' })),
          patterns: [
            {
              group: ['node:*', '@nestjs/*', 'mysql2/*', '@sendgate/*'],
              message: 'workflow code must be deterministic (and bundled by Temporal: use relative imports of pure code)',
            },
            {
              regex: outsideButPure,
              allowTypeImports: true,
              message: 'workflow code imports only types and the pure domain enums from outside workflows/',
            },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'workflows get configuration as input' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'workflows get configuration as input' }],
    },
  },
);
