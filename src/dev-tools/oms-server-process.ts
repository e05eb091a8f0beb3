/**
 * `npm start`'s reference OMS: `src/oms-server.ts` as a child process, so the worker's process holds
 * no database and reaches its OMS the way production does, through the signed-HTTP adapter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ReferenceOmsClient } from '../oms/server/reference-oms-client.js';
import { OMS_EVENTS_PATH, OMS_SERVER_READY } from '../oms/server/reference-oms-server.js';
import { projectPath } from './temporal-cli.js';

export interface OmsServerProcess {
  /** Base URL of the server; events go to `${url}/oms/events`. */
  url: string;
  eventsUrl: string;
  /** The read model and the catalogue, over HTTP. */
  client: ReferenceOmsClient;
  pid: number | undefined;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface OmsServerProcessOptions {
  dataDir: string;
  port: number;
  secret: string;
  /** The secret's id (OMS_WEBHOOK_KEY_ID), as the worker's HttpOms names it. */
  keyId: string;
  /** The environment it inherits (settings like LOG_LEVEL); its own four settings are set on top. */
  env?: NodeJS.ProcessEnv;
}

export async function startOmsServerProcess(options: OmsServerProcessOptions): Promise<OmsServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('src/oms-server.ts')], {
    env: {
      ...(options.env ?? process.env),
      OMS_DATA_DIR: options.dataDir,
      OMS_SERVER_PORT: String(options.port),
      OMS_WEBHOOK_SECRET: options.secret,
      OMS_WEBHOOK_KEY_ID: options.keyId,
    },
    // The IPC channel is only there so the child notices when this process dies without stopping it.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await readyUrl(child);
  return {
    url,
    eventsUrl: `${url}${OMS_EVENTS_PATH}`,
    client: new ReferenceOmsClient(url, options.secret),
    pid: child.pid,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function readyUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = new RegExp(`${OMS_SERVER_READY} (http://\\S+)`).exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`the reference OMS server exited before it listened (exit ${code}): ${seen.trim()}`)),
    );
  });
}
