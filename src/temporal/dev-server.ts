/**
 * Starts a local Temporal dev server with this project's search attributes registered.
 * Used by the test harness, the benchmarks and `npm start`.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { describeCli, HOW_TO_INSTALL_CLI, resolveTemporalCli, sdkExecutable } from './cli.js';

export interface DevServerOptions {
  /** SQLite file for persistence; in-memory when absent. */
  dbFilename?: string;
  port?: number;
  /** Enables the Web UI on this port. */
  uiPort?: number;
  namespace?: string;
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
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: sdkExecutable(cli),
        namespace,
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
        ...(options.port ? { port: options.port } : {}),
        ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
        log: { format: 'pretty', level: 'warn' },
      },
    });
  } catch (err) {
    if (cli.source === 'sdk download') throw new Error(`${HOW_TO_INSTALL_CLI}\n(cause: ${(err as Error).message})`, { cause: err });
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
