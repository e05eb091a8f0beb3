/**
 * Custom search attributes: what an operator filters on in the Web UI or with
 * `temporal workflow list --query`. Registered on the dev server at start-up (src/dev-tools/dev-server.ts);
 * on a real cluster, register them once with `temporal operator search-attribute create`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/** Meta's order state, one of ORDER_STATES (src/domain/order-states.ts). Meta has no CANCELLED state: an order whose every unit is cancelled is COMPLETED; FbOrderPhase says CANCELLED. */
export const FB_ORDER_STATE = defineSearchAttributeKey('FbOrderState', SearchAttributeType.KEYWORD);
/** Where our workflow is in its own lifecycle (see OrderPhase). */
export const FB_ORDER_PHASE = defineSearchAttributeKey('FbOrderPhase', SearchAttributeType.KEYWORD);
/** facebook | instagram */
export const FB_CHANNEL = defineSearchAttributeKey('FbChannel', SearchAttributeType.KEYWORD);
/** The OMS's own order number, as acknowledged to Meta. */
export const FB_MERCHANT_ORDER_REF = defineSearchAttributeKey('FbMerchantOrderRef', SearchAttributeType.KEYWORD);
/**
 * True while the order waits for an operator (`retry` Update) or is stuck in FB_PROCESSING past 24 h;
 * on the order poller and the ack batcher, while they are paused because Meta refuses their calls
 * (an expired token): they back off and resume by themselves. (SQL visibility allows three custom
 * Bool attributes per namespace, all taken: intake shares this one, told apart by WorkflowType.)
 */
export const FB_NEEDS_ATTENTION = defineSearchAttributeKey('FbNeedsAttention', SearchAttributeType.BOOL);
/** The commerce account (cms id) the order belongs to. */
export const FB_CMS_ID = defineSearchAttributeKey('FbCmsId', SearchAttributeType.KEYWORD);

/** True once an order not fully shipped comes close to its ship-by date (see the order policy). */
export const FB_AT_RISK = defineSearchAttributeKey('FbAtRisk', SearchAttributeType.BOOL);

/** True while a buyer's return of the order is requested or approved (not yet refunded, declined or closed). */
export const FB_OPEN_RETURN = defineSearchAttributeKey('FbOpenReturn', SearchAttributeType.BOOL);

export const ALL_SEARCH_ATTRIBUTES = [
  FB_ORDER_STATE,
  FB_ORDER_PHASE,
  FB_CHANNEL,
  FB_MERCHANT_ORDER_REF,
  FB_NEEDS_ATTENTION,
  FB_CMS_ID,
  FB_AT_RISK,
  FB_OPEN_RETURN,
];

/**
 * What an order's workflow shows while it waits for its release, set by the poller when it starts
 * the workflow: Temporal Cloud bills no action for search attributes given at start, and the
 * order's first task then finds them already shown and upserts nothing (src/order/visibility.ts).
 */
export function startingOrderSearchAttributes(order: {
  cmsId: string;
  state: string;
  channel?: string | undefined;
}): SearchAttributePair[] {
  return [
    { key: FB_ORDER_STATE, value: order.state },
    { key: FB_ORDER_PHASE, value: 'AWAITING_RELEASE' },
    { key: FB_NEEDS_ATTENTION, value: false },
    { key: FB_CMS_ID, value: order.cmsId },
    ...(order.channel ? [{ key: FB_CHANNEL, value: order.channel }] : []),
  ];
}
