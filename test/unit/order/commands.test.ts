import { describe, expect, test } from 'vitest';
import { CARRIER_LABELS } from '../../../src/domain/carrier-codes.js';
import {
  CancelCommandSchema,
  commandFingerprint,
  parseCommand,
  RefundCommandSchema,
  ShipCommandSchema,
  type CommandKind,
} from '../../../src/order/commands/index.js';
import {
  CANCEL_REASON_CODES,
  PLATFORM_REFUND_REASON_CODES,
  SELLER_REFUND_REASON_CODES,
} from '../../../src/domain/reason-codes.js';

const VALID = {
  ship: {
    requestId: 'ship-1',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    items: [{ retailerId: 'sku-a', quantity: 2 }],
    shippingMethodName: 'Ground',
  },
  cancel: {
    requestId: 'cancel_1',
    reasonCode: 'OUT_OF_STOCK',
    reasonDescription: 'none left',
    restock: false,
    items: [{ retailerId: 'sku-a', quantity: 1 }],
  },
  refund: {
    requestId: 'REFUND-1',
    reasonCode: 'DAMAGED_GOODS',
    reasonText: 'arrived broken',
    items: [
      { retailerId: 'sku-a', quantity: 1 },
      { retailerId: 'sku-b', amount: { amount: '2.50', currency: 'USD' } },
    ],
    shippingRefund: { amount: '4.99', currency: 'USD' },
  },
  updateTracking: { requestId: 'track-2', shipmentRequestId: 'ship-1', carrier: 'FEDEX', trackingNumber: '7712345' },
  answerReturn: { requestId: 'rma-7', returnId: '310000000000042', event: 'ACCEPT_RETURN', merchantReturnId: 'RMA-7' },
  retry: { requestId: 'retry-1' },
} satisfies Record<CommandKind, object>;

const KINDS = Object.keys(VALID) as CommandKind[];

function accepted<K extends CommandKind>(kind: K, input: unknown) {
  const result = parseCommand(kind, input);
  if (!result.ok) throw new Error(`expected ${kind} to parse, got: ${result.reason}`);
  return result.command;
}

function rejected(kind: CommandKind, input: unknown): string {
  const result = parseCommand(kind, input);
  if (result.ok) throw new Error(`expected ${kind} to be rejected, got: ${JSON.stringify(result.command)}`);
  expect(result.reason.startsWith(`invalid ${kind} command: `)).toBe(true);
  return result.reason;
}

const withField = (kind: CommandKind, field: string, fieldValue: unknown): Record<string, unknown> => ({
  ...VALID[kind],
  [field]: fieldValue,
});
const without = (kind: CommandKind, field: string): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...VALID[kind] };
  delete copy[field];
  return copy;
};

describe('every command', () => {
  test.each(KINDS)('%s: the valid example parses to itself', (kind) => {
    const expected = kind === 'cancel' ? { ...VALID.cancel, restock: false } : VALID[kind];
    expect(accepted(kind, VALID[kind])).toEqual(expected);
  });

  test.each(KINDS)('%s: an unknown extra field is refused by name', (kind) => {
    expect(rejected(kind, withField(kind, 'idempotencyKey', 'x'))).toMatch(/idempotencyKey/);
  });

  test.each(KINDS)('%s: a missing requestId is refused', (kind) => {
    expect(rejected(kind, without(kind, 'requestId'))).toMatch(/requestId/);
  });

  test.each(KINDS)('%s: not an object is refused', (kind) => {
    for (const input of [null, undefined, 'ship', 42, []]) rejected(kind, input);
  });

  const badRequestIds: unknown[] = [
    '',
    'a'.repeat(65),
    'has space',
    'slash/id',
    'dot.id',
    'ünïcode',
    'semi;colon',
    7,
    null,
  ];
  test.each(badRequestIds)('requestId %j is refused', (requestId) => {
    for (const kind of KINDS) {
      expect(rejected(kind, withField(kind, 'requestId', requestId))).toMatch(/^invalid \w+ command: requestId: /);
    }
  });

  test.each(['a', 'A-z_0-9', 'x'.repeat(64), '3f2b8c1e-9d4a-4e2f-8b1a-0c9d8e7f6a5b'])(
    'requestId %j is accepted',
    (requestId) => {
      for (const kind of KINDS)
        expect(accepted(kind, withField(kind, 'requestId', requestId)).requestId).toBe(requestId);
    },
  );

  test('several problems are all reported, each with its path', () => {
    const why = rejected('ship', {
      requestId: '',
      carrier: 'NOPE',
      trackingNumber: '',
      items: [{ retailerId: 'a', quantity: 0 }],
    });
    expect(why).toContain('requestId: requestId must be 1-64 characters');
    expect(why).toContain('carrier: unknown carrier code "NOPE"');
    expect(why).toContain('trackingNumber: trackingNumber must not be empty');
    expect(why).toContain('items[0].quantity: quantity must be at least 1');
    expect(why.split('; ')).toHaveLength(4);
  });
});

