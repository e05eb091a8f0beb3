/** From Meta's order (Graph client types) to what the workflow keeps and what the OMS receives. */
import type { GraphOrder, GraphOrderItem, GraphSelectedShippingOption } from '../graph/schemas.js';
import type { Channel, OrderLine, PendingOrderInput } from '../api/oms-port.js';
import type { OrderSnapshot } from '../api/order-state.js';

/** The order fields the workflow keeps: no buyer data. */
export const SNAPSHOT_FIELDS = [
  'orderStatus',
  'created',
  'lastUpdated',
  'channel',
  'merchantOrderId',
  'items',
  'estimatedPaymentDetails',
  'shipByDate',
] as const;
/** What the OMS needs to create the pending order (buyer, address, lines, totals). */
export const BUYER_FIELDS = [
  'orderStatus',
  'channel',
  'buyerDetails',
  'shippingAddress',
  'selectedShippingOption',
  'shipByDate',
  'estimatedPaymentDetails',
  'items',
] as const;
/** The item fields the OMS needs beyond the defaults: name, the line's shipping option, tax and personalisation. */
export const BUYER_ITEM_FIELDS = ['productName', 'selectedShippingOption', 'taxDetails', 'customization'] as const;

type SnapshotSource = Pick<GraphOrder, 'id' | 'orderStatus' | 'created' | 'lastUpdated'> &
  Partial<Pick<GraphOrder, 'channel' | 'merchantOrderId' | 'estimatedPaymentDetails' | 'shipByDate'>>;

/**
 * Meta's timestamps in one form, UTC with milliseconds (`2025-03-01T12:00:00.000Z`), whether the
 * client hands back a Date or Meta's own string (`+0000` or `+00:00`): the workflow compares them as
 * strings, and the poller's notices are written in this form too.
 */
function iso(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a timestamp: ${String(value).slice(0, 40)}`);
  return date.toISOString();
}

export function channelOf(value: unknown): Channel | undefined {
  const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
  return lower === 'facebook' || lower === 'instagram' ? lower : undefined;
}

export function toOrderSnapshot(order: SnapshotSource, items: GraphOrderItem[]): OrderSnapshot {
  return {
    id: order.id,
    state: order.orderStatus.state as OrderSnapshot['state'],
    created: iso(order.created),
    lastUpdated: iso(order.lastUpdated),
    channel: channelOf(order.channel),
    merchantOrderId: order.merchantOrderId,
    shippingPaid: order.estimatedPaymentDetails?.subtotal?.shipping,
    ...(order.shipByDate ? { shipByDate: order.shipByDate } : {}),
    items: items.map((item) => ({
      itemId: item.id,
      retailerId: item.retailerId,
      productId: item.productId,
      productName: item.productName,
      quantity: item.quantity,
      pricePerUnit: item.pricePerUnit,
      status: item.status && {
        inProgress: item.status.inProgress,
        fulfilled: item.status.fulfilled,
        cancelled: item.status.cancelled,
      },
    })),
  };
}

/** The line's shipping option, when Meta names it (with its estimated days when given). */
function lineShippingOption(option: GraphSelectedShippingOption | undefined): OrderLine['shippingOption'] {
  if (!option?.name) return undefined;
  const time = option.estimatedShippingTime;
  return { name: option.name, minDays: time?.minDays, maxDays: time?.maxDays };
}

type BuyerSource = Partial<
  Pick<
    GraphOrder,
    'channel' | 'buyerDetails' | 'shippingAddress' | 'selectedShippingOption' | 'shipByDate' | 'estimatedPaymentDetails'
  >
> &
  Pick<GraphOrder, 'id'>;

export function toPendingOrderInput(
  order: BuyerSource,
  items: GraphOrderItem[],
  fallbackChannel: Channel,
  reserveStock?: boolean,
): PendingOrderInput {
  const channel = channelOf(order.channel) ?? fallbackChannel;
  const address = order.shippingAddress;
  const payment = order.estimatedPaymentDetails;
  return {
    metaOrderId: order.id,
    channel,
    paymentMethod: channel === 'instagram' ? 'Paid on Instagram' : 'Paid on Facebook',
    buyer: {
      name: order.buyerDetails?.name ?? address?.name ?? '',
      email: order.buyerDetails?.email,
      marketingOptIn: order.buyerDetails?.emailRemarketingOption === true,
    },
    shippingAddress: {
      name: address?.name ?? order.buyerDetails?.name ?? '',
      street1: address?.street1 ?? '',
      street2: address?.street2,
      city: address?.city ?? '',
      state: address?.state,
      postalCode: address?.postalCode ?? '',
      country: address?.country ?? '',
    },
    lines: items.map((item) => ({
      itemId: item.id,
      retailerId: item.retailerId,
      productName: item.productName,
      quantity: item.quantity,
      pricePerUnit: item.pricePerUnit,
      customization: item.customization,
      shippingOption: lineShippingOption(item.selectedShippingOption),
      tax: item.taxDetails?.estimatedTax,
    })),
    shippingMethod: order.selectedShippingOption?.name,
    shipByDate: order.shipByDate,
    totals: payment && {
      subtotal: payment.subtotal?.items,
      shipping: payment.subtotal?.shipping,
      tax: payment.tax,
      total: payment.totalAmount,
      taxRemitted: payment.taxRemitted,
      facebookPaid: payment.facebookPaidAmount,
      buyerPaid: payment.buyerPaidAmount,
    },
    suppressCustomerEmails: true,
    ...(reserveStock ? { reserveStock } : {}),
  };
}
