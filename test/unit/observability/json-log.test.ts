/**
 * Log lines: one JSON object each, the order id on every order workflow / activity entry, and no
 * secret in any form (known value, URL parameter, header, field name, error text or stack).
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '@temporalio/worker';
import { createJsonLogger, formatLogEntry, withFields } from '../../../src/observability/json-log.js';
import { LogRedactor, REDACTED } from '../../../src/observability/log-redaction.js';
import { orderIdFromWorkflowId } from '../../../src/observability/order-id.js';
import { ackBatcherWorkflowId, orderPollerWorkflowId, orderWorkflowId } from '../../../src/api/ids.js';

const TOKEN = 'EAAGm0PX4ZCpsBAKnownToken123';
const APP_SECRET = 'app-secret-value-456';
const redactor = new LogRedactor([TOKEN, APP_SECRET]);

const entry = (message: string, meta?: Record<string, unknown>, level: LogEntry['level'] = 'INFO'): LogEntry => ({
  level,
  message,
  meta,
  timestampNanos: 1_700_000_000_123_456_789n,
});

const parse = (line: string) => JSON.parse(line) as Record<string, unknown>;

describe('orderIdFromWorkflowId', () => {
  it("reads the order id of an order workflow id, built with the workflow code's own function", () => {
    expect(orderIdFromWorkflowId(orderWorkflowId('310000000000123'))).toBe('310000000000123');
  });

  it('ignores the poller, the ack batcher, other workflows and non-strings', () => {
    expect(orderIdFromWorkflowId(orderPollerWorkflowId('1000000000000001'))).toBeUndefined();
    expect(orderIdFromWorkflowId(ackBatcherWorkflowId('1000000000000001'))).toBeUndefined();
    expect(orderIdFromWorkflowId('fb-order-')).toBeUndefined();
    expect(orderIdFromWorkflowId('other-123')).toBeUndefined();
    expect(orderIdFromWorkflowId(undefined)).toBeUndefined();
    expect(orderIdFromWorkflowId(42)).toBeUndefined();
  });
});

describe('formatLogEntry', () => {
  it('writes ts, level, msg first, then the metadata', () => {
    const line = formatLogEntry(entry('Activity started', { activityType: 'shipItems', attempt: 2 }), redactor);
    expect(line.startsWith('{"ts":"2023-11-14T22:13:20.123Z","level":"info","msg":"Activity started"')).toBe(true);
    expect(parse(line)).toMatchObject({ activityType: 'shipItems', attempt: 2 });
  });

  it('adds orderId to workflow and activity entries of an order workflow', () => {
    const workflowLine = parse(
      formatLogEntry(
        entry('waiting for release', { sdkComponent: 'workflow', workflowId: 'fb-order-310000000000777', runId: 'r1' }),
        redactor,
      ),
    );
    const activityLine = parse(
      formatLogEntry(
        entry('Activity failed', {
          sdkComponent: 'activity',
          workflowId: 'fb-order-310000000000777',
          activityType: 'acknowledgeOrder',
        }),
        redactor,
      ),
    );
    expect(workflowLine.orderId).toBe('310000000000777');
    expect(activityLine.orderId).toBe('310000000000777');
  });

  it('has no orderId for entries outside an order workflow, and keeps an explicit one', () => {
    expect(
      parse(formatLogEntry(entry('poll', { workflowId: 'fb-order-poller-1000000000000001' }), redactor)),
    ).not.toHaveProperty('orderId');
    expect(parse(formatLogEntry(entry('worker running'), redactor))).not.toHaveProperty('orderId');
    expect(parse(formatLogEntry(entry('ops', { orderId: '99' }), redactor)).orderId).toBe('99');
  });

  it('removes a known secret wherever it appears: message, nested values, error message and stack', () => {
    const err = new Error(`request failed: https://graph.facebook.com/v22.0/1?access_token=${TOKEN}`);
    err.stack = `Error: token ${TOKEN} rejected\n    at call (transport.ts:1:1)`;
    const line = formatLogEntry(
      entry(`calling with ${TOKEN}`, {
        details: { nested: [`secret=${APP_SECRET}`] },
        error: err,
        base64: Buffer.from(TOKEN).toString('base64'),
      }),
      redactor,
    );
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain(APP_SECRET);
    expect(line).not.toContain(Buffer.from(TOKEN).toString('base64'));
    const parsed = parse(line) as { msg: string; error: { name: string; message: string; stack: string } };
    expect(parsed.msg).toBe(`calling with ${REDACTED}`);
    expect(parsed.error.name).toBe('Error');
    expect(parsed.error.message).toContain('access_token=[REDACTED]');
    expect(parsed.error.stack).toContain('at call (transport.ts:1:1)');
  });

  it('removes credential-shaped text even when the secret is not known to the logger', () => {
    const unknownToken = 'EAAunknownTokenNotConfigured999';
    const line = formatLogEntry(
      entry('http', {
        url: `/v22.0/1/shipments?appsecret_proof=abcdef0123456789&access_token=${unknownToken}`,
        header: `Authorization: Bearer ${unknownToken}`,
        body: `{"access_token":"${unknownToken}"}`,
      }),
      redactor,
    );
    expect(line).not.toContain(unknownToken);
    expect(line).not.toContain('abcdef0123456789');
  });

  it('drops the value of secret-named fields whatever the value looks like', () => {
    const line = parse(
      formatLogEntry(
        entry('activity', {
          taskToken: 'CiQ3ZjQ4MzE0Yy0',
          headers: { Authorization: 'Basic dXNlcjpwYXNz', 'content-type': 'application/json' },
          appsecret_proof: 'deadbeef',
          accessToken: 'short-but-secret',
          apiKey: 'k-123456',
          idempotencyKey: '5b3c3f42-0f6e-5d3a-9f43-7a0e1c0e2f11',
        }),
        redactor,
      ),
    );
    expect(line).toMatchObject({
      taskToken: REDACTED,
      headers: { Authorization: REDACTED, 'content-type': 'application/json' },
      appsecret_proof: REDACTED,
      accessToken: REDACTED,
      apiKey: REDACTED,
      // Not a secret: it is what support needs to match a request with Meta's side.
      idempotencyKey: '5b3c3f42-0f6e-5d3a-9f43-7a0e1c0e2f11',
    });
  });

  it('always produces valid JSON: cycles, bigints, dates, symbols-keyed and reserved keys', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const line = parse(
      formatLogEntry(entry('odd', { cyclic, big: 12n, at: new Date(0), msg: 'shadow', level: 'x' }), redactor),
    );
    expect(line).toMatchObject({
      msg: 'odd',
      level: 'info',
      meta_msg: 'shadow',
      meta_level: 'x',
      big: '12',
      at: '1970-01-01T00:00:00.000Z',
      cyclic: { name: 'a', self: '[Circular]' },
    });
  });
});

describe('createJsonLogger', () => {
  it('filters below the configured level and writes one line per entry', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', redactor, write: (l) => lines.push(l) });
    logger.info('not written');
    logger.debug('not written');
    logger.warn('written', { workflowId: 'fb-order-5' });
    logger.error(`boom ${TOKEN}`);
    expect(lines).toHaveLength(2);
    expect(parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'written', orderId: '5' });
    expect(parse(lines[1]!)).toMatchObject({ level: 'error', msg: `boom ${REDACTED}` });
  });

  it('withFields adds context to every entry', () => {
    const lines: string[] = [];
    const logger = withFields(createJsonLogger({ level: 'debug', redactor, write: (l) => lines.push(l) }), {
      component: 'gauge',
    });
    logger.debug('tick', { n: 1 });
    expect(parse(lines[0]!)).toMatchObject({ level: 'debug', msg: 'tick', component: 'gauge', n: 1 });
  });
});
