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
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
