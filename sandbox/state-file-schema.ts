/**
 * The sandbox's state file (`stateFile` option), version 1: orders with their history, the
 * catalogue, the id counter, stored idempotency answers, run-time settings and the ledger.
 * One zod schema serves both directions (codecs turn bigint money into decimal strings and back),
 * so what is written is exactly what is read. Fault configuration and rate-limit windows are
 * not in it: they describe one run, not the account.
 */
import { z } from 'zod';
import { ORDER_STATES } from './meta-codes/order-states.js';
import { RETURN_STATUSES } from './meta-codes/return-codes.js';
import { LedgerEffectSchema } from './ledger-schemas.js';
import { LEDGER_COUNTERS, type LedgerCounterName } from './ledger.js';
import { IDEMPOTENCY_KEY } from './request-schemas.js';

export const STATE_FILE_FORMAT = 'meta-shops-sandbox-state';
export const STATE_FILE_VERSION = 1;

const graphId = z.string().regex(/^\d{1,20}$/, 'expected a numeric Graph id');
const timeMs = z.number().int();
const count = z.number().int().nonnegative();
/** Money in minor units: a bigint in memory, a decimal string in the file (JSON has no bigint). */
const minor = z.codec(
  z.string().regex(/^-?\d{1,30}$/, 'expected an integer amount in minor units, as a string'),
  z.bigint(),
  {
    decode: (text) => BigInt(text),
    encode: (value) => value.toString(),
  },
);
const origin = z.enum(['api', 'commerce_manager', 'buyer', 'platform']);

const UnitLineSchema = z.strictObject({ itemId: graphId, retailerId: z.string(), quantity: count });

const ItemSchema = z.strictObject({
  id: graphId,
  productId: graphId,
  retailerId: z.string(),
  productName: z.string(),
  quantity: z.number().int().positive(),
  unitPriceMinor: minor,
  taxMinor: minor,
  shipped: count,
  cancelled: count,
  refundedQuantity: count,
  refundedMinor: minor,
  customization: z.string().optional(),
});

const ShipmentSchema = z.strictObject({
  id: graphId,
  externalShipmentId: z.string().optional(),
  items: z.array(UnitLineSchema),
  tracking: z.strictObject({
    carrier: z.string(),
    trackingNumber: z.string(),
    shippingMethodName: z.string().optional(),
  }),
  createdMs: timeMs,
  updatedMs: timeMs,
  origin,
});

/** Files saved before `initiatedBy` existed lack it: the buyer's cancellations were the buyer's, the rest the seller's. */
const CancellationSchema = z
  .strictObject({
    id: graphId,
    items: z.array(UnitLineSchema),
    reasonCode: z.string(),
    reasonDescription: z.string().optional(),
    restockItems: z.boolean(),
    initiatedBy: z.enum(['SELLER', 'BUYER']).optional(),
    origin,
    createdMs: timeMs,
  })
  .transform((cancellation) => ({
    ...cancellation,
    initiatedBy:
      cancellation.initiatedBy ?? (cancellation.origin === 'buyer' ? ('BUYER' as const) : ('SELLER' as const)),
  }));

const RefundSchema = z.strictObject({
  id: graphId,
  reasonCode: z.string(),
  reasonText: z.string().optional(),
  items: z.array(
    z.strictObject({ itemId: graphId, retailerId: z.string(), quantity: count.optional(), amountMinor: minor }),
  ),
  shippingMinor: minor,
  deductions: z.array(z.strictObject({ type: z.string(), amountMinor: minor })),
  adjustmentMinor: minor,
  totalMinor: minor,
  returnId: graphId.optional(),
  createdMs: timeMs,
});

const ReturnSchema = z
  .strictObject({
    id: graphId,
    items: z.array(UnitLineSchema),
    reason: z.string().optional(),
    reasonCode: z.string().optional(),
    // Files saved before returns had a life read as requested, last changed when created.
    status: z.enum(RETURN_STATUSES).default('REQUESTED'),
    merchantReturnId: z.string().optional(),
    createdMs: timeMs,
    updatedMs: timeMs.optional(),
  })
  .transform((r) => ({ ...r, updatedMs: r.updatedMs ?? r.createdMs }));

