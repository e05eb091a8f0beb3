import { describe, expect, test } from 'vitest';
import { EXPORT_HEADER, exportHeader, exportRows } from '../../../src/cli/export-rows.js';
import { fixtureState, parseCsv } from './fixtures.js';

describe('export rows', () => {
  test('one row per ledger item, in header order, Unicode and quotes kept', () => {
    const text = exportHeader() + exportRows(fixtureState()).join('');
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...EXPORT_HEADER]);
    expect(rows).toEqual([
      [
        '64000000000001',
        'OMS-1042',
        'instagram',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'SKU-TEE-M',
        'Tee "Ocean", size M',
        '2',
        '1',
        '0',
        '0',
        '0.00',
        '20.00',
        'EUR',
        '',
        'UPS',
        '1Z0001',
        '0.00',
        '',
      ],
      [
        '64000000000001',
        'OMS-1042',
        'instagram',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'SKU-MUG',
        'Tasse Zoë ☕',
        '1',
        '1',
        '0',
        '1',
        '12.50',
        '12.50',
        'EUR',
        '',
        'UPS',
        '1Z0001',
        '',
        '',
      ],
    ]);
  });

  test('an order without a ledger still gets one row, with empty line columns', () => {
    const rows = exportRows(
      fixtureState({
        ledger: undefined,
        phase: 'CANCELLED',
        metaState: 'FB_PROCESSING',
        merchantOrderReference: undefined,
      }),
    );
    expect(rows).toHaveLength(1);
    expect(parseCsv(rows[0]!)).toEqual([
      ['64000000000001', '', 'instagram', 'FB_PROCESSING', 'CANCELLED', ...Array<string>(14).fill('')],
    ]);
  });

  test("each line's returns with Meta's id, status and units", () => {
    const rows = exportRows(
      fixtureState({
        returns: [
          { id: 'r1', status: 'REFUNDED', lines: [{ itemId: 'i1', retailerId: 'SKU-TEE-M', quantity: 1 }] },
          {
            id: 'r2',
            status: 'REQUESTED',
            lines: [
              { itemId: 'i1', retailerId: 'SKU-TEE-M', quantity: 1 },
              { itemId: 'i2', retailerId: 'SKU-MUG', quantity: 1 },
            ],
          },
        ],
      }),
    ).map((row) => parseCsv(row)[0]!);
    const column = EXPORT_HEADER.indexOf('Returns');
    expect(rows.map((row) => row[column])).toEqual(['r1 REFUNDED x1; r2 REQUESTED x1', 'r2 REQUESTED x1']);
  });

  test("ship-by date on every row, each line's carriers and tracking numbers, shipping refunded once per order", () => {
    const base = fixtureState();
    const state = fixtureState({
      shipByDate: '2025-03-08',
      ledger: { ...base.ledger!, shippingRefunded: '4.99' },
      shipments: {
        ...base.shipments,
        'ship-2': {
          carrier: 'DHL',
          trackingNumber: 'JD0002',
          lines: [{ itemId: 'i1', retailerId: 'SKU-TEE-M', quantity: 1 }],
        },
      },
    });
    const rows = exportRows(state).map((row) => parseCsv(row)[0]!);
    const column = (name: (typeof EXPORT_HEADER)[number]) => rows.map((row) => row[EXPORT_HEADER.indexOf(name)]);
    expect(column('Ship By')).toEqual(['2025-03-08', '2025-03-08']);
    expect(column('Carrier')).toEqual(['UPS; DHL', 'UPS']);
    expect(column('Tracking Number')).toEqual(['1Z0001; JD0002', '1Z0001']);
    expect(column('Shipping Refunded')).toEqual(['4.99', '']);
  });
});
