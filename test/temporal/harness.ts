/** What every Temporal test file needs: a client and a native connection to the run's dev server. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { inject } from 'vitest';

let runtimeInstalled = false;

export interface TemporalHarness {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  workflowBundlePath: string;
  close(): Promise<void>;
}

export async function connectToTestServer(): Promise<TemporalHarness> {
  if (!runtimeInstalled) {
    // Worker logs at WARN keep test output readable; failures still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace }),
    nativeConnection,
    namespace,
    workflowBundlePath: inject('workflowBundlePath'),
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** A task queue name no other test uses, so parallel files never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. The default is
 * generous because CI shares two cores with other work: a dev server under load answers a query or a
 * poll round in tens of seconds (seen: 10 s single queries), and waiting longer only costs a failing run.
 * Below the temporal project's 120 s test timeout, so a test fails with the wait's own message.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
