/**
 * The benchmark's worker compiled to JavaScript, as production runs it (`node dist/worker.js`):
 * bench/worker-process.ts and the src/ it imports, through tsc with the build's settings, into
 * .data/bench-worker/ (inside the checkout, so node_modules resolves). Run under tsx instead, the
 * worker would carry tsx's loader thread (a V8 isolate of its own, measured ~35 MB of RSS) and its
 * transpiled sources: memory production does not have.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** Compiles the worker; returns the path of its entry point (worker-process.js). */
export function compileBenchWorker(): string {
  const outDir = join(root, '.data', 'bench-worker');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const config = join(outDir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.build.json'),
      compilerOptions: { rootDir: root, outDir, declaration: false },
      include: [join(root, 'bench', 'worker-process.ts')],
      exclude: [],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('compiling the benchmark worker failed');
  return join(outDir, 'bench', 'worker-process.js');
}
