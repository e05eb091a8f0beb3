import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FB_CHANNEL, FB_ORDER_PHASE } from '../../src/api/search-attributes.js';
import { connectToTestServer, uniqueTaskQueue, type TemporalHarness } from './harness.js';

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

  // Visibility is eventually consistent: poll briefly until the dev server has indexed the close.
  const query = `WorkflowId = '${workflowId}' AND FbOrderPhase = 'SMOKE_DONE' AND FbChannel = 'instagram'`;
  let found: string[] = [];
  for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
    found = [];
    for await (const wf of harness.client.workflow.list({ query })) found.push(wf.workflowId);
    if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(found).toEqual([workflowId]);
  const description = await harness.client.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(FB_ORDER_PHASE)).toBe('SMOKE_DONE');
  expect(description.typedSearchAttributes.get(FB_CHANNEL)).toBe('instagram');
});
