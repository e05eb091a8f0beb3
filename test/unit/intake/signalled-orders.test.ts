import { describe, expect, test } from 'vitest';
import { SignalledOrders } from '../../../src/intake/poll-activities.js';

describe('SignalledOrders (the poller skips orders it already delivered unchanged)', () => {
  test('an order is skipped only with the same last_updated', () => {
    const memory = new SignalledOrders(10);
    memory.remember('cms:1', '2026-11-23T10:00:00.000Z', 'FB_PROCESSING');
    expect(memory.alreadySignalled('cms:1', '2026-11-23T10:00:00.000Z')).toBe(true);
    expect(memory.alreadySignalled('cms:1', '2026-11-23T10:00:01.000Z')).toBe(false);
    expect(memory.alreadySignalled('cms:2', '2026-11-23T10:00:00.000Z')).toBe(false);
  });

  test('remembers the state last delivered (the bulk hand-over needs "was FB_PROCESSING")', () => {
    const memory = new SignalledOrders(10);
    expect(memory.lastDelivery('cms:1')).toBeUndefined();
    memory.remember('cms:1', 't1', 'FB_PROCESSING');
    expect(memory.lastDelivery('cms:1')).toEqual({ lastUpdated: 't1', state: 'FB_PROCESSING' });
    memory.remember('cms:1', 't2', 'CREATED');
    expect(memory.lastDelivery('cms:1')).toEqual({ lastUpdated: 't2', state: 'CREATED' });
  });

  test('bounded: the least recently remembered order is forgotten first', () => {
    const memory = new SignalledOrders(2);
    memory.remember('a', 't1', 'FB_PROCESSING');
    memory.remember('b', 't1', 'FB_PROCESSING');
    memory.remember('a', 't2', 'CREATED'); // refreshed: now the newest
    memory.remember('c', 't1', 'FB_PROCESSING'); // evicts b
    expect(memory.alreadySignalled('a', 't2')).toBe(true);
    expect(memory.alreadySignalled('b', 't1')).toBe(false);
    expect(memory.lastDelivery('b')).toBeUndefined();
    expect(memory.alreadySignalled('c', 't1')).toBe(true);
  });
});
