import { describe, expect, test } from 'vitest';
import type { SignalledMemory } from '../../../src/api/poller-messages.js';
import { mergeSignalled, SignalledOrders } from '../../../src/intake/signalled-memory.js';

describe('SignalledOrders (the poller skips orders it already delivered unchanged)', () => {
  test('an order is skipped only with the same last_updated', () => {
    const memory = new SignalledOrders({});
    memory.remember('1', 1_000, 'FB_PROCESSING');
    expect(memory.alreadySignalled('1', 1_000)).toBe(true);
    expect(memory.alreadySignalled('1', 1_001)).toBe(false);
    expect(memory.alreadySignalled('2', 1_000)).toBe(false);
  });

  test('remembers the stage last delivered (the bulk hand-over needs "was FB_PROCESSING")', () => {
    const memory = new SignalledOrders({});
    expect(memory.lastStage('1')).toBeUndefined();
    memory.remember('1', 1_000, 'FB_PROCESSING');
    expect(memory.lastStage('1')).toBe('P');
    memory.remember('1', 1_005, 'CREATED');
    expect(memory.lastStage('1')).toBe('C');
    memory.remember('1', 1_009, 'IN_PROGRESS');
    expect(memory.lastStage('1')).toBe('L');
  });

  test("starts from the poller's memory and an earlier attempt's deliveries; returns only its own changes", () => {
    const memory = new SignalledOrders({ '1': [1_000, 'P'], '2': [1_000, 'C'] }, { '2': [1_004, 'L'] });
    expect(memory.alreadySignalled('1', 1_000)).toBe(true);
    expect(memory.lastStage('2')).toBe('L'); // the retried attempt's delivery wins over the older memory
    memory.remember('3', 1_006, 'CREATED');
    expect(memory.changes()).toEqual({ '2': [1_004, 'L'], '3': [1_006, 'C'] });
  });
});

describe('mergeSignalled (the memory the poller carries, pruned)', () => {
  const at = { windowStart: 1_000, now: 2_000 };

  test("merges a poll's deliveries over the memory", () => {
    expect(mergeSignalled({ '1': [1_100, 'P'] }, { '1': [1_200, 'C'], '2': [1_150, 'L'] }, at)).toEqual({
      '1': [1_200, 'C'],
      '2': [1_150, 'L'],
    });
  });

  test('forgets an order once the poll window moved past it, unless it waits for its release or acknowledgement', () => {
    const merged = mergeSignalled(
      { done: [999, 'L'], inWindow: [1_000, 'L'], releasing: [10, 'P'], acking: [20, 'C'] },
      {},
      at,
      {
        maxOrders: 100,
        waitingKeptSeconds: 1_985,
      },
    );
    // A later poll lists `done` only when it changed, with a later last_updated: nothing to skip.
    expect(merged).toEqual({ inWindow: [1_000, 'L'], acking: [20, 'C'] });
  });

  test('bounded: the newest stay', () => {
    const memory: SignalledMemory = { a: [1_001, 'L'], b: [1_003, 'P'], c: [1_002, 'L'], d: [1_003, 'L'] };
    expect(Object.keys(mergeSignalled(memory, {}, at, { maxOrders: 2, waitingKeptSeconds: 10_000 })).sort()).toEqual([
      'b',
      'd',
    ]);
  });
});
