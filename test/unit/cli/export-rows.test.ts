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
      ['64000000000001', '', 'instagram', 'FB_PROCESSING', 'CANCELLED', '', '', '', '', '', '', '', '', ''],
    ]);
  });
});
