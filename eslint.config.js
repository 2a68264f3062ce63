import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Contexts meet only through messaging: each extension context may import the shared
// protocol (extension/messaging) and the API contract (src/contract), never another context.
const contexts = ['background', 'content', 'sidepanel', 'options', 'supervisor'];
// Content scripts run inside CRM pages, and a compromised page may drive them: they only read
// settings, never write them (the worker trusts no setting they could write, but they need none).
const contentSettingsWrites =
  'The content script must not write settings: a compromised CRM page could drive it.';
const extraImportBans = {
  content: [
    { group: ['**/messaging/config', '**/messaging/config.ts'], message: contentSettingsWrites },
  ],
};
const contextBoundaries = contexts.map((context) => ({
  files: [`extension/${context}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...contexts
            .filter((other) => other !== context)
            .map((other) => ({
              group: [`**/${other}/**`, `**/${other}`],
              message: `extension/${context} must not import extension/${other}: talk through extension/messaging.`,
            })),
          { group: ['**/src/server/**'], message: 'The extension must not import backend code.' },
          ...(extraImportBans[context] ?? []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-zip/**',
      '.bench-data/**',
      '.loopdesk/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/scoring/**/*.ts', 'src/nba/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', 'node:*', 'pg', '@electric-sql/*', 'fs'],
              message: 'Scoring is pure: data in, numbers out, no I/O.',
            },
          ],
        },
      ],
    },
  },
  ...contextBoundaries,
  {
    files: ['extension/content/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // chrome.storage.<area>.set(…), browser.storage.<area>.remove(…) and the like.
          selector:
            "CallExpression[callee.property.name=/^(set|remove|clear|setAccessLevel)$/][callee.object.object.property.name='storage']",
          message: contentSettingsWrites,
        },
      ],
    },
  },
);
