/**
 * The Temporal server a chaos run talks to and kills: started, SIGKILLed and started again on the
 * same address with the same persistence, so the run can check that nothing is lost with it.
 */
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../src/dev-tools/dev-server.js';
import { childPidsNamed } from '../support/processes.js';
import { freePort } from '../support/ports.js';

export interface ChaosTemporal {
  /** host:port, the same across restarts. */
  readonly address: string;
  readonly namespace: string;
  /** What runs, for the summary (e.g. "Temporal CLI dev server v1.5.1, SQLite file"). */
  readonly description: string;
  start(): Promise<void>;
  /** SIGKILL: no shutdown, whatever was in flight is cut off. Resolves once the process is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function waitUntilGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return; // no such process
    }
    // A child the SDK has not reaped yet stays a zombie: gone for our purposes.
    if (!childPidsNamed('').includes(pid)) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} still alive ${timeoutMs} ms after SIGKILL`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The Temporal CLI's dev server on a SQLite file in `dir`: the same server `npm start` runs, with
 * the project's search attributes. Killed and restarted on the same port and file.
 */
export async function devServerTemporal(dir: string, log: (line: string) => void): Promise<ChaosTemporal> {
  const port = await freePort();
  const dbFilename = join(dir, 'temporal.sqlite');
  let server: DevServer | undefined;
  let pid: number | undefined;
  let description = 'Temporal CLI dev server';
  return {
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    get description() {
      return description;
    },
    async start() {
      const before = new Set(childPidsNamed('temporal'));
      server = await startDevServer({ dbFilename, port, log, outputFile: join(dir, 'temporal-server.log') });
      description = `${server.cliDescription}, dev server on a SQLite file`;
      pid = childPidsNamed('temporal').find((p) => !before.has(p));
      if (pid === undefined) throw new Error('cannot find the dev server process to kill later (is /proc there?)');
    },
    async kill() {
      if (pid === undefined) throw new Error('the dev server is not running');
      process.kill(pid, 'SIGKILL');
      await waitUntilGone(pid);
      pid = undefined;
      // Closes the old environment's connections; its server is gone already (errors are ignored).
      await server?.stop();
      server = undefined;
    },
    async stop() {
      await server?.stop();
      server = undefined;
      pid = undefined;
    },
  };
}
