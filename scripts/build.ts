/**
 * `npm run build`: the package's dist/.
 *   1. tsc -p tsconfig.build.json: JavaScript, declarations and source maps of the production code;
 *   2. the workflow code bundled ahead of time from that JavaScript into dist/workflow-bundle.js,
 *      which the worker loads (`workflowBundle: { codePath }`) instead of running webpack at start.
 * Prints how long each step took.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger } from '@temporalio/worker';
import { TRACING_WORKFLOW_INTERCEPTOR_MODULES } from '../src/observability/tracing.js';
import { bundleWorkflows, PREBUILT_TRACED_WORKFLOW_BUNDLE, PREBUILT_WORKFLOW_BUNDLE } from '../src/wiring/bundle.js';

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

// Two bundles: the workflows as they are, and with the tracing interceptors (picked when
// OTEL_EXPORTER_OTLP_ENDPOINT is set), so switching tracing on needs no bundling at start either.
for (const [fileName, workflowInterceptorModules] of [
  [PREBUILT_WORKFLOW_BUNDLE, undefined],
  [PREBUILT_TRACED_WORKFLOW_BUNDLE, TRACING_WORKFLOW_INTERCEPTOR_MODULES],
] as const) {
  const bundleStarted = Date.now();
  const bundlePath = join(dist, fileName);
  const { code } = await bundleWorkflows(new DefaultLogger('WARN'), {
    workflowsPath: join(dist, 'workflows', 'index.js'),
    ...(workflowInterceptorModules ? { workflowInterceptorModules } : {}),
  });
  writeFileSync(bundlePath, code);
  const mib = (statSync(bundlePath).size / 2 ** 20).toFixed(1);
  console.log(`build: workflow bundle ${fileName} (${mib} MiB) in ${seconds(bundleStarted)}`);
}
console.log(`build: done in ${seconds(started)}`);
