/**
 * `npm run build`: the package's dist/.
 *   1. tsc -p tsconfig.build.json: JavaScript, declarations and source maps of the production code;
 *   2. the CommonJS modules tsc does not emit (src/codec/failure-converter.cjs) copied beside it;
 *   3. the workflow code bundled ahead of time from that JavaScript into dist/workflow-bundle*.js,
 *      one per variant (tracing, payload encryption), which the worker loads
 *      (`workflowBundle: { codePath }`) instead of running webpack at start.
 * Prints how long each step took.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger } from '@temporalio/worker';
import {
  bundleOptionsFor,
  bundleWorkflows,
  prebuiltBundleFileName,
  WORKFLOW_BUNDLE_VARIANTS,
} from '../src/wiring/bundle.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const started = Date.now();
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  console.error('build: tsc failed');
  process.exit(1);
}
console.log(`build: compiled src/ to dist/ in ${seconds(started)}`);

// Loaded by path (DataConverter.failureConverterPath) from dist/codec/, as from src/codec/.
for (const module of ['codec/failure-converter.cjs']) copyFileSync(join(root, 'src', module), join(dist, module));

// One bundle per variant: with and without the tracing interceptors (picked when
// OTEL_EXPORTER_OTLP_ENDPOINT is set) and the encrypting failure converter (PAYLOAD_ENCRYPTION_KEYS
// set), so switching either on needs no bundling at start.
for (const variant of WORKFLOW_BUNDLE_VARIANTS) {
  const bundleStarted = Date.now();
  const fileName = prebuiltBundleFileName(variant);
  const bundlePath = join(dist, fileName);
  const { code } = await bundleWorkflows(new DefaultLogger('WARN'), {
    workflowsPath: join(dist, 'workflows', 'index.js'),
    ...bundleOptionsFor(variant),
  });
  writeFileSync(bundlePath, code);
  const mib = (statSync(bundlePath).size / 2 ** 20).toFixed(1);
  console.log(`build: workflow bundle ${fileName} (${mib} MiB) in ${seconds(bundleStarted)}`);
}
console.log(`build: done in ${seconds(started)}`);
