import { describe, expect, it } from 'vitest';
import { SandboxGraphError } from '../../../sandbox/errors.js';
import { parseFields } from '../../../sandbox/fields.js';
import { serializeFields } from '../../../sandbox/views.js';

describe('fields parameter', () => {
  it('parses a flat list, nested braces and modifiers', () => {
    expect(parseFields('id,order_status')).toEqual([{ name: 'id' }, { name: 'order_status' }]);
    expect(parseFields(' id , items{ id, retailer_id ,quantity } ')).toEqual([
      { name: 'id' },
      { name: 'items', children: [{ name: 'id' }, { name: 'retailer_id' }, { name: 'quantity' }] },
    ]);
    expect(parseFields('items.limit(5){id,tax_details{estimated_tax{amount}}}')).toEqual([
      {
        name: 'items',
        limit: 5,
        children: [
          { name: 'id' },
          { name: 'tax_details', children: [{ name: 'estimated_tax', children: [{ name: 'amount' }] }] },
        ],
      },
    ]);
    expect(parseFields('items.fields(id,quantity)')).toEqual([
      { name: 'items', children: [{ name: 'id' }, { name: 'quantity' }] },
    ]);
  });

  it('accepts the quoted form from Meta samples and merges repeated fields', () => {
    expect(parseFields('"id,buyer_details"')).toEqual([{ name: 'id' }, { name: 'buyer_details' }]);
    expect(parseFields('items,id,items{id}')).toEqual([{ name: 'items', children: [{ name: 'id' }] }, { name: 'id' }]);
  });

  it('round-trips through serializeFields', () => {
    const text = 'id,items.limit(3){id,status},buyer_details{name}';
    expect(serializeFields(parseFields(text))).toBe(text);
  });

  it.each(['', 'id,', 'items{id', 'items}', 'id,,x', '1abc', 'items.limit(x)', 'items.as(foo)', 'a b'])(
    'rejects %j with a (#100) error',
    (text) => {
      let thrown: unknown;
      try {
        parseFields(text);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SandboxGraphError);
      expect((thrown as SandboxGraphError).code).toBe(100);
    },
  );
});
