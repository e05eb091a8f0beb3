/**
 * Replays committed histories (test/histories, recorded from the workflow tests with
 * RECORD_HISTORIES=1) against today's workflow code: a change that would break running
 * workflows (non-determinism) fails here, in CI, before it reaches a worker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { expect, inject, test } from 'vitest';
import { HISTORIES_DIR } from './order-fixture.js';

test('every committed history replays without non-determinism', async () => {
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
  const results = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundlePath') } },
    histories,
  )) {
    results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : undefined });
  }
  expect(results.filter((r) => r.error)).toEqual([]);
  expect(results).toHaveLength(histories.length);
});
