/**
 * What a command may use: the environment's configuration, a Temporal session and a Graph
 * client, each created on first use (a usage error or `--help` never opens a connection) and
 * closed by the runner when the command ends.
 */
import { Client, Connection } from '@temporalio/client';
import { OrderClient } from '../client/index.js';
import { payloadEncryptionFromSetting } from '../codec/data-converter.js';
import { loadConfig, temporalConnectConfig, type AppConfig } from '../config.js';
import type { GraphClient } from '../graph/client.js';
import type { CliIo } from './io.js';

/** A CLI should say "cannot connect" quickly; the SDK's default waits 10 s. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Queries are answered by a worker replaying the order's workflow: if no worker polls its task
 * queue, the server holds the call open. The deadline turns that into an error naming the cause.
 */
export const QUERY_TIMEOUT_MS = 20_000;

/** Temporal could not be reached; the message names the address and how to change it. */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
  constructor(
    readonly address: string,
    detail: string,
  ) {
    super(
      `cannot connect to Temporal at ${address}: ${detail} (set TEMPORAL_ADDRESS, and TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or TEMPORAL_TLS_* if the server needs them)`,
    );
  }
}

export interface TemporalSession {
  client: Client;
  orders: OrderClient;
  address: string;
  namespace: string;
  /** Runs a query with QUERY_TIMEOUT_MS as its gRPC deadline. */
  withQueryDeadline<T>(read: () => Promise<T>): Promise<T>;
}

export interface CliContext {
  readonly io: CliIo;
  /** Every setting from the environment, validated (a bad one throws ConfigError). */
  config(): AppConfig;
  temporal(): Promise<TemporalSession>;
  /** A Graph client for META_GRAPH_URL with META_ACCESS_TOKEN; its messages are redacted. */
  graph(): Promise<GraphClient>;
  /** The Temporal address in use once connecting was attempted (for error lines). */
  temporalAddress(): string | undefined;
  close(): Promise<void>;
}

export function createCliContext(io: CliIo): CliContext {
  let config: AppConfig | undefined;
  let session: Promise<TemporalSession> | undefined;
  let connection: Connection | undefined;
  let graph: GraphClient | undefined;
  let address: string | undefined;

  const context: CliContext = {
    io,
    config() {
      config ??= loadConfig(io.env);
      return config;
    },
    temporal() {
      session ??= (async () => {
        const { connectionOptions, namespace } = temporalConnectConfig(io.env);
        address = connectionOptions.address;
        try {
          connection = await Connection.connect({ ...connectionOptions, connectTimeout: CONNECT_TIMEOUT_MS });
        } catch (err) {
          throw new TemporalUnreachableError(address, err instanceof Error ? err.message : String(err));
        }
        // With PAYLOAD_ENCRYPTION_KEYS, commands are sent and states read through the encryption codec.
        const encryption = payloadEncryptionFromSetting(context.config().PAYLOAD_ENCRYPTION_KEYS);
        const client = new Client({ connection, namespace, dataConverter: encryption?.dataConverter });
        const open = connection;
        return {
          client,
          orders: new OrderClient(client),
          address,
          namespace,
          withQueryDeadline: (read) => open.withDeadline(Date.now() + QUERY_TIMEOUT_MS, read),
        };
      })();
      return session;
    },
    async graph() {
      if (!graph) {
        // Loaded on demand: the runtime module also pulls in the OMS adapters, which other commands never need.
        const { createGraphClient } = await import('../wiring/dependencies.js');
        graph = createGraphClient(context.config());
      }
      return graph;
    },
    temporalAddress: () => address,
    async close() {
      await graph?.close();
      await connection?.close();
    },
  };
  return context;
}
