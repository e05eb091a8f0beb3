/**
 * Starts a local Temporal dev server with this project's search attributes registered.
 * Used by the test harness, the benchmarks and `npm start`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../api/search-attributes.js';
import { describeCli, HOW_TO_INSTALL_CLI, resolveTemporalCli, sdkExecutable } from './temporal-cli.js';

export interface DevServerOptions {
  /** SQLite file for persistence; in-memory when absent. */
  dbFilename?: string;
  port?: number;
  /** Enables the Web UI on this port. */
  uiPort?: number;
  namespace?: string;
  /** The Web UI decodes payloads through this codec server (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /**
   * Runs the server in a process group of its own (via `setsid`, where it exists), in this folder's
   * wrapper script. For interactive use: Ctrl-C in a terminal signals the whole foreground group,
   * and the server must outlive the workers' drain instead of vanishing under them.
   */
  ownProcessGroupDir?: string;
  /**
   * With ownProcessGroupDir: the server's own output (its banner, its warnings) goes to this file
   * instead of the terminal, so `npm start` prints only its own summary.
   */
  outputFile?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  env: TestWorkflowEnvironment;
  address: string;
  namespace: string;
  uiUrl?: string;
  cliDescription: string;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[dev-server] ${line}\n`));
  const cli = await resolveTemporalCli();
  const cliDescription = describeCli(cli);
  log(`starting Temporal dev server with ${cliDescription}`);
  const namespace = options.namespace ?? 'default';
  let executable = sdkExecutable(cli);
  if (options.ownProcessGroupDir && executable.type === 'existing-path') {
    executable = {
      type: 'existing-path',
      path: inOwnProcessGroup(executable.path, options.ownProcessGroupDir, options.outputFile),
    };
  }
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        namespace,
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
        ...(options.port ? { port: options.port } : {}),
        ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
        log: { format: 'pretty', level: 'warn' },
        ...(options.uiCodecEndpoint ? { extraArgs: ['--ui-codec-endpoint', options.uiCodecEndpoint] } : {}),
      },
    });
  } catch (err) {
    if (cli.source === 'sdk download')
      throw new Error(`${HOW_TO_INSTALL_CLI}\n(cause: ${(err as Error).message})`, { cause: err });
    throw err;
  }
  const address = env.address;
  return {
    env,
    address,
    namespace,
    cliDescription,
    ...(options.uiPort ? { uiUrl: `http://localhost:${options.uiPort}` } : {}),
    stop: () => env.teardown(),
  };
}

/**
 * A wrapper that `exec`s `setsid` then the CLI: the same process (setsid forks only for a group
 * leader, which a spawned child is not), so the SDK's kill still reaches the server. Where `setsid`
 * does not exist (macOS) the wrapper execs the CLI directly, and Ctrl-C then stops the server at once.
 */
function inOwnProcessGroup(cliPath: string, dir: string, outputFile: string | undefined): string {
  let setsid = 'setsid ';
  try {
    execFileSync('setsid', ['--version'], { stdio: 'ignore' });
  } catch {
    setsid = '';
  }
  const redirect = outputFile ? ` >>${JSON.stringify(outputFile)} 2>&1` : '';
  const wrapper = join(dir, 'temporal-own-process-group.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${setsid}${JSON.stringify(cliPath)} "$@"${redirect}\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
