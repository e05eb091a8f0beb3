import { startSandboxProcess as startSandbox } from '../support/processes.js';

export const BENCH_TOKEN = 'bench-token';

/** The sandbox in a child process of its own (its memory and CPU are its own), with limits out of the way. */
export function startSandboxProcess() {
  return startSandbox({
    SANDBOX_ACCESS_TOKEN: BENCH_TOKEN,
    SANDBOX_RELEASE_DELAY_MS: String(24 * 3_600_000),
    SANDBOX_RATE_LIMIT_CALLS: '10000000',
  });
}
