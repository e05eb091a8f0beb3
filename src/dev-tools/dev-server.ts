/**
 * Starts a local Temporal dev server with this project's search attributes registered.
 * Used by the test harness, the benchmarks and `npm start`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
   * The server's own output (its banner, its warnings) goes to this file instead of the terminal,
   * so `npm start` and the chaos run print only their own lines. The wrapper script goes into
   * ownProcessGroupDir, or else beside the file.
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
  if ((options.ownProcessGroupDir || options.outputFile) && executable.type === 'existing-path') {
    executable = {
      type: 'existing-path',
      path: wrapped(executable.path, {
        ownProcessGroup: options.ownProcessGroupDir !== undefined,
        dir: options.ownProcessGroupDir ?? dirname(options.outputFile!),
        outputFile: options.outputFile,
      }),
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
 * A wrapper script that `exec`s the CLI, so the SDK's kill still reaches the server (same process):
 * with ownProcessGroup through `setsid` (which forks only for a group leader, which a spawned
 * child is not; where `setsid` does not exist, as on macOS, the CLI runs in our group and Ctrl-C
 * then stops the server at once), with outputFile its output appended there.
 */
function wrapped(
  cliPath: string,
  how: { ownProcessGroup: boolean; dir: string; outputFile: string | undefined },
): string {
  let setsid = '';
  if (how.ownProcessGroup) {
    try {
      execFileSync('setsid', ['--version'], { stdio: 'ignore' });
      setsid = 'setsid ';
    } catch {
      // no setsid: the server stays in our process group
    }
  }
  const redirect = how.outputFile ? ` >>${JSON.stringify(how.outputFile)} 2>&1` : '';
  const wrapper = join(how.dir, how.ownProcessGroup ? 'temporal-own-process-group.sh' : 'temporal-with-output.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${setsid}${JSON.stringify(cliPath)} "$@"${redirect}\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}
