import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Boundaries between the parts (README "Layout"): the contract is shared by both sides and
// depends on nothing but zod; the extension shows what the backend computed and imports none of
// its code; scoring and next-best-action are pure and know neither the server nor the extension.

// The extension, every part of it, talks to the backend over HTTP through src/contract only.
const backendCodeBans = [
  {
    group: ['**/src/server/**', '**/src/server'],
    message: 'The extension must not import backend code.',
  },
  {
    group: ['**/src/scoring/**', '**/src/scoring', '**/src/nba/**', '**/src/nba'],
    message:
      'The extension must not import scoring or next-best-action code: the backend computes them, the extension shows its answers (src/contract).',
  },
];

// Contexts meet only through messaging: each extension context may import the shared
// protocol (extension/messaging), the code every context shares (extension/shared) and the API
// contract (src/contract), never another context.
const contexts = ['background', 'content', 'sidepanel', 'options', 'supervisor'];
// Content scripts run inside CRM pages, and a compromised page may drive them: they only read
// settings, never write them (the worker trusts no setting they could write, but they need none).
const contentSettingsWrites =
  'The content script must not write settings: a compromised CRM page could drive it.';
const extraImportBans = {
  content: [
    {
      group: ['**/shared/settings', '**/shared/settings.ts'],
      message: contentSettingsWrites,
    },
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
          ...backendCodeBans,
          ...(extraImportBans[context] ?? []),
        ],
      },
    ],
  },
}));
const sharedExtensionCode = {
  files: ['extension/**/*.{ts,tsx}'],
  ignores: contexts.map((context) => `extension/${context}/**`),
  rules: { 'no-restricted-imports': ['error', { patterns: backendCodeBans }] },
};

const contractOnlyZod = {
  message:
    'src/contract is shared by the backend and the extension: it imports only zod and its own files.',
};
const contractBoundaries = [
  {
    files: ['src/contract/**/*.ts'],
    ignores: ['src/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!(?:zod(?:/.*)?|\\./[^/]+)$)', ...contractOnlyZod }] },
      ],
    },
  },
  {
    files: ['src/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!(?:zod(?:/.*)?|vitest|fast-check|\\./[^/]+)$)', ...contractOnlyZod },
          ],
        },
      ],
    },
  },
];

// The backend by feature (src/server/<feature>/): a feature's routes are its HTTP surface, which
// only src/server/app.ts registers; features use each other's services, never each other's routes.
const extensionCodeInBackend = {
  group: ['**/extension/**', '**/extension'],
  message: 'The backend must not import extension code: what both sides share is in src/contract.',
};
const routesModule = /(?:^|[/-])routes(?:\.ts)?$/.source;
const routesOnlyFromApp =
  "Only src/server/app.ts registers routes: import the feature's services instead.";
const serverFolders = readdirSync(new URL('./src/server', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const serverBoundaries = [
  {
    files: ['src/server/*.ts'],
    ignores: ['src/server/app.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [extensionCodeInBackend, { regex: routesModule, message: routesOnlyFromApp }] },
      ],
    },
  },
  {
    files: ['src/server/app.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [extensionCodeInBackend] }] },
  },
  ...serverFolders.map((folder) => ({
    files: [`src/server/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            extensionCodeInBackend,
            // Up out of this folder, then into another one's routes.
            { regex: `^\\.\\./.*${routesModule}`, message: routesOnlyFromApp },
          ],
        },
      ],
    },
  })),
];

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
            {
              group: ['**/extension/**', '**/extension'],
              message: 'Scoring and next-best-action know nothing of the extension.',
            },
          ],
        },
      ],
    },
  },
  ...contextBoundaries,
  sharedExtensionCode,
  ...contractBoundaries,
  ...serverBoundaries,
  {
    // The store build (npm run package) turns that one module into no-ops, so marks left
    // anywhere else would ship to the store.
    files: ['extension/**/*.{ts,tsx}'],
    ignores: ['extension/shared/timing-marks.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['mark', 'measure'].map((property) => ({
          object: 'performance',
          property,
          message: 'Benchmark timing lives in extension/shared/timing-marks.ts only.',
        })),
      ],
    },
  },
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
