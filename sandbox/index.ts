/**
 * The local Commerce API sandbox: a stateful HTTP stand-in for graph.facebook.com's order API.
 *
 *   const sandbox = await startSandbox({ port: 0, releaseDelayMs: 50 });
 *   const admin = new SandboxAdminClient(sandbox.url);
 *   // point the Graph client at `${sandbox.url}` (Graph paths are /v{13..30}.0/...)
 *   await sandbox.close();
 */
import type { AddressInfo } from 'node:net';
import { startDemoTrickle } from './demo.js';
import { SandboxOptionsSchema, type SandboxOptions, type SandboxOptionsInput } from './options.js';
import { startPersistence, type SandboxPersistence } from './persistence.js';
import { createSandboxServer } from './server.js';
import { SandboxState } from './state.js';

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:8787 (no trailing slash). */
  url: string;
  port: number;
  options: SandboxOptions;
  /** Set when started with `stateFile`. */
  persistence: SandboxPersistence | undefined;
  /** Stops serving and, with a state file, writes the final state. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptionsInput = {}): Promise<RunningSandbox> {
  const parsed = SandboxOptionsSchema.parse(options);
  const state = new SandboxState(parsed);
  // Loaded before listening: no request may see an account that is still being restored.
  const persistence =
    parsed.stateFile === undefined
      ? undefined
      : await startPersistence(state, parsed.stateFile, parsed.stateSaveIntervalMs);
  const { server, hung } = createSandboxServer(state);
  if (persistence) server.on('request', (_req, res) => res.once('close', () => state.noteChange()));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(parsed.port, parsed.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  state.url = `http://${host}:${port}`;
  const stopDemo = parsed.demo ? startDemoTrickle(state, parsed.demo) : () => undefined;

  let closing: Promise<void> | undefined;
  return {
    url: state.url,
    port,
    options: parsed,
    persistence,
    close() {
      closing ??= (async () => {
        stopDemo();
        hung.releaseAll();
        const closed = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeAllConnections();
        try {
          await closed;
        } finally {
          await persistence?.close();
        }
      })();
      return closing;
    },
  };
}

export { SandboxOptionsSchema } from './options.js';
export type { SandboxPersistence } from './persistence.js';
export type { RestoreSummary } from './state-snapshot.js';
export { StateFileError } from './state-file.js';
export type { SandboxOptions, SandboxOptionsInput, RateLimit, DemoOptions } from './options.js';
export { SandboxAdminClient, SandboxAdminError } from './admin-client.js';
export { appSecretProof } from './auth.js';
export type {
  FaultConfig,
  FaultConfigInput,
  FaultPatch,
  FaultRule,
  FaultRuleInput,
  FaultState,
  GraphEndpoint,
  FaultKind,
} from './fault-schemas.js';
export { GRAPH_ENDPOINTS, FAULT_KINDS } from './fault-schemas.js';
export type { LedgerEffect, LedgerSnapshot, EffectKind } from './ledger-schemas.js';
export type {
  CreateOrdersRequest,
  CreatedOrder,
  OrderSnapshot,
  SettingsPatch,
  SettingsView,
  ExternalShipRequest,
  ExternalCancelRequest,
  ExternalRefundRequest,
  ReturnRequest,
  EffectResponse,
  ClockResponse,
  RateLimitView,
} from './admin-schemas.js';
export { MIN_API_VERSION, MAX_API_VERSION } from './graph-route.js';
