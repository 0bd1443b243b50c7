import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import cell0 from './eslint-rules/cell0-rules.js';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // One-way layers and no import cycles (type-only imports included); see eslint-rules/.
    files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}', 'src-preload/**/*.ts'],
    plugins: { cell0 },
    rules: { 'cell0/no-cycle': 'error', 'cell0/layers': 'error' },
  },
  {
    // The core runs under plain Node: Electron stays at the edge (index.ts, desktop/, the preload).
    files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}'],
    ignores: ['src-main/index.ts', 'src-main/desktop/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: "Only src-main/index.ts, src-main/desktop/ and src-preload/ import 'electron'.",
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer may only take types from the protocol.
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/**', '!**/src-main/core/protocol/**'],
              message: 'The renderer talks to the core only through the protocol.',
            },
            {
              group: ['**/src-main/core/protocol/**'],
              allowTypeImports: true,
              message: 'Import protocol types with `import type`.',
            },
          ],
        },
      ],
    },
  },
);
