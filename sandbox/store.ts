/**
 * The in-memory order store: orders in creation order, products by id and retailer id, and the
 * release schedule. Releases are applied lazily: every request first calls `releaseDue(now)`,
 * which moves each due FB_PROCESSING order on and stamps `last_updated` with its due time (not
 * the time of the read), so `updated_after` polling sees the release where it belongs.
 */
import {
  orderTotalMinor,
  type Channel,
  type Origin,
  type ShippingAddress,
  type StoredOrder,
  type StoredProduct,
} from './model.js';
import type { IdGenerator } from './ids.js';
import type { Ledger } from './ledger.js';
import type { RuntimeSettings } from './settings.js';
import { metaDate } from './clock.js';

export interface NewItemSpec {
  retailerId: string;
  quantity: number;
  unitPriceMinor: bigint;
  productName: string;
  customization?: string | undefined;
}

export interface NewOrderSpec {
  channel: Channel;
  currency: string;
  items: NewItemSpec[];
  /** Without an e-mail the buyer gets a Meta relay address naming the order. */
  buyer: { name: string; email?: string | undefined; emailRemarketingOption: boolean };
  shippingAddress: ShippingAddress;
  shipping: { name: string; priceMinor: bigint; minDays: number; maxDays: number };
  /** Tax in basis points of the item and shipping prices (800 = 8%). */
  taxRateBp: number;
  /** Meta remits the tax (default true). */
  taxRemitted?: boolean | undefined;
  /** What Meta pays toward the order (a promotion it funds), capped at the order's total. */
  facebookPaidMinor?: bigint | undefined;
  /** Overrides the sandbox-wide delay for this order. */
  releaseDelayMs?: number | undefined;
  /** Held in FB_PROCESSING (risk review) until released by the admin API; cancellable after 24 h. */
  holdForReview?: boolean | undefined;
}

const DAY_MS = 86_400_000;
/** Meta's default handling time before ship_by_date. */
const HANDLING_DAYS = 3;

function percentOf(minor: bigint, basisPoints: number): bigint {
  return (minor * BigInt(basisPoints) + 5_000n) / 10_000n;
}

export class OrderStore {
  private orders: StoredOrder[] = [];
  private readonly byId = new Map<string, StoredOrder>();
  private readonly products = new Map<string, StoredProduct>();
  private readonly productsByRetailerId = new Map<string, StoredProduct>();
  private readonly pendingRelease = new Map<string, number>();
  private earliestReleaseMs = Number.POSITIVE_INFINITY;
  private nextSeq = 1;

  constructor(
    private readonly ids: IdGenerator,
    private readonly ledger: Ledger,
    private readonly settings: RuntimeSettings,
  ) {}

  /** All orders, oldest first; positions never change (the listing's sort key). */
  all(): readonly StoredOrder[] {
    return this.orders;
  }

  order(id: string): StoredOrder | undefined {
    return this.byId.get(id);
  }

  /** The order a return belongs to (returns are rare: a scan is cheaper than an index to keep). */
  orderOfReturn(returnId: string): StoredOrder | undefined {
    return this.orders.find((order) => order.returns.some((r) => r.id === returnId));
  }

  product(id: string): StoredProduct | undefined {
    return this.products.get(id);
  }

  productByRetailerId(retailerId: string): StoredProduct | undefined {
    return this.productsByRetailerId.get(retailerId);
  }

  /** The catalogue built up by created orders, in creation order. */
  allProducts(): StoredProduct[] {
    return [...this.products.values()];
  }

  /**
   * Replaces everything with saved orders (oldest first, `seq` increasing) and their products,
   * and rebuilds the release schedule from each order's `releaseAtMs`.
   */
  restore(orders: readonly StoredOrder[], products: readonly StoredProduct[]): void {
    this.reset();
    for (const product of products) {
      this.products.set(product.id, product);
      this.productsByRetailerId.set(product.retailerId, product);
    }
    for (const order of orders) {
      this.orders.push(order);
      this.byId.set(order.id, order);
      if (order.releaseAtMs !== null) this.scheduleRelease(order.id, order.releaseAtMs);
      this.nextSeq = Math.max(this.nextSeq, order.seq + 1);
    }
  }

