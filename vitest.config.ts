import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node (pure modules, the sandbox, the Graph client, the OMS
// adapters); `temporal` shares one dev server for the whole run (test/temporal/global-setup.ts).
export default defineConfig({
  // examples/ import the package by name, as a merchant would: in the checkout that is src/ (tsconfig.json's paths).
  resolve: {
    alias: [
      {
        find: /^meta-shops-temporal\/oms\/http$/,
        replacement: fileURLToPath(new URL('./src/oms/http/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Generous for a loaded 2-core machine: opening a ReferenceOms (PGlite) in a beforeAll took
          // over 10 s (vitest's default hook timeout) at load average 3-6; a passing test costs nothing more.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'temporal',
          include: ['test/temporal/**/*.test.ts'],
          globalSetup: ['test/temporal/global-setup.ts'],
          // One file at a time: on a 2-core machine, two files' workers and hundreds of workflows
          // starve each other's queries and timers; sequential runs are slower but deterministic.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
