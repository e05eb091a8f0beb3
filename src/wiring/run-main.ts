import { ConfigError } from '../config.js';

/** EX_CONFIG from sysexits.h: the process stopped because a setting is wrong. */
export const EXIT_CONFIG = 78;

/**
 * Runs a command's main function: a configuration error becomes one line on stderr and exit 78;
 * anything else is printed with its stack and exits 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    console.error(err);
    process.exit(1);
  });
}
