/**
 * The commands OMS code sends to an order workflow, as zod schemas: the typed client parses with
 * them before sending, and the workflow's Update validators parse with them again (a caller need
 * not use our client). Pure: safe in workflow code.
 */
import { z } from 'zod';
import { isKnownCarrier } from '../../domain/carrier-codes.js';
import { isValidAmount } from '../../domain/money.js';
import { CANCEL_REASON_CODES, SELLER_REFUND_REASON_CODES } from '../../domain/reason-codes.js';

/**
 * The caller's id for one command. The Update id and Meta's idempotency key both derive from it,
 * so sending the same command twice (a retry, a redelivered queue message) applies it once.
 */
const requestId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'requestId must be 1-64 characters of A-Z, a-z, 0-9, _ or -');

const retailerId = z.string().min(1, 'retailerId must not be empty').max(100);
const quantity = z.number().int('quantity must be a whole number').positive('quantity must be at least 1');

export const MoneySchema = z.object({
  amount: z.string().refine(isValidAmount, 'amount must be a decimal string like "12.50"'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code like "USD"'),
});

/** Inside a command, money is as strict as every other object: a misspelt key is an error, not dropped. */
const commandMoney = MoneySchema.strict();

const unitLines = z.array(z.object({ retailerId, quantity }).strict()).min(1, 'items must not be empty');

const carrier = z.string().superRefine((value, ctx) => {
  if (!isKnownCarrier(value)) ctx.addIssue({ code: 'custom', message: `unknown carrier code ${JSON.stringify(value)} (see Meta's carrier list)` });
});
const trackingNumber = z.string().trim().min(1, 'trackingNumber must not be empty').max(100);

export const ShipCommandSchema = z
  .object({
    requestId,
    /** Omitted: every unit not yet shipped or cancelled. */
    items: unitLines.optional(),
    carrier,
    trackingNumber,
    shippingMethodName: z.string().max(100).optional(),
    /** If given, must equal the reference the order was acknowledged with (Meta rejects another). */
    merchantOrderReference: z.string().min(1).max(100).optional(),
  })
  .strict();

export const CancelCommandSchema = z
  .object({
    requestId,
    reasonCode: z.enum(CANCEL_REASON_CODES, { message: `reasonCode must be one of ${CANCEL_REASON_CODES.join(', ')}` }),
    reasonDescription: z.string().max(500).optional(),
    /** Put the cancelled units back into sellable stock. */
    restock: z.boolean().default(false),
    /** Omitted: every unit not yet shipped (a partial cancel names its items). */
    items: unitLines.optional(),
  })
  .strict();

const refundLine = z
  .object({ retailerId, quantity: quantity.optional(), amount: commandMoney.optional() })
  .strict()
  .refine((line) => (line.quantity === undefined) !== (line.amount === undefined), 'each refund item needs either quantity or amount, not both');

export const RefundCommandSchema = z
  .object({
    requestId,
    reasonCode: z.enum(SELLER_REFUND_REASON_CODES, { message: `reasonCode must be one of ${SELLER_REFUND_REASON_CODES.join(', ')}` }),
    reasonText: z.string().max(500).optional(),
    /** Omitted: every shipped unit not yet refunded. */
    items: z.array(refundLine).min(1, 'items must not be empty').optional(),
    shippingRefund: commandMoney.optional(),
  })
  .strict();

export const UpdateTrackingCommandSchema = z
  .object({
    requestId,
    /** The requestId of the `ship` command whose tracking changes. */
    shipmentRequestId: requestId,
    carrier,
    trackingNumber,
  })
  .strict();

export const RetryCommandSchema = z.object({ requestId }).strict();

export type ShipCommand = z.input<typeof ShipCommandSchema>;
export type CancelCommand = z.input<typeof CancelCommandSchema>;
export type RefundCommand = z.input<typeof RefundCommandSchema>;
export type UpdateTrackingCommand = z.input<typeof UpdateTrackingCommandSchema>;
export type RetryCommand = z.input<typeof RetryCommandSchema>;

export type CommandKind = 'ship' | 'cancel' | 'refund' | 'updateTracking' | 'retry';

export const COMMAND_SCHEMAS = {
  ship: ShipCommandSchema,
  cancel: CancelCommandSchema,
  refund: RefundCommandSchema,
  updateTracking: UpdateTrackingCommandSchema,
  retry: RetryCommandSchema,
} as const;

export type ParsedCommand<K extends CommandKind> = z.output<(typeof COMMAND_SCHEMAS)[K]>;

/** Parses a command; on failure the message names the field, e.g. `items[0].quantity: quantity must be at least 1`. */
export function parseCommand<K extends CommandKind>(kind: K, input: unknown): { ok: true; command: ParsedCommand<K> } | { ok: false; reason: string } {
  const parsed = COMMAND_SCHEMAS[kind].safeParse(input);
  if (parsed.success) return { ok: true, command: parsed.data as ParsedCommand<K> };
  const reason = parsed.error.issues
    .map((issue) => `${issue.path.length ? `${formatPath(issue.path)}: ` : ''}${issue.message}`)
    .join('; ');
  return { ok: false, reason: `invalid ${kind} command: ${reason}` };
}

function formatPath(path: PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}

/** Stable text of a command, so a reused requestId with different content is detected. */
export function commandFingerprint(kind: CommandKind, command: object): string {
  return `${kind}:${stableStringify(command)}`;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
