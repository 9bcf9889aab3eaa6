// Lint rules, including the architecture's one-way arrows (docs/ARCHITECTURE.md): nothing in src/ imports
// from commands/, the engine never imports the UI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noCommands = {
  group: ['**/commands/**'],
  message: 'src/ must not import from commands/ (arrows point one way).',
};
// chalk 5 ignores NO_COLOR: every colour goes through src/ui/color.ts, which honours it.
const noChalk = { name: 'chalk', message: 'colour through src/ui/color.ts (it honours NO_COLOR and FORCE_COLOR).' };

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'oclif.manifest.json', 'examples/*/data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/commands/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: [noChalk], patterns: [noCommands] }],
    },
  },
  {
    files: ['src/commands/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noChalk] }] },
  },
  {
    files: ['src/ui/color.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: [
      'src/engine/**/*.ts',
      'src/graph/**/*.ts',
      'src/platform/**/*.ts',
      'src/proto/**/*.ts',
      'src/usecase/**/*.ts',
      'src/deploy/**/*.ts',
      'src/picture/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noChalk],
          patterns: [
            noCommands,
            { group: ['**/ui/**', '**/cli/**'], message: 'core modules must not import the UI or the CLI layer.' },
          ],
        },
      ],
    },
  },
  {
    // The report follows a run only through the engine's event types, like the UI.
    files: ['src/report/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noCommands,
            { group: ['**/cli/**'], message: 'the report must not import the CLI layer.' },
            {
              group: ['**/engine/**', '!**/engine/events.js'],
              message: 'the report knows the engine only by its event types (engine/events.js).',
            },
          ],
        },
      ],
    },
  },
  {
    // Scripts inlined into pages aieffect writes (the run report) run in a browser.
    files: ['templates/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
