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
