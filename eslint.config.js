// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'test/histories/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: only @temporalio/workflow,
    // pure modules and type imports are allowed there.
    files: ['src/workflows/**/*.ts', 'src/order/**/*.ts', 'src/intake/*-workflow.ts', 'src/api/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'undici', 'node:*'], message: 'Workflow code must stay deterministic.' },
            {
              group: ['**/activities/*', '**/graph/*', '**/oms/**', '**/sandbox/**', '**/wiring/*', '**/intake/*-activities*', '**/intake/start-intake*', '**/client/*', '**/cli/**'],
              allowTypeImports: true,
              message: 'Import only types from non-workflow modules.',
            },
          ],
        },
      ],
    },
  },
);
