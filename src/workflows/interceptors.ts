// The product's own workflow interceptors, bundled with every workflow (src/wiring/bundle.ts).
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { upsertCoalescingInterceptors } from '../order/upsert-coalescing.js';

export const interceptors: WorkflowInterceptorsFactory = upsertCoalescingInterceptors;
