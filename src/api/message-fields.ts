/**
 * The zod fields the workflows' internal messages share (the poller's, the ack batcher's and the
 * order's own), with the caps of limits.ts. A message that does not parse is dropped by its
 * handler, with a log line and a counter, instead of failing workflow tasks. Pure: workflow code.
 */
import { z } from 'zod';
import { ORDER_STATES } from '../domain/order-states.js';
import { COUNT_LIMITS, TEXT_LIMITS, quote, truncate } from './limits.js';
import { CHANNELS } from './oms-port.js';

/** A Meta id (order, item, product): letters, digits and underscores. */
export const metaIdField = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9_]{1,${TEXT_LIMITS.id}}$`),
    `must be a Meta id (1-${TEXT_LIMITS.id} of A-Z, a-z, 0-9, _)`,
  );

/** ISO 8601, as Meta's timestamps and ours are written. */
export const timestampField = z
  .string()
  .max(40)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 timestamp');

/** Money as Meta lists it (the same decimal strings the Graph client accepts). */
export const metaMoneyField = z.object({
  amount: z.string().regex(/^-?\d{1,15}(\.\d{1,10})?$/, 'must be a decimal string such as "12.50"'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"'),
});

export const metaOrderStateField = z.enum(ORDER_STATES);
export const channelField = z.enum(CHANNELS);

/** A count of units. */
export const unitCountField = z.number().int().min(0).max(COUNT_LIMITS.units);

/** Text our own side wrote (a refusal, Meta's message): kept, but never longer than the cap. */
export const cappedTextField = (max: number) => z.string().transform((text) => truncate(text, max));

/** One problem's text: long enough for a list of allowed codes, too short for a caller's megabyte. */
const ISSUE_LENGTH = 300;

/** Zod's issues in one line, each naming its field; at most a few, each cut short (never a whole value). */
export function describeIssues(error: z.ZodError, maxIssues = 3): string {
  const shown = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path.length ? `${formatPath(issue.path)}: ` : '';
    return truncate(`${path}${messageOf(issue)}`, ISSUE_LENGTH);
  });
  const more = error.issues.length - shown.length;
  return truncate(`${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`, TEXT_LIMITS.refusal);
}

/** Zod's message, except that the keys it names (the caller's own text) are quoted short. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const keys = issue.keys.slice(0, 3).map(quote).join(', ');
  const more = issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : '';
  return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${keys}${more}`;
}

/** `items[0].quantity` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${truncate(String(part), TEXT_LIMITS.quote)}`,
    )
    .join('');
}
