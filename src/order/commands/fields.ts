/**
 * The zod fields that several commands share. Inside a command every object is strict: a misspelt
 * key is an error, not silently dropped. Pure: safe in workflow code.
 */
import { z } from 'zod';
import { isKnownCarrier } from '../../domain/carrier-codes.js';
import { isValidAmount } from '../../domain/money.js';
import { COUNT_LIMITS, TEXT_LIMITS, quote } from '../../api/limits.js';

/**
 * The caller's id for one command. The Update id and Meta's idempotency key both derive from it,
 * so sending the same command twice (a retry, a redelivered queue message) applies it once.
 */
export const requestId = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9_-]{1,${TEXT_LIMITS.requestId}}$`),
    `requestId must be 1-${TEXT_LIMITS.requestId} characters of A-Z, a-z, 0-9, _ or -`,
  );

export const retailerId = z.string().min(1, 'retailerId must not be empty').max(TEXT_LIMITS.shortText);
export const quantity = z.number().int('quantity must be a whole number').positive('quantity must be at least 1');

export const money = z
  .object({
    amount: z.string().max(20).refine(isValidAmount, 'amount must be a decimal string like "12.50"'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code like "USD"'),
  })
  .strict();

/** Meta's id of one order line. */
export const itemId = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,64}$/, "itemId must be Meta's item id (1-64 of A-Z, a-z, 0-9, _)");

/** A line named by Meta's item id, or by retailer id when that is unique in the order. */
export const oneItemRef = (line: { itemId?: string | undefined; retailerId?: string | undefined }) =>
  (line.itemId === undefined) !== (line.retailerId === undefined);
export const ONE_ITEM_REF = 'each item needs either itemId or retailerId, not both';

export const unitLines = z
  .array(
    z
      .object({ itemId: itemId.optional(), retailerId: retailerId.optional(), quantity })
      .strict()
      .refine(oneItemRef, ONE_ITEM_REF),
  )
  .min(1, 'items must not be empty')
  .max(COUNT_LIMITS.items);

/** A code from Meta's carrier list; the message quotes at most the start of an unknown one. */
export const carrier = z
  .string()
  .max(TEXT_LIMITS.carrier)
  .superRefine((value, ctx) => {
    if (!isKnownCarrier(value))
      ctx.addIssue({ code: 'custom', message: `unknown carrier code ${quote(value)} (see Meta's carrier list)` });
  });

export const trackingNumber = z.string().trim().min(1, 'trackingNumber must not be empty').max(TEXT_LIMITS.shortText);

/** Free text that goes with a command to Meta and the OMS (a description, a note). */
export const freeText = z.string().max(TEXT_LIMITS.reason);
