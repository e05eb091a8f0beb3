/**
 * The order workflow's state: what the `state` query returns and what continue-as-new carries.
 * Plain serialisable data, no secrets and no buyer personal data (names, addresses and e-mails go
 * straight from Meta to the OMS inside one activity and never enter workflow history).
 */
import { z } from 'zod';
import type { CommandKind } from './command-kinds.js';
import { COUNT_LIMITS, TEXT_LIMITS } from './limits.js';
import {
  channelField,
  metaIdField,
  metaMoneyField,
  metaOrderStateField,
  timestampField,
  unitCountField,
} from './message-fields.js';
import type { Ledger, UnitLine } from './ledger.js';
import type { Money } from '../domain/money.js';
import type { OrderState } from '../domain/order-states.js';
import type { ReturnStatus } from '../domain/returns.js';
import type { Channel, ReservationLine } from './oms-port.js';

/** Meta's order state (ORDER_STATES in src/domain/order-states.ts, in lifecycle order). */
export type MetaOrderState = OrderState;

/**
 * Where the workflow is in its own lifecycle, the one list: the phase gauges and the CLI's
 * `--phase` choices derive from it. In lifecycle order; CANCELLED and CLOSED both end it.
 */
export const ORDER_PHASES = [
  'AWAITING_RELEASE', // FB_PROCESSING: inventory reserved, waiting for Meta to release the order
  'ACKNOWLEDGING', // CREATED: pending order in the OMS, acknowledgement in flight
  'IN_PROGRESS', // acknowledged: serving ship / cancel / refund commands
  'RETURN_WINDOW', // every unit shipped or cancelled: open for refunds until the window closes
  'CANCELLED', // cancelled before release, or every unit cancelled: ends
  'CLOSED', // return window over: ends
] as const;
export type OrderPhase = (typeof ORDER_PHASES)[number];

/**
 * The part of a Meta order the workflow keeps (no buyer fields). Signals carry it as a hint (the
 * poller's listing, the ack batch's), so it is parsed at the handler: a snapshot that does not
 * parse is dropped and the order reads itself from Meta instead.
 */
export const OrderSnapshotSchema = z.object({
  id: metaIdField,
  state: metaOrderStateField,
  /** ISO 8601, from Meta. */
  created: timestampField,
  lastUpdated: timestampField,
  channel: channelField.optional(),
  merchantOrderId: z.string().max(TEXT_LIMITS.id).optional(),
  items: z
    .array(
      z.object({
        itemId: metaIdField,
        retailerId: z.string().max(TEXT_LIMITS.shortText),
        productId: metaIdField.optional(),
        productName: z.string().max(TEXT_LIMITS.name).optional(),
        quantity: unitCountField,
        pricePerUnit: metaMoneyField,
        /** Meta's per-item counts, when requested. */
        status: z
          .object({ inProgress: unitCountField, fulfilled: unitCountField, cancelled: unitCountField })
          .optional(),
      }),
    )
    .max(COUNT_LIMITS.items),
  shippingPaid: metaMoneyField.optional(),
  /** Meta's ship-by date ('YYYY-MM-DD'), when Meta gives one. */
  shipByDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-31')
    .optional(),
});
export type OrderSnapshot = z.output<typeof OrderSnapshotSchema>;

export interface CommandOutcome {
  kind: CommandKind;
  requestId: string;
  /** Stable text of the command, so a reused requestId with other content is refused. */
  fingerprint: string;
  appliedAt: string;
  /** What Meta confirmed, in short. */
  summary: string;
  metaState: MetaOrderState;
}

export interface RejectedSignal {
  kind: CommandKind;
  requestId: string;
  reason: string;
  at: string;
}

/** An internal signal (or the snapshot it brought) that was dropped: it did not parse, or did not fit the order. */
export interface DroppedSignal {
  signal: string;
  reason: string;
  at: string;
}

export interface Attention {
  /** The step that could not complete, e.g. "acknowledge" or "ship r-123". */
  step: string;
  reason: string;
  errorType: string;
  since: string;
}

