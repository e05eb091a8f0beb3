/**
 * createActivities(deps): every activity, built from its dependencies so tests inject the sandbox
 * URL or a fake OMS. `graph` activities (the order's and the intake's) belong on the Graph task
 * queue, `orders` (the OMS calls) on the order queue.
 */
import type { OmsPort } from '../api/oms-port.js';
import type { GraphClient } from '../graph/client.js';
import { createBatchAcknowledgeActivity } from '../intake/batch-activity.js';
import { createPollActivities } from '../intake/poll-activities.js';
import { createGraphActivities } from './graph-activities.js';
import { createGraphCalls } from './graph-calls.js';
import { createOmsActivities } from './oms-activities.js';
import { validatedOmsPort } from '../oms/validated-oms.js';

export interface ActivityDeps {
  graph: GraphClient;
  oms: OmsPort;
  throttleFloorMs?: number;
  maxPaceMs?: number;
  pollPageSize?: number;
}

export function createActivities(deps: ActivityDeps) {
  const { graph } = deps;
  // The OMS calls Graph activities make (createPendingOrder, the batch's markProcessing) are
  // validated like the OMS activities' own (createOmsActivities validates inside).
  const oms = validatedOmsPort(deps.oms);
  const calls = createGraphCalls(graph, { throttleFloorMs: deps.throttleFloorMs, maxPaceMs: deps.maxPaceMs });
  return {
    graph: {
      ...createGraphActivities({ graph, oms, calls }),
      ...createBatchAcknowledgeActivity({ graph, oms, calls }),
      ...createPollActivities({ graph, pageSize: deps.pollPageSize }),
    },
    orders: createOmsActivities(deps.oms),
  };
}
