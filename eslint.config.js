// One linter, zero warnings. The layer rules below are ARCHITECTURE.md's "may import"
// column, enforced so that a wrong import fails `npm test`, not a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

const folders = ['core', 'drivers', 'sync', 'electron', 'preload', 'renderer', 'simulators'];
const except = (...allowed) => folders.filter((f) => !allowed.includes(f)).map((f) => `./${f}`);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'coverage/**',
      'bench/results/**',
      '.data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './core', from: except('core'), message: 'core/ imports only core/.' },
            {
              target: './drivers',
              from: except('core', 'drivers'),
              message: 'drivers/ imports only core/ ports and types.',
            },
            {
              target: './sync',
              from: except('core', 'sync'),
              message: 'sync/ imports only core/.',
            },
            {
              target: './electron',
              from: ['./renderer', './simulators'],
              message: 'electron/ never imports the renderer or simulators.',
            },
            {
              target: './preload',
              from: folders.filter((f) => f !== 'preload').map((f) => `./${f}`),
              message: 'preload/ imports electron only.',
            },
            {
              target: './renderer',
              from: except('core', 'renderer'),
              message: 'renderer/ talks to the store server through the API only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer may import core/ types, and at runtime only pure rule modules
    // (model.ts / rules.ts: zod schemas, validators, state machines; no Node, no I/O).
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // `*.ts` so the model/rules exclusions can re-include files (gitignore semantics).
              group: ['**/core/**/*.ts', '!**/core/**/model.ts', '!**/core/**/rules.ts'],
              allowTypeImports: true,
              message:
                'The renderer imports only types and pure rule modules (model.ts, rules.ts) from core/.',
            },
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node built-ins.' },
          ],
        },
      ],
    },
  },
);
