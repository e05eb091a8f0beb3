import type { Transaction } from '@electric-sql/pglite';
import { canonicalHash } from '../canonical-json.js';

export interface EventInput {
  metaOrderId: string | undefined;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  detail: string;
  data?: unknown;
}

/**
 * Appends an event unless one with the same dedupe key exists. The key defaults to a hash of the
 * event itself, so recording the same finding twice (a retried activity) leaves one row.
 */
export async function recordEvent(
  tx: Transaction,
  event: EventInput,
  dedupeKey: string = canonicalHash(event),
): Promise<void> {
  await tx.query(
    `INSERT INTO events (dedupe_key, meta_order_id, kind, severity, detail, data)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [
      dedupeKey,
      event.metaOrderId ?? null,
      event.kind,
      event.severity,
      event.detail,
      event.data === undefined ? null : JSON.stringify(event.data),
    ],
  );
}
