import { describe, expect, it } from 'vitest';
import { parseBusinessUseCaseUsage, regainAccessMsFromHeaders, UsageTracker } from '../../../src/graph/usage.js';

const buc = (value: unknown) => ({ 'x-business-use-case-usage': JSON.stringify(value) });

describe('usage headers', () => {
  it('parses X-Business-Use-Case-Usage per business, regain time in ms', () => {
    const parsed = parseBusinessUseCaseUsage(
      buc({
        '2000': [
          { type: 'pages', call_count: 28, total_cputime: 25, total_time: 25, estimated_time_to_regain_access: 3 },
        ],
      }),
    );
    expect(parsed).toEqual({
      '2000': [
        { type: 'pages', callCount: 28, totalCpuTime: 25, totalTime: 25, estimatedTimeToRegainAccessMs: 180_000 },
      ],
    });
  });

  it.each([
    ['not JSON', '{"2000": [ {'],
    ['wrong shape', JSON.stringify({ '2000': { type: 'pages' } })],
    ['negative figures', JSON.stringify({ '2000': [{ type: 'pages', call_count: -1 }] })],
    ['a string', JSON.stringify('100')],
    ['empty', ''],
  ])('ignores a malformed header (%s)', (_label, value) => {
    expect(parseBusinessUseCaseUsage({ 'x-business-use-case-usage': value })).toBeUndefined();
    const tracker = new UsageTracker();
    expect(() => tracker.record({ 'x-business-use-case-usage': value, 'x-app-usage': value })).not.toThrow();
    expect(tracker.maxUsagePercent()).toBe(0);
  });

  it('keeps the last usage per business id and reports the maximum', () => {
    const tracker = new UsageTracker();
    tracker.record(buc({ a: [{ type: 'pages', call_count: 90, total_cputime: 10, total_time: 10 }] }));
    tracker.record(buc({ b: [{ type: 'pages', call_count: 5, total_cputime: 40, total_time: 10 }] }));
    expect(tracker.maxUsagePercent()).toBe(90);
    expect(tracker.maxUsagePercent('b')).toBe(40);
    tracker.record(buc({ a: [{ type: 'pages', call_count: 12, total_cputime: 1, total_time: 1 }] }));
    expect(tracker.maxUsagePercent()).toBe(40);
    expect(Object.keys(tracker.snapshot().businesses).sort()).toEqual(['a', 'b']);
    tracker.record({ 'x-app-usage': JSON.stringify({ call_count: 77, total_cputime: 3, total_time: 4 }) });
    expect(tracker.snapshot().app?.usage.callCount).toBe(77);
    expect(tracker.maxUsagePercent('b')).toBe(77);
  });

  it('takes the longest regain time of a response, 0 included', () => {
    expect(regainAccessMsFromHeaders(buc({ a: [{ type: 'pages', estimated_time_to_regain_access: 0 }] }))).toBe(0);
    expect(
      regainAccessMsFromHeaders(
        buc({
          a: [
            { type: 'pages', estimated_time_to_regain_access: 1 },
            { type: 'x', estimated_time_to_regain_access: 2 },
          ],
        }),
      ),
    ).toBe(120_000);
    expect(regainAccessMsFromHeaders({})).toBeUndefined();
  });
});
