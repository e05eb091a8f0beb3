/**
 * The worker processes of a chaos run: `src/worker.ts` (what `npm run worker` runs), configured only
 * through the environment as an operator would, each in a slot that is refilled after a kill. Every
 * process ever started is kept as a life: when it ran (for telling timeouts caused by a kill from
 * those of a live worker), how it ended, and its peak RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peakRssMbOf } from '../support/processes.js';
import { waitUntilGone } from './temporal.js';

export interface WorkerLife {
  slot: number;
  pid: number;
  spawnedAt: number;
  /** When it logged "worker running" (polling from then on). */
  runningAt?: number;
  endedAt?: number;
  /** SIGKILLed by the run (the others were stopped at the end, or died by themselves). */
  killed: boolean;
  /** Exited without being asked to: a crash the run reports. */
  unexpectedExit?: { code: number | null; signal: string | null };
  peakRssMb: number;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Bundling the workflow code at start takes a few seconds of CPU; on a loaded machine much more. */
const START_TIMEOUT_MS = 180_000;

export class WorkerFleet {
  readonly lives: WorkerLife[] = [];
  private readonly children = new Map<WorkerLife, ChildProcess>();
  private readonly rssTimer: NodeJS.Timeout;

  constructor(
    private readonly env: (slot: number) => Record<string, string>,
    private readonly logDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.rssTimer = setInterval(() => this.sampleRss(), 1_000);
  }

  /** The slots' current processes. */
  current(): WorkerLife[] {
    const bySlot = new Map<number, WorkerLife>();
    for (const life of this.lives) if (life.endedAt === undefined) bySlot.set(life.slot, life);
    return [...bySlot.values()];
  }

  async start(slot: number): Promise<WorkerLife> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env(slot) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const life: WorkerLife = { slot, pid: child.pid!, spawnedAt: Date.now(), killed: false, peakRssMb: 0 };
    this.lives.push(life);
    this.children.set(life, child);
    const logFile = createWriteStream(join(this.logDir, `worker-${slot}.log`), { flags: 'a' });
    child.stdout!.pipe(logFile, { end: false });
    child.stderr!.pipe(logFile, { end: false });
    const running = new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error(`worker ${slot} (pid ${life.pid}) not running after ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        if (life.runningAt !== undefined) return;
        seen = (seen + chunk.toString()).slice(-10_000);
        if (/"msg":"worker running"/.test(seen)) {
          life.runningAt = Date.now();
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        life.endedAt ??= Date.now();
        if (!life.killed && !this.stopping) {
          life.unexpectedExit = { code, signal };
          this.log(`worker ${slot} (pid ${life.pid}) exited by itself (code ${code}, signal ${signal})`);
        }
        logFile.end();
        reject(new Error(`worker ${slot} exited before it ran (code ${code}, signal ${signal})`));
      });
    });
    await running;
    this.log(`worker ${slot} running (pid ${life.pid}, ${life.runningAt! - life.spawnedAt} ms after spawn)`);
    return life;
  }

  /** SIGKILL the slot's process; a new one is started after `restartAfterMs`. */
  async killAndRestart(slot: number, restartAfterMs: number): Promise<{ killed: WorkerLife; next: WorkerLife }> {
    const killed = this.current().find((life) => life.slot === slot);
    if (!killed) throw new Error(`no worker in slot ${slot}`);
    this.sampleRss();
    killed.killed = true;
    process.kill(killed.pid, 'SIGKILL');
    await waitUntilGone(killed.pid);
    killed.endedAt ??= Date.now();
    this.log(`worker ${slot} (pid ${killed.pid}) SIGKILLed`);
    await new Promise((r) => setTimeout(r, restartAfterMs));
    return { killed, next: await this.start(slot) };
  }

  private stopping = false;

  /** SIGTERM every process (graceful: tasks in flight finish) and wait for them to exit. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    this.sampleRss();
    clearInterval(this.rssTimer);
    await Promise.all(
      this.current().map(async (life) => {
        const child = this.children.get(life)!;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        life.endedAt ??= Date.now();
      }),
    );
  }

  private sampleRss(): void {
    for (const life of this.current()) life.peakRssMb = Math.max(life.peakRssMb, peakRssMbOf(life.pid) ?? 0);
  }
}
