/**
 * Finds (or builds) the Temporal CLI that hosts the local dev server.
 *
 * One module used by everything that needs a server: `npm start`, the test harness and the
 * benchmarks. The SDK's own download needs the internet; the CLI also builds from the Go module
 * proxy, which is what a locked-down CI machine can reach. Order of preference:
 *   1. TEMPORAL_CLI_PATH            - an operator's explicit choice
 *   2. `temporal` on PATH           - a normal developer machine
 *   3. .tools/temporal-cli/<ver>/   - the copy this project built before
 *   4. `go install ...@<ver>`       - build it now into that folder (takes minutes, prints progress)
 *   5. the SDK's cached download    - machines with internet but no Go
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync, accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The last CLI tag whose go.mod has no `replace` directive, so `go install` accepts it. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const builtCliDir = join(projectRoot, '.tools', 'temporal-cli', TEMPORAL_CLI_VERSION);
const builtCliPath = join(builtCliDir, 'temporal');

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'project build' | 'sdk download';

export type TemporalCli =
  { source: Exclude<TemporalCliSource, 'sdk download'>; path: string } | { source: 'sdk download' };

export interface ResolveCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Where progress goes; defaults to stderr so it never mixes with a command's output. */
  log?: (line: string) => void;
}

const defaultLog = (line: string) => process.stderr.write(`[temporal-cli] ${line}\n`);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function hasGo(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('go', ['version'], { env, stdio: 'ignore' }).status === 0;
}

/** Builds the CLI with the Go toolchain into a temporary folder, then moves it into place atomically. */
async function buildWithGo(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const staging = `${builtCliDir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(
    `building ${CLI_MODULE}@${TEMPORAL_CLI_VERSION} with Go into ${builtCliDir} (first run only; takes a few minutes)`,
  );
  const started = Date.now();
  await new Promise<void>((ok, fail) => {
    // -v prints each package as it compiles: visible progress during a multi-minute build.
    const child = spawn('go', ['install', '-v', `${CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...env, GOBIN: staging, GOFLAGS: `${env.GOFLAGS ?? ''} -mod=mod`.trim() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let packages = 0;
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        packages += 1;
        if (packages % 50 === 0 || line.startsWith('go: '))
          log(`  ${line.trim()} (${packages} steps, ${Math.round((Date.now() - started) / 1000)} s)`);
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', onLine);
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`go install exited with code ${code}`))));
  });
  mkdirSync(dirname(builtCliDir), { recursive: true });
  // Another process may have finished the same build first; either copy is good.
  if (!isExecutable(builtCliPath)) {
    rmSync(builtCliDir, { recursive: true, force: true });
    renameSync(staging, builtCliDir);
  } else {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`built in ${Math.round((Date.now() - started) / 1000)} s: ${builtCliPath}`);
  return builtCliPath;
}

export const HOW_TO_INSTALL_CLI = [
  'No Temporal CLI found and none could be built or downloaded. Do one of:',
  `  - install Go (https://go.dev/dl) and run \`npm run setup\` (builds ${CLI_MODULE}@${TEMPORAL_CLI_VERSION});`,
  '  - install the Temporal CLI (https://docs.temporal.io/cli#install) so that `temporal` is on PATH;',
  '  - set TEMPORAL_CLI_PATH to the path of an existing `temporal` executable.',
].join('\n');

/** Idempotent: once a CLI exists this returns at once without building anything. */
export async function resolveTemporalCli(options: ResolveCliOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return { source: 'TEMPORAL_CLI_PATH', path: explicit };
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return { source: 'PATH', path: onPath };
  if (isExecutable(builtCliPath)) return { source: 'project build', path: builtCliPath };
  if (hasGo(env)) {
    try {
      return { source: 'project build', path: await buildWithGo(env, log) };
    } catch (err) {
      log(`building with Go failed: ${(err as Error).message}; trying the SDK's download instead`);
    }
  } else {
    log('no Go toolchain found; the SDK will try to download the dev server (needs internet)');
  }
  return { source: 'sdk download' };
}

/** The `server.executable` option for @temporalio/testing. */
export function sdkExecutable(cli: TemporalCli) {
  return cli.source === 'sdk download'
    ? ({ type: 'cached-download' } as const)
    : ({ type: 'existing-path', path: cli.path } as const);
}

export function describeCli(cli: TemporalCli): string {
  return cli.source === 'sdk download' ? "the SDK's downloaded dev server" : `${cli.path} (from ${cli.source})`;
}

export function projectPath(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
