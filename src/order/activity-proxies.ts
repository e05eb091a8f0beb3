/** Activity proxies for the order workflow, with timeouts and retry budgets from its policy. */
import { proxyActivities } from '@temporalio/workflow';
import type { GraphActivities, OmsActivities } from '../api/activities.js';
import type { OrderPolicy } from './policy.js';

export interface OrderActivities {
  graphRead: Pick<GraphActivities, 'fetchOrderSnapshot' | 'fetchOrderHistory'>;
  graphWrite: Omit<GraphActivities, 'fetchOrderSnapshot' | 'fetchOrderHistory'>;
  oms: OmsActivities;
}

export function orderActivities(policy: OrderPolicy, graphTaskQueue: string): OrderActivities {
  return {
    graphRead: proxyActivities<GraphActivities>({
      taskQueue: graphTaskQueue,
      startToCloseTimeout: policy.graphAttemptTimeoutMs,
      retry: policy.graphReadRetry,
    }),
    graphWrite: proxyActivities<GraphActivities>({
      taskQueue: graphTaskQueue,
      startToCloseTimeout: policy.graphAttemptTimeoutMs,
      retry: policy.graphWriteRetry,
    }),
    oms: proxyActivities<OmsActivities>({
      startToCloseTimeout: policy.omsAttemptTimeoutMs,
      retry: policy.omsRetry,
    }),
  };
}