describe('ship', () => {
  test('items are optional (every unshipped unit)', () => {
    const command = accepted('ship', without('ship', 'items'));
    expect(command.items).toBeUndefined();
  });

  test('tracking number is trimmed', () => {
    expect(accepted('ship', withField('ship', 'trackingNumber', '  1Z9  ')).trackingNumber).toBe('1Z9');
  });

  test("every carrier code on Meta's list is accepted", () => {
    const codes = Object.keys(CARRIER_LABELS);
    expect(codes.length).toBeGreaterThan(500);
    for (const carrier of codes) expect(ShipCommandSchema.safeParse({ ...VALID.ship, carrier }).success).toBe(true);
  });

  test.each(['FEDX', 'ups', 'Fedex', '', ' UPS', 'toString', '__proto__', 'constructor'])(
    'carrier %j is refused',
    (carrier) => {
      expect(rejected('ship', withField('ship', 'carrier', carrier))).toContain(
        `carrier: unknown carrier code ${JSON.stringify(carrier)}`,
      );
    },
  );

  test.each([
    [[{ retailerId: 'sku-a', quantity: 0 }], 'items[0].quantity: quantity must be at least 1'],
    [[{ retailerId: 'sku-a', quantity: -2 }], 'items[0].quantity: quantity must be at least 1'],
    [
      [
        { retailerId: 'sku-a', quantity: 1 },
        { retailerId: 'sku-b', quantity: 1.5 },
      ],
      'items[1].quantity: quantity must be a whole number',
    ],
    [[{ retailerId: 'sku-a', quantity: '2' }], 'items[0].quantity: '],
    [[{ retailerId: 'sku-a' }], 'items[0].quantity: '],
    [[{ retailerId: '', quantity: 1 }], 'items[0].retailerId: retailerId must not be empty'],
    [[{ retailerId: 'x'.repeat(101), quantity: 1 }], 'items[0].retailerId: '],
    [[{ quantity: 1 }], 'items[0]: each item needs either itemId or retailerId, not both'],
    [
      [{ itemId: '7', retailerId: 'sku-a', quantity: 1 }],
      'items[0]: each item needs either itemId or retailerId, not both',
    ],
    [[{ retailerId: 'sku-a', quantity: 1, item_id: '9' }], 'items[0]: '],
    [[], 'items: items must not be empty'],
    ['sku-a', 'items: '],
  ])('items %j is refused with %j', (items, message) => {
    expect(rejected('ship', withField('ship', 'items', items))).toContain(message);
  });

  test('the extra key in a line is named', () => {
    expect(rejected('ship', withField('ship', 'items', [{ retailerId: 'sku-a', quantity: 1, item_id: '9' }]))).toMatch(
      /items\[0\]: .*item_id/,
    );
  });

  test.each([
    ['trackingNumber', '   ', 'trackingNumber: trackingNumber must not be empty'],
    ['trackingNumber', 'x'.repeat(101), 'trackingNumber: '],
    ['trackingNumber', 12345, 'trackingNumber: '],
    ['shippingMethodName', 'x'.repeat(101), 'shippingMethodName: '],
  ])('%s %j is refused', (field, fieldValue, message) => {
    expect(rejected('ship', withField('ship', field, fieldValue))).toContain(message);
  });

  test.each(['carrier', 'trackingNumber'])('missing %s is refused', (field) => {
    expect(rejected('ship', without('ship', field))).toContain(`${field}: `);
  });
});

