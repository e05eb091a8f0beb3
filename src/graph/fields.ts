/**
 * Field selection. Callers name fields in camelCase (as they appear on GraphOrder); Meta's
 * `fields` parameter takes snake_case with nested braces, e.g. `id,order_status,items{id,quantity}`.
 * A given `fields` replaces Meta's defaults, so the schema that checks the answer is built from
 * exactly the fields asked for: a requested default field that is missing is an error.
 */
import { z } from 'zod';
import {
  camelCaseKey,
  DEFAULT_ITEM_FIELDS,
  DEFAULT_ORDER_FIELDS,
  DEFAULT_PRODUCT_FIELDS,
  orderWireShape,
  productWireShape,
  snakeCaseKey,
  type GraphOrder,
  type ItemExtraField,
  type OrderField,
  type ProductExtraField,
} from './schemas.js';

const ORDER_FIELDS = new Set(Object.keys(orderWireShape).map(camelCaseKey));
const PRODUCT_FIELDS = new Set(Object.keys(productWireShape).map(camelCaseKey));
const ITEM_EXTRA_FIELDS: ReadonlySet<string> = new Set<ItemExtraField>([
  'productName',
  'selectedShippingOption',
  'status',
  'taxDetails',
  'customization',
]);

/** Field names the client refuses (a typo would otherwise silently return nothing). */
export class UnknownFieldError extends Error {}

function checkKnown(fields: readonly string[], known: ReadonlySet<string>, what: string): void {
  for (const field of fields) if (!known.has(field)) throw new UnknownFieldError(`unknown ${what} field "${field}"`);
}

/** `id,retailer_id,...` with the defaults always first, so item objects always carry them. */
export function itemFieldsParam(extra: readonly ItemExtraField[] = []): string {
  checkKnown(extra, ITEM_EXTRA_FIELDS, 'item');
  return [...new Set<string>([...DEFAULT_ITEM_FIELDS, ...extra.map(snakeCaseKey)])].join(',');
}

export function productFieldsParam(extra: readonly ProductExtraField[] = []): string {
  checkKnown(extra, PRODUCT_FIELDS, 'product');
  return [...new Set<string>([...DEFAULT_PRODUCT_FIELDS, ...extra.map(snakeCaseKey)])].join(',');
}

export interface OrderSelection<F extends OrderField> {
  /** The `fields` parameter, or undefined to let Meta send its defaults. */
  param: string | undefined;
  schema: z.ZodType<Pick<GraphOrder, F | 'id'>>;
}

const schemaCache = new Map<string, z.ZodType>();

/** The request parameter and the answer's schema for a selection of order fields. */
export function selectOrderFields<F extends OrderField>(
  fields: readonly F[] | undefined,
  itemExtraFields: readonly ItemExtraField[] = [],
): OrderSelection<F> {
  const chosen: readonly string[] = fields ?? DEFAULT_ORDER_FIELDS;
  checkKnown(chosen, ORDER_FIELDS, 'order');
  if (chosen.length === 0) throw new UnknownFieldError('fields must name at least one field');
  const wireNames = [...new Set(['id', ...chosen.map(snakeCaseKey)])];
  const param =
    fields === undefined
      ? undefined
      : wireNames.map((name) => (name === 'items' ? `items{${itemFieldsParam(itemExtraFields)}}` : name)).join(',');

  const cacheKey = wireNames.slice().sort().join(',');
  let schema = schemaCache.get(cacheKey);
  if (!schema) {
    const shape = Object.fromEntries(
      wireNames.map((name) => [name, orderWireShape[name as keyof typeof orderWireShape]]),
    );
    schema = z
      .object(shape)
      .transform((value) => Object.fromEntries(Object.entries(value).map(([k, v]) => [camelCaseKey(k), v])));
    schemaCache.set(cacheKey, schema);
  }
  return { param, schema: schema as z.ZodType<Pick<GraphOrder, F | 'id'>> };
}
