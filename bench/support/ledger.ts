/** Reading the sandbox's ledger: how often each order got an effect of one kind (exactly-once checks). */
import type { LedgerSnapshot } from '../../sandbox/index.js';

export function countEffects(ledger: LedgerSnapshot, ids: ReadonlySet<string>, kind: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const effect of ledger.effects) {
    if (effect.kind === kind && effect.orderId && ids.has(effect.orderId))
      counts.set(effect.orderId, (counts.get(effect.orderId) ?? 0) + 1);
  }
  return counts;
}
