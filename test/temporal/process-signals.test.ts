/**
 * Stopping, by PID: `npm start` and `npm run worker` are spawned as a person starts them (npm, in a
 * process group of their own like a terminal's foreground job), and once ready, one signal goes to
 * the npm process (SIGTERM, or SIGINT as a supervisor sends it) or to the whole group (Ctrl-C).
 * Every process that was there at ready time (npm, node, the dev server in its own process group)
 * must be gone within 10 s, and every port free again. `npm start` runs on free ports and a temp
 * data folder, so a developer's own `npm start` and .data are left alone. Also: a second
 * `npm start` on a busy port says so in one line; a fresh start lists its demo orders quickly,
 * and the example order id the banner (and the README) gives is a real demo order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { OrderClient } from '../../src/client/index.js';
import { isPortFree } from '../../src/dev-tools/ports.js';
import { uniqueTaskQueue } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STOP_DEADLINE_MS = 10_000;
const scratchDirs: string[] = [];

afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The parent of every live process, from /proc. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** `pid` and all its descendants, alive now. */
function processTree(pid: number): number[] {
  const byParent = parents();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of byParent) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by its parent) holds no port and runs nothing.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnNpm(script: string, env: NodeJS.ProcessEnv): Spawned {
  // detached: a process group of its own, as a shell gives a foreground job.
  const child = spawn('npm', ['run', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, spawned?: Spawned) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${spawned?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sends the signal, then checks that every process of the tree is gone and every port free within the deadline. */
async function stopAndCheck(spawned: Spawned, ports: number[], signal: NodeJS.Signals, toGroup: boolean) {
  const pid = spawned.child.pid!;
  const tree = processTree(pid);
  for (const port of ports) expect(await isPortFree(port), `port ${port} in use while running`).toBe(false);
  const sentAt = Date.now();
  process.kill(toGroup ? -pid : pid, signal);
  await waitFor(
    `processes ${tree.join(', ')} to end after ${signal}`,
    () => tree.every((p) => !alive(p)),
    STOP_DEADLINE_MS,
    spawned,
  );
  const stoppedMs = Date.now() - sentAt;
  for (const port of ports) expect(await isPortFree(port), `port ${port} still held`).toBe(true);
  console.log(`[signals] ${signal}${toGroup ? ' to the group' : ''}: ${tree.length} processes gone in ${stoppedMs} ms`);
  return { tree, stoppedMs };
}

/** `encrypted`: with PAYLOAD_ENCRYPTION_KEYS, so `npm start` also runs a codec server (one port more). */
async function startEnv(options: { encrypted?: boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fb-orders-start-'));
  scratchDirs.push(dataDir);
  const ports = {
    temporal: await freePort(),
    ui: await freePort(),
    sandbox: await freePort(),
    metrics: await freePort(),
    ...(options.encrypted ? { codec: await freePort() } : {}),
    // The reference OMS server, a child process of its own: held while running, freed on stop.
    oms: await freePort(),
  };
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `localhost:${ports.temporal}`,
    TEMPORAL_UI_PORT: String(ports.ui),
    META_GRAPH_URL: `http://127.0.0.1:${ports.sandbox}`,
    METRICS_PORT: String(ports.metrics),
    START_DATA_DIR: dataDir,
    OMS_DATA_DIR: join(dataDir, 'oms'),
    OMS_SERVER_PORT: String(ports.oms),
    TASK_QUEUE: 'fb-orders',
    ...(ports.codec
      ? {
          PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
          CODEC_SERVER_PORT: String(ports.codec),
        }
      : {}),
  };
  return { env, ports: Object.values(ports), uiPort: ports.ui, temporalAddress: `localhost:${ports.temporal}` };
}

const hasProc = existsSync('/proc/self/stat');

describe.skipIf(!hasProc)('npm start', () => {
  it('lists its demo orders soon after the banner, refuses a second start on a busy port in one line, and stops everything on SIGTERM', async () => {
    const { env, ports, temporalAddress } = await startEnv();
    const started = spawnNpm('start', env);
    await waitFor('the banner', () => started.output().includes('Ctrl-C stops everything'), 180_000, started);
    const bannerAt = Date.now();

    // The banner's example id is a demo order that exists, and the README uses the same one.
    const exampleId = /fb-orders ship (\d+) /.exec(started.output())?.[1];
    expect(exampleId).toBeDefined();
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`fb-orders ship ${exampleId}`);
    // Its summary is plain lines: no JSON log lines, no dev server banner.
    expect(started.output()).not.toMatch(/^\{"ts"/m);
    expect(started.output()).not.toContain('CLI 0.0.0');

    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const orders = new OrderClient(new Client({ connection }));
      await waitFor('the demo orders to be listed', async () => (await orders.list()).length >= 3, 120_000);
      console.log(`[signals] first demo orders listed ${Date.now() - bannerAt} ms after the banner`);
      // Visibility lists each order a little after it starts: three listed need not include the example yet.
      await waitFor(
        'the example order to be listed',
        async () => (await orders.list()).some((o) => o.orderId === exampleId),
        60_000,
      );
      expect((await orders.list()).map((o) => o.orderId)).toContain(exampleId);
    } finally {
      await connection.close();
    }

    // A second start on the same ports: one line naming the port and the setting, exit 78.
    const second = spawnNpm('start', env);
    expect(await second.exited).toBe(78);
    const lines = second
      .output()
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('>'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Port \d+ \(.+\) is already in use: .*(TEMPORAL_ADDRESS|TEMPORAL_UI_PORT|META_GRAPH_URL|METRICS_PORT|OMS_SERVER_PORT)/,
    );

    await stopAndCheck(started, ports, 'SIGTERM', false);
    expect(await started.exited).toBe(0);
  }, 300_000);

  it('with payload encryption: its Web UI decrypts through its codec server; Ctrl-C (SIGINT to the group) stops everything', async () => {
    const { env, ports, uiPort } = await startEnv({ encrypted: true });
    const started = spawnNpm('start', env);
    await waitFor('the banner', () => started.output().includes('Ctrl-C stops everything'), 180_000, started);
    const codecUrl = `http://127.0.0.1:${env.CODEC_SERVER_PORT}`;
    expect(started.output()).toContain(`payloads encrypted (key k1); the Web UI decrypts through ${codecUrl}`);
    // The dev server's Web UI was started with --ui-codec-endpoint.
    const settings = (await (await fetch(`http://localhost:${uiPort}/api/v1/settings`)).json()) as {
      Codec: { Endpoint: string };
    };
    expect(settings.Codec.Endpoint).toBe(codecUrl);
    const preflight = await fetch(`${codecUrl}/decode`, {
      method: 'OPTIONS',
      headers: { origin: `http://localhost:${uiPort}`, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://localhost:${uiPort}`);
    await stopAndCheck(started, ports, 'SIGINT', true);
  }, 300_000);
});

describe.skipIf(!hasProc)('npm run worker', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal} to the npm process`, async () => {
      const metrics = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'fb-orders-worker-'));
      scratchDirs.push(dataDir);
      const worker = spawnNpm('worker', {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TASK_QUEUE: uniqueTaskQueue('signals'),
        GRAPH_TASK_QUEUE: uniqueTaskQueue('signals-graph'),
        METRICS_PORT: String(metrics),
        OMS_DATA_DIR: join(dataDir, 'oms'),
        LOG_LEVEL: 'info',
      });
      await waitFor('the worker to run', () => worker.output().includes('"worker running"'), 180_000, worker);
      await stopAndCheck(worker, [metrics], signal, false);
      expect(await worker.exited).toBe(0);
    }, 300_000);
  }
});