describe('cancel', () => {
  test('restock must be said: writing stock off is not a default', () => {
    expect(rejected('cancel', without('cancel', 'restock'))).toContain(
      'restock: restock is required: true puts the units back into sellable stock, false writes them off',
    );
    expect(CancelCommandSchema.parse(VALID.cancel).restock).toBe(false);
    expect(accepted('cancel', { ...VALID.cancel, restock: true }).restock).toBe(true);
    expect(rejected('cancel', { ...VALID.cancel, restock: 'yes' })).toContain('restock: ');
  });

  test('items are optional (every unshipped unit)', () => {
    expect(accepted('cancel', { requestId: 'c', reasonCode: 'CUSTOMER_REQUESTED', restock: true })).toEqual({
      requestId: 'c',
      reasonCode: 'CUSTOMER_REQUESTED',
      restock: true,
    });
  });

  test('a line may be named by Meta item id', () => {
    expect(accepted('cancel', { ...VALID.cancel, items: [{ itemId: '42', quantity: 1 }] }).items).toEqual([
      { itemId: '42', quantity: 1 },
    ]);
  });

  test.each([...CANCEL_REASON_CODES])('reason %s is accepted', (reasonCode) => {
    expect(accepted('cancel', { ...VALID.cancel, reasonCode }).reasonCode).toBe(reasonCode);
  });

  test.each(['BUYERS_REMORSE', 'FACEBOOK_INITIATED', 'customer_requested', '', 'OTHER'])(
    'reason %j is refused, listing the valid codes',
    (reasonCode) => {
      const why = rejected('cancel', { ...VALID.cancel, reasonCode });
      expect(why).toContain(`reasonCode: reasonCode must be one of ${CANCEL_REASON_CODES.join(', ')}`);
    },
  );

  test('a missing reason and bad lines are refused by path', () => {
    expect(rejected('cancel', without('cancel', 'reasonCode'))).toContain('reasonCode: ');
    expect(rejected('cancel', { ...VALID.cancel, reasonDescription: 'x'.repeat(501) })).toContain(
      'reasonDescription: ',
    );
    expect(
      rejected('cancel', {
        ...VALID.cancel,
        items: [
          { retailerId: 'a', quantity: 1 },
          { retailerId: 'b', quantity: 0 },
        ],
      }),
    ).toContain('items[1].quantity: quantity must be at least 1');
    expect(rejected('cancel', { ...VALID.cancel, items: [] })).toContain('items: items must not be empty');
  });
});

