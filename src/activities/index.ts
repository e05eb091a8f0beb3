/**
 * createActivities(deps): every activity, built from its dependencies so tests inject the sandbox
 * URL or a fake OMS. `graph` activities belong on the Graph task queue, `orders` on the order queue.
 */
import type { GraphClient } from '../graph/client.js';
import type { OmsPort } from '../api/oms-port.js';
import { createGraphActivities } from './graph-activities.js';
import { createOmsActivities } from './oms-activities.js';
import { createPollActivities } from '../intake/poll-activities.js';

export interface ActivityDeps {
  graph: GraphClient;
  oms: OmsPort;
  throttleFloorMs?: number;
  maxPaceMs?: number;
  pollPageSize?: number;
}

export function createActivities(deps: ActivityDeps) {
  return {
    graph: {
      ...createGraphActivities({ graph: deps.graph, oms: deps.oms, throttleFloorMs: deps.throttleFloorMs, maxPaceMs: deps.maxPaceMs }),
      ...createPollActivities({ graph: deps.graph, pageSize: deps.pollPageSize }),
    },
    orders: createOmsActivities(deps.oms),
  };
}
