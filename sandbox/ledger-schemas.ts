/**
 * Wire shape of the sandbox ledger (`GET /_admin/ledger`): every effect applied to an order and
 * the call counters. Shared by the server and the admin client; tests assert exactly-once on it.
 */
import { z } from 'zod';

export const EFFECT_KINDS = [
  'acknowledge',
  'auto_acknowledge',
  'shipment',
  'shipment_update',
  'cancellation',
  'refund',
  'release',
  'return',
  'return_update',
  'connect',
  'disconnect',
] as const;
export type EffectKind = (typeof EFFECT_KINDS)[number];

export const LedgerEffectSchema = z.object({
  /** Order in which effects were applied, from 1. */
  seq: z.number().int(),
  /** Sandbox-clock time of the effect (ISO 8601, ms). A lazily applied release carries its due time. */
  at: z.string(),
  orderId: z.string().nullable(),
  kind: z.enum(EFFECT_KINDS),
  origin: z.enum(['api', 'commerce_manager', 'buyer', 'platform']),
  /**
   * True when the effect did not come from a Graph call of the integration: Commerce Manager,
   * the buyer, Meta support or Meta itself made it (the admin API). A reconciliation sees these
   * only on the order's history edges. Equivalent to `origin !== 'api'`, spelled out for tests.
   */
  external: z.boolean(),
  /** Ledger key of the call that applied it, e.g. "POST acknowledge_order"; null when not an API call. */
  endpoint: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  /** The request's canonical parameters (what idempotency compares), without the key. */
  request: z.unknown(),
  /** Id of what the effect created or changed (shipment, cancellation, refund, return). */
  objectId: z.string().nullable(),
});
export type LedgerEffect = z.output<typeof LedgerEffectSchema>;

const Counter = z.object({ total: z.number().int(), byEndpoint: z.record(z.string(), z.number().int()) });
export type LedgerCounter = z.output<typeof Counter>;

export const LedgerSnapshotSchema = z.object({
  effects: z.array(LedgerEffectSchema),
  /** The same effects grouped by order id. */
  orders: z.record(z.string(), z.array(LedgerEffectSchema)),
  /** Every Graph call received, by "METHOD endpoint" (throttled and faulted calls included). */
  calls: Counter,
  /** Same key + same request answered from the idempotency store, with no second effect. */
  replays: Counter,
  /** Same key + a different request, refused. */
  rejectedDuplicates: Counter,
  /** Calls answered 80001 (rate limit or a throttle fault). */
  throttled: Counter,
  faultsInjected: Counter.extend({ byKind: z.record(z.string(), z.number().int()) }),
  /** Error answers by Graph error code (faults and throttling included). */
  errors: z.object({ total: z.number().int(), byCode: z.record(z.string(), z.number().int()) }),
});
export type LedgerSnapshot = z.output<typeof LedgerSnapshotSchema>;
