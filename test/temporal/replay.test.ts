/**
 * Replays committed histories (test/histories, recorded from the workflow tests with
 * RECORD_HISTORIES=1) against today's workflow code: a change that would break running
 * workflows (non-determinism) fails here, in CI, before it reaches a worker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { DefaultLogger, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { TRACING_WORKFLOW_INTERCEPTOR_MODULES } from '../../src/observability/tracing.js';
import { bundleOptionsFor, bundleWorkflows } from '../../src/wiring/bundle.js';
import { encryptionKeys, payloadEncryption } from '../../src/codec/index.js';
import { expect, inject, test } from 'vitest';
import { HISTORIES_DIR } from './order-fixture.js';

function committedHistories() {
  const files = readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  expect(files.length).toBeGreaterThanOrEqual(5);
  const histories = files.map((file) => ({
    workflowId: `replay-${file}`,
    history: temporal.api.history.v1.History.fromObject(
      JSON.parse(readFileSync(new URL(file, HISTORIES_DIR), 'utf8')) as object,
    ),
  }));
  return histories;
}

async function replayAll(options: ReplayWorkerOptions) {
  const histories = committedHistories();
  const results = [];
  for await (const result of Worker.runReplayHistories(options, histories)) {
    results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : undefined });
  }
  expect(results.filter((r) => r.error)).toEqual([]);
  expect(results).toHaveLength(histories.length);
}

test('every committed history replays without non-determinism', async () => {
  await replayAll({ workflowBundle: { codePath: inject('workflowBundlePath') } });
});

test('every committed history replays with the tracing workflow interceptors too (tracing switched on)', async () => {
  const { code } = await bundleWorkflows(new DefaultLogger('WARN'), {
    workflowInterceptorModules: TRACING_WORKFLOW_INTERCEPTOR_MODULES,
  });
  const spans = new BatchSpanProcessor(new InMemorySpanExporter());
  await replayAll({
    workflowBundle: { code },
    sinks: { exporter: makeWorkflowExporter(spans, Resource.default()) },
  });
}, 180_000);

test('every committed history replays with payload encryption switched on (its codec and failure converter)', async () => {
  // Histories written before encryption hold plain payloads: the codec passes them through.
  const { code } = await bundleWorkflows(
    new DefaultLogger('WARN'),
    bundleOptionsFor({ traced: false, encryptedFailures: true }),
  );
  const { dataConverter } = payloadEncryption(encryptionKeys(`k1:${Buffer.alloc(32, 1).toString('base64')}`));
  await replayAll({ workflowBundle: { code }, dataConverter });
}, 180_000);
