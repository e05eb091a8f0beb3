/** A realistic order state (as the `state` query returns it) and an in-process I/O for runCli. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../../src/cli/io.js';
import type { OrderWorkflowState } from '../../../src/api/order-state.js';

export function fixtureState(overrides: Partial<OrderWorkflowState> = {}): OrderWorkflowState {
  return {
    orderId: '64000000000001',
    cmsId: '1000000000000001',
    phase: 'IN_PROGRESS',
    metaState: 'IN_PROGRESS',
    channel: 'instagram',
    merchantOrderReference: 'OMS-1042',
    createdAt: '2025-03-01T10:00:00.000Z',
    metaLastUpdated: '2025-03-01T12:00:00.000Z',
    acknowledgedAt: '2025-03-01T10:31:00.000Z',
    reservation: { status: 'consumed', shortages: [] },
    processingOverdue: false,
    ledger: {
      currency: 'EUR',
      shippingRefunded: '0.00',
      items: [
        {
          itemId: 'i1',
          retailerId: 'SKU-TEE-M',
          productName: 'Tee "Ocean", size M',
          ordered: 2,
          shipped: 1,
          cancelled: 0,
          refundedQuantity: 0,
          refundedAmount: '0.00',
          pricePerUnit: { amount: '20.00', currency: 'EUR' },
        },
        {
          itemId: 'i2',
          retailerId: 'SKU-MUG',
          productName: 'Tasse Zoë ☕',
          ordered: 1,
          shipped: 1,
          cancelled: 0,
          refundedQuantity: 1,
          refundedAmount: '12.50',
          pricePerUnit: { amount: '12.50', currency: 'EUR' },
        },
      ],
    },
    shippingPaid: { amount: '4.99', currency: 'EUR' },
    commands: {
      'ship-1': {
        kind: 'ship',
        requestId: 'ship-1',
        fingerprint: 'f1',
        appliedAt: '2025-03-01T11:00:00.000Z',
        summary: 'shipped 1 × SKU-TEE-M, 1 × SKU-MUG (UPS 1Z0001)',
        metaState: 'IN_PROGRESS',
      },
      'refund-1': {
        kind: 'refund',
        requestId: 'refund-1',
        fingerprint: 'f2',
        appliedAt: '2025-03-01T11:30:00.000Z',
        summary: 'refunded 12.50 EUR',
        metaState: 'IN_PROGRESS',
      },
    },
    rejectedSignals: [
      {
        kind: 'cancel',
        requestId: 'c-9',
        reason: 'cannot cancel 1 of SKU-MUG: only 0 unshipped and not cancelled',
        at: '2025-03-01T11:40:00.000Z',
      },
    ],
    externalChanges: [],
    shipments: {
      'ship-1': {
        carrier: 'UPS',
        trackingNumber: '1Z0001',
        lines: [
          { itemId: 'i1', retailerId: 'SKU-TEE-M', quantity: 1 },
          { itemId: 'i2', retailerId: 'SKU-MUG', quantity: 1 },
        ],
      },
    },
    continuedAsNew: 0,
    ...overrides,
  };
}

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

export function captureIo(options: { env?: NodeJS.ProcessEnv; stdinIsTTY?: boolean } = {}): CapturedIo {
  let out = '';
  let err = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinIsTTY ?? false });
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    stdin,
    env: options.env ?? {},
    out: () => out,
    err: () => err,
  };
}

/**
 * A minimal RFC 4180 reader, independent of the writer under test: quoted fields may hold commas,
 * doubled quotes and line breaks; rows end in CRLF or LF.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
