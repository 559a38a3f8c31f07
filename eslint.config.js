// One linter, zero warnings. The layer rules below are ARCHITECTURE.md's "may import"
// column, enforced so that a wrong import fails `npm test`, not a review
// (scripts/layers.test.ts proves each rule bites).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const folders = ['core', 'drivers', 'sync', 'electron', 'preload', 'renderer', 'simulators'];

/** A pattern group refusing imports of the named project folders, from anywhere below. */
const refuse = (names, message) => ({
  group: names.flatMap((f) => [`**/${f}/**`, `../${f}/**`, `./${f}/**`]),
  message,
});
const except = (...allowed) => folders.filter((f) => !allowed.includes(f));

/** One block per layer: the folders it may not import, and npm packages it must not use. */
const layer = (folder, patterns, paths = []) => ({
  files: [`${folder}/**/*.{ts,tsx}`],
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }] },
});

const WALL_CLOCK =
  'A test reads the test clock (ManualClock, the clock servicesForTest gives, --test-clock), not the wall clock; where real time is the point, disable this on the line with the reason.';

const noElectron = [{ name: 'electron', message: 'Only electron/ and preload/ may use Electron.' }];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'coverage/**',
      'bench/results/**',
      '.data/**',
      // Stryker's sandboxes (copies of the repo) and generated mutation reports.
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  layer('core', [refuse(except('core'), 'core/ imports only core/.')], noElectron),
  // Tests may drive the simulators (stand-ins for the outside world) through the real drivers;
  // product code may not.
  {
    files: ['core/**/*.test.ts', 'core/**/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            refuse(
              except('core', 'drivers', 'simulators'),
              'core/ tests import core/, drivers/ and simulators/.',
            ),
          ],
          paths: noElectron,
        },
      ],
    },
  },
  layer(
    'drivers',
    [refuse(except('core', 'drivers'), 'drivers/ imports only core/ ports and types.')],
    noElectron,
  ),
  // A driver is tested against its simulator over a real socket or pseudo-terminal.
  {
    files: ['drivers/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            refuse(
              except('core', 'drivers', 'simulators'),
              'drivers/ tests import core/, drivers/ and simulators/.',
            ),
          ],
          paths: noElectron,
        },
      ],
    },
  },
  layer('sync', [refuse(except('core', 'sync'), 'sync/ imports only core/.')], noElectron),
  layer('electron', [
    refuse(['renderer', 'simulators'], 'electron/ never imports the renderer or simulators.'),
  ]),
  layer('preload', [refuse(except('preload'), 'preload/ imports the electron package only.')]),
  {
    // The renderer may import core/ types, and at runtime only pure rule modules
    // (model.ts / rules.ts: zod schemas, validators, state machines; no Node, no I/O).
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: noElectron,
          patterns: [
            refuse(
              except('core', 'renderer'),
              'renderer/ talks to the store server through the API only.',
            ),
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
  {
    // Tests read the test clock, not the wall clock: the store's rules take a Clock
    // (ManualClock, servicesForTest's clock; the server's --test-clock), so a test that reads
    // Date.now() or new Date() for a rule's "today" passes or fails with the time of day.
    // Where real time is the point (a socket timeout, a poll deadline, a schedule measured
    // from now) disable the rule on that line and say why.
    files: ['{core,drivers,renderer,scripts,simulators,e2e}/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: WALL_CLOCK,
        },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: WALL_CLOCK },
      ],
    },
  },
);
