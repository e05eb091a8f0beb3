/** The benchmark's worker child (bench/worker-process.ts): start it, ask it for its memory, stop it. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rssMbOf } from './processes.js';

export interface WorkerMemory {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

export interface WorkerChild {
  pid: number;
  memory(): Promise<WorkerMemory>;
  rssMb(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts bench/worker-process: compiled (`compiledScript`, from compileBenchWorker, as production
 * runs), or else from the TypeScript source under tsx.
 */
/** The main thread's heap limit, as `npm run worker` and the Docker image run the worker (Dockerfile, CMD). */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=256'];

/** The Node flags the worker child runs with: production's, then BENCH_WORKER_NODE_FLAGS. */
export function workerNodeFlags(): string[] {
  return [...WORKER_NODE_FLAGS, ...(process.env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
}

export async function startWorkerChild(env: NodeJS.ProcessEnv, compiledScript?: string): Promise<WorkerChild> {
  // The worker's Node flags: production's (WORKER_NODE_FLAGS), then BENCH_WORKER_NODE_FLAGS (a later flag wins).
  const nodeFlags = workerNodeFlags();
  const args = compiledScript
    ? [compiledScript]
    : ['--import', 'tsx', fileURLToPath(new URL('../worker-process.ts', import.meta.url))];
  const child = spawn(process.execPath, [...nodeFlags, ...args], {
    // MALLOC_ARENA_MAX as `npm run worker` and the Docker image run it (README, "Production").
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'warn', MALLOC_ARENA_MAX: '2', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type?: string }) => m.type === 'ready' && resolve());
    void exited.then((code) => reject(new Error(`bench worker exited before it ran (${code})`)));
  });
  return {
    pid: child.pid!,
    memory: () =>
      new Promise<WorkerMemory>((resolve) => {
        const onMessage = (m: WorkerMemory & { type?: string }) => {
          if (m.type !== 'memory') return;
          child.off('message', onMessage);
          resolve({ rssMb: m.rssMb, heapUsedMb: m.heapUsedMb, heapTotalMb: m.heapTotalMb, externalMb: m.externalMb });
        };
        child.on('message', onMessage);
        child.send({ type: 'memory' });
      }),
    rssMb: () => rssMbOf(child.pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
