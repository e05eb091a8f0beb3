import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FB_CHANNEL, FB_ORDER_PHASE } from '../../src/api/search-attributes.js';
import { connectToTestServer, eventually, uniqueTaskQueue, type TemporalHarness } from './harness.js';

let harness: TemporalHarness;
beforeAll(async () => {
  harness = await connectToTestServer();
});
afterAll(async () => harness?.close());

test('a real worker runs a workflow that calls an activity, and visibility shows its search attributes', async () => {
  const taskQueue = uniqueTaskQueue('smoke');
  const worker = await Worker.create({
    connection: harness.nativeConnection,
    namespace: harness.namespace,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./fixtures/smoke-workflow.ts', import.meta.url)),
    activities: { greet: async (name: string) => `Hello, ${name}` },
  });
  const workflowId = `smoke-${taskQueue}`;
  const result = await worker.runUntil(
    harness.client.workflow.execute('smokeWorkflow', { taskQueue, workflowId, args: ['Zoë'] }),
  );
  expect(result).toBe('Hello, Zoë');

  // Visibility is eventually consistent: poll until the dev server has indexed the close (seconds
  // on a loaded machine, so the generous wait every test file uses).
  const query = `WorkflowId = '${workflowId}' AND FbOrderPhase = 'SMOKE_DONE' AND FbChannel = 'instagram'`;
  const found = await eventually(async () => {
    const ids: string[] = [];
    for await (const wf of harness.client.workflow.list({ query })) ids.push(wf.workflowId);
    return ids.length > 0 ? ids : undefined;
  }, 'the smoke workflow listed with its search attributes');
  expect(found).toEqual([workflowId]);
  const description = await harness.client.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(FB_ORDER_PHASE)).toBe('SMOKE_DONE');
  expect(description.typedSearchAttributes.get(FB_CHANNEL)).toBe('instagram');
});
