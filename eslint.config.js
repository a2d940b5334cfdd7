// Lint with type information. The domain rule is the one that matters most:
// src/domain stays pure so the workforce engine, validators and scoring can be
// tested with no server and no database.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const domainRestrictions = {
  patterns: [
    { group: ['fastify', '@fastify/*'], message: 'The domain never knows about HTTP: return data and let src/web present it.' },
    { group: ['kysely', 'pg', 'better-sqlite3'], message: 'The domain never touches the database: add a store in src/db/stores.' },
    { group: ['node:fs', 'fs', 'node:fs/*', 'fs/*', 'node:net', 'node:http', 'node:child_process'], message: 'The domain does no I/O: take data as arguments.' },
    { group: ['**/db/**', '**/web/**', '**/cli/**'], message: 'The domain depends on nothing outside src/domain.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'src/web/assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' }],
    },
  },
  { files: ['src/domain/**/*.ts'], rules: { 'no-restricted-imports': ['error', domainRestrictions] } },
  // Fastify plugins are async by contract even when they register routes synchronously.
  { files: ['src/web/routes/*.ts'], rules: { '@typescript-eslint/require-await': 'off' } },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['eslint.config.js', 'vitest.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-member-access': 'off' },
  },
);
