// The benchmark's floor: the same shape of Temporal work as one order from release to
// acknowledgement (wait for a signal, then the same number of activities) with no Graph or OMS work.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export const goSignal = defineSignal('go');

interface FloorActivities {
  noop(step: number): Promise<number>;
}

const { noop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '1 minute' });

export async function benchFloorWorkflow(activityCalls: number): Promise<number> {
  let go = false;
  setHandler(goSignal, () => void (go = true));
  await condition(() => go);
  let last = 0;
  for (let step = 1; step <= activityCalls; step++) last = await noop(step);
  return last;
}