describe('refund', () => {
  test('nothing is implied: a refund names what it refunds, and a full refund says so', () => {
    expect(rejected('refund', { requestId: 'r', reasonCode: 'WRONG_ITEM' })).toContain(
      'say what to refund: items, shippingRefund, adjustment, or full: true',
    );
    expect(accepted('refund', { requestId: 'r', reasonCode: 'WRONG_ITEM', full: true })).toEqual({
      requestId: 'r',
      reasonCode: 'WRONG_ITEM',
      full: true,
    });
    expect(rejected('refund', { ...VALID.refund, full: true })).toContain(
      'full: a full refund refunds every shipped unit left: leave items out',
    );
    expect(rejected('refund', { requestId: 'r', reasonCode: 'WRONG_ITEM', full: false })).toContain('full: ');
  });

  test('shipping only, deductions, an adjustment and a return id are expressible', () => {
    const usd = (amount: string) => ({ amount, currency: 'USD' });
    expect(accepted('refund', { requestId: 'r', reasonCode: 'WRONG_ITEM', shippingRefund: usd('4.99') })).toEqual({
      requestId: 'r',
      reasonCode: 'WRONG_ITEM',
      shippingRefund: usd('4.99'),
    });
    const command = accepted('refund', {
      ...VALID.refund,
      adjustment: usd('1.00'),
      deductions: [{ type: 'RETURN_SHIPPING', amount: usd('2.00') }],
      returnId: '555',
    });
    expect(command).toMatchObject({ adjustment: usd('1.00'), returnId: '555' });
    expect(
      rejected('refund', { ...VALID.refund, deductions: [{ type: 'RESTOCKING', amount: usd('2.00') }] }),
    ).toContain('deductions[0].type: ');
  });

  test.each([...SELLER_REFUND_REASON_CODES])('seller reason %s is accepted', (reasonCode) => {
    expect(accepted('refund', { ...VALID.refund, reasonCode }).reasonCode).toBe(reasonCode);
  });

  test.each([...PLATFORM_REFUND_REASON_CODES, 'OUT_OF_STOCK', 'damaged_goods', ''])(
    'reason %j (not a seller code) is refused',
    (reasonCode) => {
      expect(rejected('refund', { ...VALID.refund, reasonCode })).toContain(
        `reasonCode: reasonCode must be one of ${SELLER_REFUND_REASON_CODES.join(', ')}`,
      );
    },
  );

  test('FACEBOOK_INITIATED is refused in particular', () => {
    expect(RefundCommandSchema.safeParse({ ...VALID.refund, reasonCode: 'FACEBOOK_INITIATED' }).success).toBe(false);
  });

  test.each([
    [{ retailerId: 'sku-a' }],
    [{ retailerId: 'sku-a', quantity: 1, amount: { amount: '1.00', currency: 'USD' } }],
  ])('a line with neither or both of quantity and amount is refused: %j', (line) => {
    expect(rejected('refund', { ...VALID.refund, items: [{ retailerId: 'ok', quantity: 1 }, line] })).toContain(
      'items[1]: each refund item needs either quantity or amount, not both',
    );
  });

  test.each([
    [
      { retailerId: 'sku-a', amount: { amount: '1.234', currency: 'USD' } },
      'items[0].amount.amount: amount must be a decimal string like "12.50"',
    ],
    [{ retailerId: 'sku-a', amount: { amount: '-1', currency: 'USD' } }, 'items[0].amount.amount: '],
    [{ retailerId: 'sku-a', amount: { amount: '1e3', currency: 'USD' } }, 'items[0].amount.amount: '],
    [{ retailerId: 'sku-a', amount: { amount: 5, currency: 'USD' } }, 'items[0].amount.amount: '],
    [
      { retailerId: 'sku-a', amount: { amount: '1.00', currency: 'usd' } },
      'items[0].amount.currency: currency must be an ISO 4217 code like "USD"',
    ],
    [{ retailerId: 'sku-a', amount: { amount: '1.00', currency: 'US' } }, 'items[0].amount.currency: '],
    [{ retailerId: 'sku-a', amount: { amount: '1.00' } }, 'items[0].amount.currency: '],
    [{ retailerId: 'sku-a', quantity: 0 }, 'items[0].quantity: quantity must be at least 1'],
    [{ retailerId: 'sku-a', quantity: 2.5 }, 'items[0].quantity: quantity must be a whole number'],
    [{ retailerId: '', quantity: 1 }, 'items[0].retailerId: retailerId must not be empty'],
    [{ retailerId: 'sku-a', quantity: 1, item_refund_quantity: 1 }, 'items[0]: '],
    [
      { retailerId: 'sku-a', amount: { amount: '1.00', currency: 'USD', amout: '1.00' } },
      'items[0].amount: Unrecognized key: "amout"',
    ],
  ])('line %j is refused with %j', (line, message) => {
    expect(rejected('refund', { ...VALID.refund, items: [line] })).toContain(message);
  });

  test('bad shipping refunds are refused by path', () => {
    expect(rejected('refund', { ...VALID.refund, shippingRefund: { amount: '-1', currency: 'USD' } })).toContain(
      'shippingRefund.amount: ',
    );
    expect(rejected('refund', { ...VALID.refund, shippingRefund: { amount: 'abc', currency: 'USD' } })).toContain(
      'shippingRefund.amount: ',
    );
    expect(rejected('refund', { ...VALID.refund, shippingRefund: { amount: '1.00', currency: 'dollars' } })).toContain(
      'shippingRefund.currency: ',
    );
    expect(rejected('refund', { ...VALID.refund, shippingRefund: '4.99' })).toContain('shippingRefund: ');
    expect(
      rejected('refund', { ...VALID.refund, shippingRefund: { amount: '1.00', currency: 'USD', offset: 100 } }),
    ).toMatch(/shippingRefund: .*offset/);
  });

  test('empty items and long text are refused', () => {
    expect(rejected('refund', { ...VALID.refund, items: [] })).toContain('items: items must not be empty');
    expect(rejected('refund', { ...VALID.refund, reasonText: 'x'.repeat(501) })).toContain('reasonText: ');
  });
});

describe('updateTracking', () => {
  test('shipmentRequestId follows the requestId rules', () => {
    expect(rejected('updateTracking', { ...VALID.updateTracking, shipmentRequestId: 'bad id' })).toContain(
      'shipmentRequestId: ',
    );
    expect(rejected('updateTracking', without('updateTracking', 'shipmentRequestId'))).toContain('shipmentRequestId: ');
  });

  test('carrier and tracking number are checked as for ship', () => {
    expect(rejected('updateTracking', { ...VALID.updateTracking, carrier: 'PONY_EXPRESS' })).toContain(
      'carrier: unknown carrier code "PONY_EXPRESS"',
    );
    expect(rejected('updateTracking', { ...VALID.updateTracking, trackingNumber: ' ' })).toContain(
      'trackingNumber: trackingNumber must not be empty',
    );
  });
});