export const PersistedOrderSchema = z.strictObject({
  id: graphId,
  seq: z.number().int().positive(),
  channel: z.enum(['facebook', 'instagram']),
  state: z.enum(ORDER_STATES),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'),
  createdMs: timeMs,
  lastUpdatedMs: timeMs,
  releaseAtMs: timeMs.nullable(),
  releasedMs: timeMs.optional(),
  buyer: z.strictObject({ name: z.string(), email: z.string(), emailRemarketingOption: z.boolean() }),
  shippingAddress: z.strictObject({
    name: z.string(),
    street1: z.string(),
    street2: z.string().optional(),
    city: z.string(),
    state: z.string().optional(),
    postalCode: z.string(),
    country: z.string(),
  }),
  shippingOption: z.strictObject({
    name: z.string(),
    priceMinor: minor,
    taxMinor: minor,
    minDays: count,
    maxDays: count,
  }),
  shipByDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a Y-m-d date'),
  taxRemitted: z.boolean().optional(),
  facebookPaidMinor: minor.optional(),
  merchantOrderReference: z.string().optional(),
  items: z.array(ItemSchema).min(1),
  shipments: z.array(ShipmentSchema),
  cancellations: z.array(CancellationSchema),
  refunds: z.array(RefundSchema),
  returns: z.array(ReturnSchema),
  shippingRefundedMinor: minor,
});

export const PersistedProductSchema = z.strictObject({
  id: graphId,
  retailerId: z.string(),
  name: z.string(),
  description: z.string(),
  brand: z.string(),
  inventory: z.number().int(),
  unitPriceMinor: minor,
  currency: z.string(),
});

const StoredAnswerSchema = z.strictObject({
  key: z.string().regex(IDEMPOTENCY_KEY, 'expected an idempotency key'),
  endpoint: z.string(),
  objectId: z.string(),
  fingerprint: z.string(),
  httpStatus: z.number().int().min(100).max(599),
  body: z.string(),
});

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest');

/**
 * A run-time setting next to the start option it was changed from. On load the saved value
 * applies only if the sandbox starts with the same option again; a changed start option (the
 * operator edited the configuration) wins over what the admin API set in an earlier run.
 */
const plainSetting = <T extends z.ZodType>(value: T) => z.strictObject({ start: value, current: value });

export const PersistedSettingsSchema = z.strictObject({
  /** Secrets are never written as configured: only a digest of the start option, and the value
   *  in force only when the admin API rotated it (a token the sandbox itself was given later). */
  accessToken: z.strictObject({ startDigest: sha256Hex, rotatedTo: z.string().min(1).optional() }),
  /** Digests of rotated-out tokens, which answer "session has expired" (190/463) rather than "invalid". */
  retiredTokenDigests: z.array(sha256Hex),
  appSecret: z.strictObject({ startDigest: sha256Hex.nullable(), changedTo: z.string().min(1).nullable().optional() }),
  releaseDelayMs: plainSetting(z.number().int().min(0)),
  connected: plainSetting(z.boolean()),
});

/** Files saved before `external` existed lack it; it follows from the origin. */
const PersistedLedgerEffectSchema = LedgerEffectSchema.extend({ external: z.boolean().optional() }).transform(
  (effect) => ({ ...effect, external: effect.external ?? effect.origin !== 'api' }),
);

const counters = Object.fromEntries(LEDGER_COUNTERS.map((name) => [name, z.record(z.string(), count)])) as Record<
  LedgerCounterName,
  z.ZodRecord<z.ZodString, typeof count>
>;

export const StateFileSchema = z.strictObject({
  format: z.literal(STATE_FILE_FORMAT),
  version: z.literal(STATE_FILE_VERSION),
  savedAt: z.string(),
  /** The commerce account the orders belong to. */
  cmsId: graphId,
  /** The id counter's last value: new ids are above it. */
  lastId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The order clock's offset from real time (the admin API may have moved it). */
  clockOffsetMs: z.number().int(),
  settings: PersistedSettingsSchema,
  products: z.array(PersistedProductSchema),
  /** Oldest first. The release schedule is each order's `releaseAtMs`. */
  orders: z.array(PersistedOrderSchema),
  /** Stored answers by idempotency key, so a retry after a restart is still a replay. */
  idempotency: z.array(StoredAnswerSchema),
  ledger: z.strictObject({ effects: z.array(PersistedLedgerEffectSchema), counters: z.strictObject(counters) }),
});

/** The decoded file: money as bigint, exactly the shapes the store holds. */
export type StateFile = z.output<typeof StateFileSchema>;
/** The file as JSON. */
export type StateFileJson = z.input<typeof StateFileSchema>;

/** Just enough to tell a sandbox state file (of some version) from anything else. */
export const StateFileHeaderSchema = z.object({ format: z.literal(STATE_FILE_FORMAT), version: z.number().int() });
