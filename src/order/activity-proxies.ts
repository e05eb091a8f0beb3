/** Activity proxies for the order workflow, with timeouts and retry budgets from its policy. */
import {
  GRAPH_ACTIVITY_SUMMARIES,
  OMS_ACTIVITY_SUMMARIES,
  proxyActivitiesWithSummaries,
} from '../api/activity-summaries.js';
import type { GraphActivities, OmsActivities } from '../api/activities.js';
import type { OrderPolicy } from './policy.js';

export interface OrderActivities {
  graphRead: Pick<GraphActivities, 'fetchOrderSnapshot' | 'fetchOrderWithHistory' | 'fetchOrderHistory'>;
  graphWrite: Omit<GraphActivities, 'fetchOrderSnapshot' | 'fetchOrderWithHistory' | 'fetchOrderHistory'>;
  oms: OmsActivities;
}

export function orderActivities(policy: OrderPolicy, graphTaskQueue: string): OrderActivities {
  return {
    // Each call carries a one-line summary for the Web UI (src/api/activity-summaries.ts).
    graphRead: proxyActivitiesWithSummaries<GraphActivities>(
      { taskQueue: graphTaskQueue, startToCloseTimeout: policy.graphAttemptTimeoutMs, retry: policy.graphReadRetry },
      GRAPH_ACTIVITY_SUMMARIES,
    ),
    graphWrite: proxyActivitiesWithSummaries<GraphActivities>(
      { taskQueue: graphTaskQueue, startToCloseTimeout: policy.graphAttemptTimeoutMs, retry: policy.graphWriteRetry },
      GRAPH_ACTIVITY_SUMMARIES,
    ),
    oms: proxyActivitiesWithSummaries<OmsActivities>(
      { startToCloseTimeout: policy.omsAttemptTimeoutMs, retry: policy.omsRetry },
      OMS_ACTIVITY_SUMMARIES,
    ),
  };
}