describe('commandFingerprint', () => {
  test('is the same whatever the key order, at every depth', () => {
    const reordered = {
      shippingRefund: { currency: 'USD', amount: '4.99' },
      items: [
        { quantity: 1, retailerId: 'sku-a' },
        { amount: { currency: 'USD', amount: '2.50' }, retailerId: 'sku-b' },
      ],
      reasonText: 'arrived broken',
      reasonCode: 'DAMAGED_GOODS',
      requestId: 'REFUND-1',
    };
    expect(commandFingerprint('refund', reordered)).toBe(commandFingerprint('refund', VALID.refund));
  });

  test('is stable across calls and ignores undefined fields', () => {
    expect(commandFingerprint('ship', VALID.ship)).toBe(commandFingerprint('ship', structuredClone(VALID.ship)));
    expect(commandFingerprint('ship', { ...VALID.ship, shippingMethodName: undefined })).toBe(
      commandFingerprint('ship', without('ship', 'shippingMethodName')),
    );
  });

  test('the same content in another key order has the same fingerprint', () => {
    const { reasonCode, ...rest } = VALID.cancel;
    expect(commandFingerprint('cancel', accepted('cancel', { ...rest, reasonCode }))).toBe(
      commandFingerprint('cancel', accepted('cancel', VALID.cancel)),
    );
  });

  test.each([
    ['another quantity', { ...VALID.ship, items: [{ retailerId: 'sku-a', quantity: 3 }] }],
    ['another item', { ...VALID.ship, items: [{ retailerId: 'sku-b', quantity: 2 }] }],
    ['an extra line', { ...VALID.ship, items: [...VALID.ship.items, { retailerId: 'sku-b', quantity: 1 }] }],
    ['items omitted', without('ship', 'items')],
    ['another tracking number', { ...VALID.ship, trackingNumber: '1Z999AA10123456785' }],
    ['another carrier', { ...VALID.ship, carrier: 'USPS' }],
    ['a number as a string', { ...VALID.ship, items: [{ retailerId: 'sku-a', quantity: '2' }] }],
  ])('differs for %s', (_label, other) => {
    expect(commandFingerprint('ship', other)).not.toBe(commandFingerprint('ship', VALID.ship));
  });

  test('differs for the same content under another kind', () => {
    expect(commandFingerprint('retry', VALID.retry)).not.toBe(commandFingerprint('cancel', VALID.retry));
  });

  test('values cannot forge other keys (strings are quoted)', () => {
    const forged = { requestId: 'a","reasonCode":"X' };
    const split = { requestId: 'a', reasonCode: 'X' };
    expect(commandFingerprint('cancel', forged)).not.toBe(commandFingerprint('cancel', split));
  });

  test('amounts differing only in a refund line change the fingerprint', () => {
    const other = {
      ...VALID.refund,
      items: [VALID.refund.items[0], { retailerId: 'sku-b', amount: { amount: '2.51', currency: 'USD' } }],
    };
    expect(commandFingerprint('refund', other)).not.toBe(commandFingerprint('refund', VALID.refund));
  });
});

describe('oversized input: refused with a bounded message that never repeats the value', () => {
  const megabyte = 'X'.repeat(1_500_000);

  test.each<[CommandKind, Record<string, unknown>]>([
    ['ship', { ...VALID.ship, carrier: megabyte }],
    ['ship', { ...VALID.ship, trackingNumber: megabyte }],
    ['ship', { ...VALID.ship, [megabyte]: 1 }],
    ['cancel', { ...VALID.cancel, reasonDescription: megabyte }],
    ['refund', { ...VALID.refund, reasonText: megabyte }],
    ['refund', { ...VALID.refund, shippingRefund: { amount: '1'.repeat(100), currency: 'USD' } }],
    ['updateTracking', { ...VALID.updateTracking, requestId: megabyte }],
    ['ship', { ...VALID.ship, items: Array.from({ length: 2_000 }, () => ({ retailerId: 'sku-a', quantity: 0 })) }],
  ])('%s with a huge field', (kind, input) => {
    const why = rejected(kind, input);
    expect(why.length).toBeLessThanOrEqual(600);
    expect(why).not.toContain('X'.repeat(100));
  });

  test('an unknown carrier is quoted, cut short', () => {
    expect(rejected('ship', { ...VALID.ship, carrier: `NOPE${'Y'.repeat(45)}` })).toMatch(
      /carrier: .*unknown carrier code "NOPEY+… \(\d+ more characters\)/,
    );
  });
});
