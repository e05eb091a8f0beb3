import { describe, expect, test } from 'vitest';
import { SignalledOrders } from '../../../src/activities/poll-activities.js';

describe('SignalledOrders (the poller skips orders it already delivered unchanged)', () => {
  test('an order is skipped only with the same last_updated', () => {
    const memory = new SignalledOrders(10);
    memory.remember('cms:1', '2026-11-23T10:00:00.000Z');
    expect(memory.alreadySignalled('cms:1', '2026-11-23T10:00:00.000Z')).toBe(true);
    expect(memory.alreadySignalled('cms:1', '2026-11-23T10:00:01.000Z')).toBe(false);
    expect(memory.alreadySignalled('cms:2', '2026-11-23T10:00:00.000Z')).toBe(false);
  });

  test('bounded: the least recently remembered order is forgotten first', () => {
    const memory = new SignalledOrders(2);
    memory.remember('a', 't1');
    memory.remember('b', 't1');
    memory.remember('a', 't2'); // refreshed: now the newest
    memory.remember('c', 't1'); // evicts b
    expect(memory.alreadySignalled('a', 't2')).toBe(true);
    expect(memory.alreadySignalled('b', 't1')).toBe(false);
    expect(memory.alreadySignalled('c', 't1')).toBe(true);
  });
});
