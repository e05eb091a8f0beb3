/**
 * Orders of ONE commerce account (META_CMS_ID), for `list` and `export`: an operator configured
 * for account X must not see or export account Y's orders, nor wait on queries to workflows whose
 * workers belong to another deployment.
 */
import type { Client } from '@temporalio/client';
import { OrderClient, type ListOrdersFilter, type OrderSummary } from '../client/order-client.js';

export interface AccountOrdersFilter extends ListOrdersFilter {
  cmsId: string;
}

export function listAccountOrders(client: Client, filter: AccountOrdersFilter): Promise<OrderSummary[]> {
  return new OrderClient(client).list(filter);
}
