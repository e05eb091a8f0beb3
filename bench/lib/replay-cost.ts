/**
 * What a cache miss costs: an order workflow evicted from the sticky cache is replayed from its
 * history before its next task runs. Replays the committed order histories (test/histories) with
 * the product's bundle, a few rounds, and reports the time per history against its length.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

// The package is CommonJS: a default import under plain Node's ESM loader.
const { temporal } = proto;
import { percentile } from './processes.js';

const HISTORIES = fileURLToPath(new URL('../../test/histories/', import.meta.url));
const ROUNDS = 5;

export async function measureReplay(bundlePath: string) {
  const files = readdirSync(HISTORIES)
    .filter((f) => /^(order|books|returns|scale)-.*\.json$/.test(f))
    .sort();
  const histories = files.map((file) => ({
    file,
    history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(HISTORIES + file, 'utf8')) as object),
  }));
  const perHistory = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // One history per replay worker would time the worker's start; a stream times each history alone.
    let last = Date.now();
    const stream = histories.map((h, i) => ({ workflowId: `replay-${round}-${i}-${h.file}`, history: h.history }));
    let first = true;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath } }, stream)) {
      const now = Date.now();
      if (result.error) throw new Error(`${result.workflowId} does not replay: ${String(result.error)}`);
      // The first result of a stream also carries the replay worker's start: left out.
      if (!first) {
        const file = result.workflowId.split('-').slice(3).join('-');
        perHistory.set(file, [...(perHistory.get(file) ?? []), now - last]);
      }
      first = false;
      last = now;
    }
  }
  const rows = histories
    .filter((h) => perHistory.has(h.file))
    .map((h) => {
      const times = perHistory.get(h.file)!.sort((a, b) => a - b);
      return { file: h.file, events: h.history.events?.length ?? 0, medianMs: percentile(times, 50) };
    });
  const msPerEvent = rows.map((r) => r.medianMs / r.events).sort((a, b) => a - b);
  const typical = rows
    .filter((r) => /^(order|scale)-/.test(r.file))
    .map((r) => r.medianMs)
    .sort((a, b) => a - b);
  return {
    histories: rows.length,
    rounds: ROUNDS,
    typicalOrderHistoryMs: { median: percentile(typical, 50), max: typical.at(-1) },
    medianMsPerEvent: Number(percentile(msPerEvent, 50).toFixed(3)),
    longest: rows.reduce((a, b) => (b.events > a.events ? b : a)),
    rows,
  };
}
