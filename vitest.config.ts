import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node (pure modules, the sandbox, the Graph client, the OMS
// adapters); `temporal` shares one dev server for the whole run (test/temporal/global-setup.ts).
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
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