  create(spec: NewOrderSpec, now: number): StoredOrder {
    const id = this.ids.nextId();
    const items = spec.items.map((line) => {
      const product = this.productFor(line, spec.currency);
      const lineMinor = line.unitPriceMinor * BigInt(line.quantity);
      return {
        id: this.ids.nextId(),
        productId: product.id,
        retailerId: line.retailerId,
        productName: line.productName,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        taxMinor: percentOf(lineMinor, spec.taxRateBp),
        shipped: 0,
        cancelled: 0,
        refundedQuantity: 0,
        refundedMinor: 0n,
        customization: line.customization,
      };
    });
    const delay = spec.releaseDelayMs ?? this.settings.releaseDelayMs;
    const order: StoredOrder = {
      id,
      seq: this.nextSeq++,
      channel: spec.channel,
      state: 'FB_PROCESSING',
      currency: spec.currency,
      createdMs: now,
      lastUpdatedMs: now,
      releaseAtMs: spec.holdForReview ? null : now + delay,
      buyer: {
        name: spec.buyer.name,
        email: spec.buyer.email ?? `buyer.${id}@marketplace.facebook.com`,
        emailRemarketingOption: spec.buyer.emailRemarketingOption,
      },
      shippingAddress: spec.shippingAddress,
      shippingOption: {
        name: spec.shipping.name,
        priceMinor: spec.shipping.priceMinor,
        taxMinor: percentOf(spec.shipping.priceMinor, spec.taxRateBp),
        minDays: spec.shipping.minDays,
        maxDays: spec.shipping.maxDays,
      },
      shipByDate: metaDate(now + HANDLING_DAYS * DAY_MS),
      ...(spec.taxRemitted === false ? { taxRemitted: false } : {}),
      items,
      shipments: [],
      cancellations: [],
      refunds: [],
      returns: [],
      shippingRefundedMinor: 0n,
    };
    if (spec.facebookPaidMinor !== undefined && spec.facebookPaidMinor > 0n) {
      const total = orderTotalMinor(order);
      order.facebookPaidMinor = spec.facebookPaidMinor < total ? spec.facebookPaidMinor : total;
    }
    this.orders.push(order);
    this.byId.set(id, order);
    if (order.releaseAtMs !== null) this.scheduleRelease(order.id, order.releaseAtMs);
    return order;
  }

  /** Releases every FB_PROCESSING order whose time has come, in due-time order. Cheap when none is due. */
  releaseDue(now: number): void {
    if (now < this.earliestReleaseMs) return;
    const due: { order: StoredOrder; at: number }[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (const [id, at] of this.pendingRelease) {
      const order = this.byId.get(id);
      if (order === undefined) continue;
      if (at <= now) due.push({ order, at });
      else earliest = Math.min(earliest, at);
    }
    this.earliestReleaseMs = earliest;
    due.sort((a, b) => a.at - b.at || a.order.seq - b.order.seq);
    for (const { order, at } of due) this.release(order, at, 'platform');
  }

  /**
   * FB_PROCESSING -> CREATED, or straight to IN_PROGRESS when no order-management app is
   * connected (Commerce Manager acknowledges automatically).
   */
  release(order: StoredOrder, atMs: number, origin: Origin): void {
    if (order.state !== 'FB_PROCESSING') return;
    this.pendingRelease.delete(order.id);
    order.releaseAtMs = null;
    order.releasedMs = atMs;
    order.state = 'CREATED';
    order.lastUpdatedMs = Math.max(order.lastUpdatedMs, atMs);
    this.ledger.recordEffect({ atMs, orderId: order.id, kind: 'release', origin });
    if (!this.settings.connected) this.autoAcknowledge(order, atMs);
  }

  /** The order will not be released any more (buyer cancel, seller cancel after 24 h). */
  unschedule(order: StoredOrder): void {
    this.pendingRelease.delete(order.id);
    order.releaseAtMs = null;
  }

  /** Disconnecting hands the account to Commerce Manager, which acknowledges what waits in CREATED. */
  setConnected(connected: boolean, now: number): void {
    this.settings.connected = connected;
    if (connected) return;
    for (const order of this.orders) if (order.state === 'CREATED') this.autoAcknowledge(order, now);
  }

  reset(): void {
    this.orders = [];
    this.byId.clear();
    this.products.clear();
    this.productsByRetailerId.clear();
    this.pendingRelease.clear();
    this.earliestReleaseMs = Number.POSITIVE_INFINITY;
    this.nextSeq = 1;
  }

  private autoAcknowledge(order: StoredOrder, atMs: number): void {
    order.state = 'IN_PROGRESS';
    order.lastUpdatedMs = Math.max(order.lastUpdatedMs, atMs);
    this.ledger.recordEffect({ atMs, orderId: order.id, kind: 'auto_acknowledge', origin: 'commerce_manager' });
  }

  private scheduleRelease(orderId: string, atMs: number): void {
    this.pendingRelease.set(orderId, atMs);
    this.earliestReleaseMs = Math.min(this.earliestReleaseMs, atMs);
  }

  private productFor(line: NewItemSpec, currency: string): StoredProduct {
    const existing = this.productsByRetailerId.get(line.retailerId);
    if (existing) return existing;
    const product: StoredProduct = {
      id: this.ids.nextId(),
      retailerId: line.retailerId,
      name: line.productName,
      description: `${line.productName}. Sandbox catalogue item.`,
      brand: 'Sandbox Goods',
      inventory: 100,
      unitPriceMinor: line.unitPriceMinor,
      currency,
    };
    this.products.set(product.id, product);
    this.productsByRetailerId.set(product.retailerId, product);
    return product;
  }
}
