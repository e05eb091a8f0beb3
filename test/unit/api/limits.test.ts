import { describe, expect, test } from 'vitest';
import { TEXT_LIMITS, quote, truncate } from '../../../src/api/limits.js';
import { describeIssues } from '../../../src/api/message-fields.js';
import { OrderUpdatedNoticeSchema } from '../../../src/api/order-messages.js';
import { z } from 'zod';

describe('truncate and quote: no message repeats a long value', () => {
  test('short text is kept; long text is cut with a count of what was left out', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdefgh', 5)).toBe('abcde… (3 more characters)');
  });

  test('quote cuts a megabyte to the quote limit, whatever the value', () => {
    const megabyte = 'x'.repeat(1_800_000);
    for (const value of [megabyte, { carrier: megabyte }, [megabyte], 42, null, undefined]) {
      expect(quote(value).length).toBeLessThanOrEqual(TEXT_LIMITS.quote + 30);
    }
    expect(quote('UPS')).toBe('"UPS"');
  });
});

describe('describeIssues: zod issues in one bounded line', () => {
  test('a megabyte key named in "Unrecognized key" is cut; only the first issues are listed', () => {
    const schema = z.strictObject({ a: z.number(), b: z.number(), c: z.number(), d: z.number() });
    const parsed = schema.safeParse({ ['k'.repeat(1_000_000)]: 1, a: 'x', b: 'x', c: 'x', d: 'x' });
    expect(parsed.success).toBe(false);
    const text = describeIssues(parsed.error!, 3);
    expect(text.length).toBeLessThanOrEqual(TEXT_LIMITS.refusal + 40);
    expect(text).toMatch(/; and 2 more$/);
  });

  test('an orderUpdated notice with a malformed state names the field', () => {
    const parsed = OrderUpdatedNoticeSchema.safeParse({ state: 'SHIPPED', lastUpdated: 'now' });
    expect(parsed.success).toBe(false);
    expect(describeIssues(parsed.error!)).toMatch(/^state: .*; lastUpdated: must be an ISO 8601 timestamp$/);
  });
});
