/**
 * The OMS port's methods, in one table: for each method, the zod schema of its arguments. The
 * method names, the OMS activities (the port minus the call made inside a Graph activity) and the
 * validation in front of every adapter (oms/validated-oms.ts) derive from it. The types below make
 * the table cover exactly OmsPort's methods, with schemas that parse exactly their parameter types:
 * a change to port.ts that the table does not follow fails the type check.
 * Pure: workflow code imports the names.
 */
import { z } from 'zod';
import { OmsInvalidInputError } from './oms-errors.js';
import type { OmsPort } from './oms-port.js';
import {
  cancellationRecordSchema,
  describeIssues,
  externalChangeSchema,
  metaOrderIdSchema,
  opsNotificationSchema,
  pendingOrderInputSchema,
  refundRecordSchema,
  reservationLinesSchema,
  returnRecordSchema,
  shipmentRecordSchema,
  trackingUpdateRecordSchema,
} from './oms-port-schemas.js';

export type OmsPortMethod = keyof OmsPort;

/** Each argument's description names it in an invalid-input message ("invalid shipment: ..."). */
const metaOrderId = metaOrderIdSchema.describe('metaOrderId');

export const OMS_PORT_ARGUMENTS = {
  reserveInventory: z.tuple([metaOrderId, reservationLinesSchema.describe('reservation lines')]),
  releaseInventory: z.tuple([metaOrderId]),
  createPendingOrder: z.tuple([pendingOrderInputSchema.describe('pending order')]),
  markProcessing: z.tuple([metaOrderId]),
  recordShipment: z.tuple([shipmentRecordSchema.describe('shipment')]),
  recordTrackingUpdate: z.tuple([trackingUpdateRecordSchema.describe('tracking update')]),
  recordCancellation: z.tuple([cancellationRecordSchema.describe('cancellation')]),
  recordRefund: z.tuple([refundRecordSchema.describe('refund')]),
  recordReturn: z.tuple([returnRecordSchema.describe('return')]),
  markCompleted: z.tuple([metaOrderId]),
  notifyExternalChange: z.tuple([externalChangeSchema.describe('external change')]),
  notifyOps: z.tuple([opsNotificationSchema.describe('ops notification')]),
} satisfies { [M in OmsPortMethod]: z.ZodType<Parameters<OmsPort[M]>> };

/** True only when A and B are the same type (not merely assignable: a field the schema lacks would be stripped). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The methods whose schema's input or output differs from their parameters: must be none. */
type Mismatched = {
  [M in OmsPortMethod]: Same<z.output<(typeof OMS_PORT_ARGUMENTS)[M]>, Parameters<OmsPort[M]>> extends true
    ? Same<z.input<(typeof OMS_PORT_ARGUMENTS)[M]>, Parameters<OmsPort[M]>> extends true
      ? never
      : M
    : M;
}[OmsPortMethod];
const _everySchemaMatchesItsMethod: [Mismatched] extends [never] ? true : { mismatched: Mismatched } = true;

export const OMS_PORT_METHODS = Object.keys(OMS_PORT_ARGUMENTS) as OmsPortMethod[];

/**
 * Port calls made inside a Graph activity rather than as OMS activities of their own:
 * createPendingOrder needs the buyer's name and address, which must never enter workflow history.
 */
export const OMS_CALLS_IN_GRAPH_ACTIVITIES = ['createPendingOrder'] as const satisfies readonly OmsPortMethod[];
export type OmsActivityMethod = Exclude<OmsPortMethod, (typeof OMS_CALLS_IN_GRAPH_ACTIVITIES)[number]>;
/** The OMS activities, one per remaining port method and named after it (names are recorded in histories). */
export const OMS_ACTIVITY_METHODS = OMS_PORT_METHODS.filter(
  (method): method is OmsActivityMethod => !(OMS_CALLS_IN_GRAPH_ACTIVITIES as readonly string[]).includes(method),
);

/**
 * The method's arguments, parsed (unknown fields dropped), or a non-retryable OmsInvalidInputError
 * naming the first invalid argument and the offending paths within it. Values are left out of the
 * message: they may hold buyer data.
 */
export function parseOmsPortArguments<M extends OmsPortMethod>(
  method: M,
  args: readonly unknown[],
): Parameters<OmsPort[M]> {
  const schema: z.ZodTuple = OMS_PORT_ARGUMENTS[method];
  const result = schema.safeParse(args);
  if (result.success) return result.data as Parameters<OmsPort[M]>;
  // Report the first invalid argument only, as if each were checked in turn.
  const first = Math.min(
    ...result.error.issues.map((issue) => (typeof issue.path[0] === 'number' ? issue.path[0] : -1)),
  );
  const issues = result.error.issues
    .filter((issue) => (typeof issue.path[0] === 'number' ? issue.path[0] : -1) === first)
    .map((issue) => ({ ...issue, path: issue.path.slice(1) }));
  const item = first >= 0 ? schema.def.items[first] : undefined;
  const what = item ? (z.globalRegistry.get(item)?.description ?? `argument ${first + 1}`) : `arguments of ${method}`;
  throw new OmsInvalidInputError(`invalid ${what}: ${describeIssues(issues)}`);
}
