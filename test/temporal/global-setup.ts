/**
 * One Temporal dev server for the whole vitest run, with the project's search attributes
 * registered, and the product's workflow code bundled once. Test files read both through
 * `inject('temporalAddress')` / `inject('workflowBundlePath')` (see test/temporal/harness.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../../src/dev-tools/dev-server.js';
import { bundleWorkflows } from '../../src/wiring/bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}

let server: DevServer | undefined;
let bundleDir: string | undefined;

export async function setup(project: TestProject) {
  server = await startDevServer();
  console.log(`[global-setup] Temporal dev server at ${server.address}, using ${server.cliDescription}`);
  const started = Date.now();
  const { code } = await bundleWorkflows(new DefaultLogger('WARN'));
  bundleDir = mkdtempSync(join(tmpdir(), 'fb-orders-bundle-'));
  const workflowBundlePath = join(bundleDir, 'workflows.js');
  writeFileSync(workflowBundlePath, code);
  console.log(`[global-setup] workflow code bundled once in ${Date.now() - started} ms`);
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  project.provide('workflowBundlePath', workflowBundlePath);
}

export async function teardown() {
  await server?.stop();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
}
