/**
 * Meta's books for one order: its shipments, cancellations and refunds as Meta's history edges
 * list them, each with Meta's object id. The workflow reconciles its ledger against these (each
 * object applied once, by id), and reports the ones made outside the integration to the OMS.
 * Lines name Meta's item id when Meta gave one; money as Meta computed it. No buyer data.
 */
import type { Money } from '../domain/money.js';
import type { ReturnStatus } from '../domain/returns.js';

export interface MetaLine {
  itemId?: string | undefined;
  retailerId?: string | undefined;
  quantity: number;
}

export interface MetaShipment {
  id: string;
  /** Set when the seller gave one: ours are derived from the ship command's requestId. */
  externalShipmentId?: string | undefined;
  carrier?: string | undefined;
  trackingNumber?: string | undefined;
  lines: MetaLine[];
}

export interface MetaCancellation {
  id: string;
  reasonCode?: string | undefined;
  reasonDescription?: string | undefined;
  /** Meta's restock flag: whether the units went back into sellable stock. */
  restock?: boolean | undefined;
  /** BUYER or SELLER, as Meta says. */
  initiatedBy?: string | undefined;
  lines: MetaLine[];
}

export interface MetaRefundLine {
  itemId?: string | undefined;
  retailerId?: string | undefined;
  quantity?: number | undefined;
  /** What Meta refunded for the line (also when the request gave a quantity). */
  amount?: Money | undefined;
}

export interface MetaRefund {
  id: string;
  reasonCode?: string | undefined;
  reasonText?: string | undefined;
  lines: MetaRefundLine[];
  shipping?: Money | undefined;
  deductions?: { type: string; amount: Money }[] | undefined;
  adjustment?: Money | undefined;
  total?: Money | undefined;
  returnId?: string | undefined;
}

/** A buyer's return as Meta lists it (never the buyer's own words). */
export interface MetaReturn {
  id: string;
  status: ReturnStatus;
  reasonCode?: string | undefined;
  merchantReturnId?: string | undefined;
  lines: MetaLine[];
}

export interface OrderHistory {
  shipments: MetaShipment[];
  cancellations: MetaCancellation[];
  refunds: MetaRefund[];
  /** Absent in reads recorded before returns were read. */
  returns?: MetaReturn[] | undefined;
}

/** The kinds of object on Meta's history edges applied to the ledger once each, by id. */
export type MetaObjectKind = 'shipments' | 'cancellations' | 'refunds';
/** Every history edge the workflow reads: the ledger's kinds, and returns (whose status changes). */
export type HistoryEdge = MetaObjectKind | 'returns';

/** The edges that hold the ledger's objects (all but returns). */
export const LEDGER_EDGES: HistoryEdge[] = ['shipments', 'cancellations', 'refunds'];

/**
 * The edges a refresh reads for an order as listed: returns need shipped units, so before Meta
 * shows any the returns edge is not read (one call saved). Undefined: every edge.
 */
export function edgesToRead(
  items: readonly { status?: { fulfilled: number } | undefined }[],
): HistoryEdge[] | undefined {
  return items.some((item) => (item.status?.fulfilled ?? 0) > 0) ? undefined : LEDGER_EDGES;
}
