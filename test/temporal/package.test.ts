/**
 * The package as a merchant gets it: `npm pack` (which builds dist/), the tarball installed into a
 * scratch project in a temp folder, and test/package-consumer/consumer.ts (public entry points
 * only) type-checked with tsc, compiled and run against the run's dev server: it starts the
 * packaged worker with its own OMS adapter and drives the typed client. misuse.ts must fail the
 * type check, which proves the declarations carry real types.
 *
 * Installs from the local npm cache where it can (`--prefer-offline`): the tarball's dependencies
 * are the project's own, already cached by its `npm install`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OMS_EVENT_TYPES } from '../../src/oms/http/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMER_SOURCES = join(ROOT, 'test', 'package-consumer');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const rootPackage = (await import('../../package.json', { with: { type: 'json' } })).default as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let scratch: string;
let tarball: string;

/** Runs a command to completion; a failure shows its output. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, stdout: result.stdout ?? '' };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'fb-orders-package-'));
  const packed = run('npm', ['pack', '--pack-destination', scratch], ROOT);
  expect(packed.status, packed.output).toBe(0);
  tarball = join(
    scratch,
    readdirSync(scratch).find((name) => name.endsWith('.tgz'))!,
  );
  console.log(`[package] ${tarball}: ${(statSync(tarball).size / 1024).toFixed(0)} KiB`);

  const project = join(scratch, 'consumer');
  cpSync(CONSUMER_SOURCES, project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'merchant-oms',
      private: true,
      type: 'module',
      dependencies: {
        [rootPackage.name]: `file:${tarball}`,
        '@temporalio/client': rootPackage.dependencies['@temporalio/client'],
        '@types/node': rootPackage.devDependencies['@types/node'],
      },
    }),
  );
  const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
  expect(installed.status, installed.output).toBe(0);
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the built code, the prebuilt workflow bundle and the OMS contract, and no sources or dev tools', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const variant of ['', '-traced', '-encrypted', '-traced-encrypted'])
      expect(listing).toContain(`package/dist/workflow-bundle${variant}.js`);
    // Loaded by path (require) when payload encryption is on: tsc does not emit it, the build copies it.
    expect(listing).toContain('package/dist/codec/failure-converter.cjs');
    expect(listing).toContain('package/dist/codec-server.js');
    expect(listing).toContain('package/dist/client/index.d.ts');
    expect(listing).toContain('package/docs/oms-integration.md');
    expect(listing.some((path) => path.startsWith('package/src/'))).toBe(false);
    expect(listing.some((path) => path.startsWith('package/dist/dev-tools/'))).toBe(false);
    expect(listing).not.toContain('package/dist/main.js');
  });

  it('type-checks a consumer script that uses only the public entry points', () => {
    const project = join(scratch, 'consumer');
    const checked = run(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    expect(checked.status, checked.output).toBe(0);
  }, 180_000);

  it('rejects misuse at type-check time (the declarations are real types)', () => {
    const project = join(scratch, 'consumer');
    const checked = run(
      process.execPath,
      [TSC, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022', 'misuse.ts'],
      project,
    );
    expect(checked.status).not.toBe(0);
    expect(checked.output).toContain('misuse.ts(12,');
    expect(checked.output).toContain('TS2322');
    expect(checked.output).toContain('misuse.ts(14,');
    expect(checked.output).toContain('TS2353');
  }, 180_000);

  it('runs it: the packaged worker starts from the prebuilt bundle with its own OMS, the client talks to Temporal', () => {
    const project = join(scratch, 'consumer');
    const suffix = Math.random().toString(36).slice(2, 8);
    const ran = run(process.execPath, [join('out', 'consumer.js')], project, {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TASK_QUEUE: `package-orders-${suffix}`,
      GRAPH_TASK_QUEUE: `package-graph-${suffix}`,
      METRICS_PORT: '0',
      // Payload encryption on: the worker loads the encrypted bundle and dist/codec/failure-converter.cjs.
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    expect(ran.status, ran.output).toBe(0);
    const lines = ran.stdout.trim().split('\n');
    const report = (JSON.parse(lines.at(-1)!) as { report: Record<string, unknown> }).report;
    expect(report).toEqual({
      notFound: true,
      rejectedReason: expect.stringContaining('tracking') as unknown,
      listed: 0,
      signatureChecks: [true, false],
      // The package's list is the source's.
      eventTypes: OMS_EVENT_TYPES.length,
      replyTypes: ['inventory.reserve', 'order.create_pending'],
    });
    // The worker loaded dist/workflow-bundle-encrypted.js: nothing was bundled at start.
    expect(ran.stdout).toContain('workflow code: prebuilt');
    expect(ran.stdout).toContain('workflow-bundle-encrypted.js');
    expect(ran.stdout).toContain('"payloadEncryption":"on, encrypting with key k1"');
    expect(ran.stdout).not.toContain('workflow code bundled in');
  }, 300_000);
});
