// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// Product code (src/) does not import the sandbox, not even its types: the product must work
// against Meta as documented, not against what the fake happens to do. src/main.ts, the demo
// entry point, is the one exception (it starts the sandbox).
const NO_SANDBOX = {
  group: ['**/sandbox', '**/sandbox/*'],
  message: 'Product code does not import the sandbox (only src/main.ts, the demo, starts it).',
};

// Workflow code and the pure modules it imports: what Temporal bundles into its deterministic sandbox.
const WORKFLOW_CODE = [
  'src/workflows/**/*.ts',
  'src/order/**/*.ts',
  'src/intake/*-workflow.ts',
  'src/intake/intake-attention.ts',
  'src/intake/signalled-memory.ts',
  'src/api/**/*.ts',
  'src/domain/**/*.ts',
];

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
    files: WORKFLOW_CODE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'undici', 'node:*'],
              message: 'Workflow code must stay deterministic.',
            },
            {
              group: [
                '**/activities/*',
                '**/graph/*',
                '**/oms/**',
                '**/wiring/*',
                '**/intake/*-activities*',
                '**/intake/start-intake*',
                '**/client/*',
                '**/cli/**',
              ],
              allowTypeImports: true,
              message: 'Import only types from non-workflow modules.',
            },
            NO_SANDBOX,
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    // The workflow block above carries the same ban with its own rules (a later block's options
    // would replace them there, not add to them).
    ignores: ['src/main.ts', ...WORKFLOW_CODE],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_SANDBOX] }] },
  },
  {
    // CommonJS on purpose (src/codec/failure-converter.cjs: the SDK require()s it by path).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', exports: 'writable', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The sandbox is the fake Meta the product is tested against. It is written from Meta's
    // documentation and shares no code with the product: a list imported from src/ would make the
    // fake accept exactly what the product sends, so a wrong list could never fail a test.
    // (test/unit/structure/sandbox-independence.test.ts checks the same, dynamic imports included.)
    files: ['sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src', '**/src/*'],
              message:
                "The sandbox shares no code with the product (src/): write its own copy from Meta's documentation.",
            },
          ],
        },
      ],
    },
  },
);