export interface ExternalChangeRecord {
  at: string;
  kind: 'shipped' | 'cancelled' | 'cancelled_before_release' | 'refunded';
  lines: UnitLine[];
  /** Meta's object id (shipment, cancellation, refund), when read from Meta's history edges. */
  metaObjectId?: string | undefined;
  /** A refund's total as Meta computed it. */
  amount?: Money | undefined;
}

/** A buyer's return as the workflow knows it (Meta's ids and codes only). */
export interface OrderReturn {
  id: string;
  status: ReturnStatus;
  lines: UnitLine[];
  reasonCode?: string | undefined;
  merchantReturnId?: string | undefined;
}

/** One of our own cancellations or refunds that Meta accepted and whose Meta object is not matched yet. */
export interface OwnChangeAwaitingMetaId {
  kind: 'cancellations' | 'refunds';
  requestId: string;
  lines: UnitLine[];
  /** A refund's total, to tell apart two refunds of the same lines. */
  total?: Money | undefined;
}

export interface OrderWorkflowState {
  orderId: string;
  cmsId: string;
  phase: OrderPhase;
  metaState: MetaOrderState;
  channel?: Channel | undefined;
  merchantOrderReference?: string | undefined;
  createdAt?: string | undefined;
  metaLastUpdated?: string | undefined;
  reservation: {
    status: 'none' | 'reserved' | 'released' | 'consumed';
    shortages: ReservationLine[];
    /** Given back while Meta still had the order in FB_PROCESSING (too long): reserved again once released. */
    releasedWhileProcessing?: boolean | undefined;
  };
  /** FB_PROCESSING for more than 24 hours: flagged, and a seller cancel is allowed. */
  processingOverdue: boolean;
  /** Meta's ship-by date ('YYYY-MM-DD'), or the one derived from Meta's shipping rule when Meta gives none. */
  shipByDate?: string | undefined;
  /** Not fully shipped close to its ship-by date: flagged (FbAtRisk) and ops told, once. */
  atRisk?: boolean | undefined;
  ledger?: Ledger | undefined;
  shippingPaid?: Money | undefined;
  acknowledgedAt?: string | undefined;
  fulfilledAt?: string | undefined;
  /** The ship command that fulfilled the order marked the OMS order completed in its own activity. */
  omsCompleted?: boolean | undefined;
  /** Set while the order waits for an operator's `retry`. */
  attention?: Attention | undefined;
  /** The command being carried out right now, if any. */
  pendingCommand?: { kind: CommandKind; requestId: string } | undefined;
  /** Applied commands by requestId: a repeated command returns its first outcome. */
  commands: Record<string, CommandOutcome>;
  rejectedSignals: RejectedSignal[];
  /** Internal signals dropped since the order began: how many, and the newest few. Absent until one is. */
  droppedSignals?: { count: number; recent: DroppedSignal[] } | undefined;
  externalChanges: ExternalChangeRecord[];
  /** Shipments by the requestId of their `ship` command, for updateTracking. */
  shipments: Record<
    string,
    { carrier: string; trackingNumber: string; lines: UnitLine[]; externalShipmentId?: string | undefined }
  >;
  /**
   * Meta's history-edge objects already in the ledger, ours and external, by kind: each is
   * applied once however often it is read. Absent in runs from before the edges were read.
   */
  metaObjects?: { shipments: string[]; cancellations: string[]; refunds: string[] } | undefined;
  /** Our own changes not yet matched to their Meta object (matched by content on the next read). */
  ownAwaitingMetaId?: OwnChangeAwaitingMetaId[] | undefined;
  /** Buyers' returns as last read from Meta, each with the status the OMS was last told. */
  returns?: OrderReturn[] | undefined;
  /** The order's `last_updated` when the history edges were last read: read again only once it moves. */
  historyReadAt?: string | undefined;
  continuedAsNew: number;
  /** Set when Meta changed the order after its workflow had ended and a new run recorded it. */
  reopened?: { count: number; previousRunId: string } | undefined;
}
