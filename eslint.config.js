// Flat ESLint config. The override on workflows/** keeps workflow code deterministic: no Node
// built-ins, Nest, TypeORM, HTTP clients or process.env there.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const nondeterministic = [
  'fs', 'path', 'crypto', 'http', 'https', 'net', 'os', 'child_process', 'dns', 'timers',
  'axios', 'undici', 'typeorm', 'mysql2', 'mysql2/*', 'better-sqlite3', 'liquidjs',
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nondeterministic.filter((p) => !p.includes('*')).map((name) => ({ name, message: 'workflow code must be deterministic: do I/O in an activity' })),
        patterns: [
          { group: ['node:*', '@nestjs/*', 'mysql2/*', '@sendgate/*'], message: 'workflow code must be deterministic (and bundled by Temporal: use relative imports of pure code)' },
        ],
      }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'workflows get configuration as input' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'workflows get configuration as input' }],
    },
  },
);
