import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import {
  codecServerOrigins,
  ConfigError,
  loadConfig,
  secretValues,
  temporalConnectConfig,
} from '../../../src/config.js';

describe('loadConfig', () => {
  test('defaults describe the embedded local run', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(config.META_GRAPH_URL).toBe('http://127.0.0.1:8787');
    expect(config.ACK_MODE).toBe('bulk');
    expect(config.POLL_INTERVAL_MINUTES).toBe(5);
    expect(config.POLL_LOOKBACK_DAYS).toBe(30);
    expect(config.RETURN_WINDOW_DAYS).toBe(30);
  });

  test('a wrong setting gives one line naming the variable', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'not-a-host:abc' })).toThrow(
      /^Invalid setting TEMPORAL_ADDRESS="not-a-host:abc": expected host:port/,
    );
    expect(() => loadConfig({ POLL_INTERVAL_MINUTES: '30' })).toThrow(/POLL_INTERVAL_MINUTES="30"/);
    expect(() => loadConfig({ POLL_LOOKBACK_DAYS: '0' })).toThrow(/POLL_LOOKBACK_DAYS="0"/);
    expect(loadConfig({ POLL_LOOKBACK_DAYS: '90' }).POLL_LOOKBACK_DAYS).toBe(90);
    expect(() => loadConfig({ ACK_MODE: 'sometimes' })).toThrow(ConfigError);
  });

  test('secret values are never echoed in the error', () => {
    let message = '';
    try {
      loadConfig({ OMS_WEBHOOK_SECRET: 'short-s3cret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('OMS_WEBHOOK_SECRET=(hidden)');
    expect(message).not.toContain('short-s3cret');
  });

  test('Meta and the OMS webhook need https, except on this machine or when plain http is allowed', () => {
    expect(loadConfig({ META_GRAPH_URL: 'https://graph.facebook.com' }).ALLOW_PLAIN_HTTP).toBe(false);
    expect(loadConfig({ META_GRAPH_URL: 'http://localhost:8787' }).META_GRAPH_URL).toBe('http://localhost:8787');
    expect(() => loadConfig({ META_GRAPH_URL: 'http://graph.facebook.com' })).toThrow(
      /^Invalid setting META_GRAPH_URL="http:\/\/graph.facebook.com": plain http is allowed to this machine only .*ALLOW_PLAIN_HTTP=true/,
    );
    expect(() => loadConfig({ OMS_WEBHOOK_URL: 'http://oms.internal/events' })).toThrow(
      /^Invalid setting OMS_WEBHOOK_URL=.*plain http/,
    );
    const lab = loadConfig({
      ALLOW_PLAIN_HTTP: 'true',
      META_GRAPH_URL: 'http://sandbox:8787',
      OMS_WEBHOOK_URL: 'http://oms.internal/events',
    });
    expect(lab).toMatchObject({ ALLOW_PLAIN_HTTP: true, META_GRAPH_URL: 'http://sandbox:8787' });
    expect(() => loadConfig({ ALLOW_PLAIN_HTTP: 'perhaps' })).toThrow(
      /^Invalid setting ALLOW_PLAIN_HTTP="perhaps": expected true or false/,
    );
  });

  test('metrics listen on loopback unless METRICS_HOST names another address', () => {
    expect(loadConfig({}).METRICS_HOST).toBe('127.0.0.1');
    expect(loadConfig({ METRICS_HOST: '0.0.0.0' }).METRICS_HOST).toBe('0.0.0.0');
    expect(loadConfig({ METRICS_HOST: '::' }).METRICS_HOST).toBe('::');
    expect(() => loadConfig({ METRICS_HOST: 'metrics.local' })).toThrow(
      'Invalid setting METRICS_HOST="metrics.local": expected an IP address, e.g. 127.0.0.1 or 0.0.0.0',
    );
  });

  test('payload encryption keys are checked, and never echoed', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `k1:${key}` }).PAYLOAD_ENCRYPTION_KEYS).toBe(`k1:${key}`);
    const short = Buffer.alloc(31, 9).toString('base64');
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: `k1:${short}` })).toThrow(
      'Invalid setting PAYLOAD_ENCRYPTION_KEYS=(hidden): key k1: expected the base64 of 32 random bytes (openssl rand -base64 32)',
    );
    // Each key of the list is redacted on its own too (one could surface without the others).
    expect(secretValues('PAYLOAD_ENCRYPTION_KEYS', `k2:${key}, k1:${short}`)).toEqual([
      `k2:${key}, k1:${short}`,
      key,
      short,
    ]);
    expect(secretValues('META_ACCESS_TOKEN', 'EAAtoken')).toEqual(['EAAtoken']);
    expect(secretValues('META_APP_SECRET', undefined)).toEqual([]);
  });

  test('the codec server serves the local Web UI unless told which origins; its token is a secret', () => {
    expect(codecServerOrigins(loadConfig({}))).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
    expect(codecServerOrigins(loadConfig({ TEMPORAL_UI_PORT: '9000' }))).toContain('http://localhost:9000');
    expect(
      codecServerOrigins(loadConfig({ CODEC_SERVER_CORS_ORIGINS: 'https://ui.example.com, http://localhost:8080' })),
    ).toEqual(['https://ui.example.com', 'http://localhost:8080']);
    expect(() => loadConfig({ CODEC_SERVER_CORS_ORIGINS: 'ui.example.com' })).toThrow(
      /^Invalid setting CODEC_SERVER_CORS_ORIGINS=/,
    );
    expect(() => loadConfig({ CODEC_SERVER_AUTH_TOKEN: 'short' })).toThrow(
      'Invalid setting CODEC_SERVER_AUTH_TOKEN=(hidden)',
    );
    expect(loadConfig({})).toMatchObject({ CODEC_SERVER_HOST: '127.0.0.1', CODEC_SERVER_PORT: 8888 });
  });

  test('the webhook key id must fit the signature header', () => {
    expect(loadConfig({}).OMS_WEBHOOK_KEY_ID).toBe('1');
    expect(loadConfig({ OMS_WEBHOOK_KEY_ID: '2025-01' }).OMS_WEBHOOK_KEY_ID).toBe('2025-01');
    expect(() => loadConfig({ OMS_WEBHOOK_KEY_ID: 'k1,v1=00' })).toThrow(/^Invalid setting OMS_WEBHOOK_KEY_ID=/);
  });

  test('the http OMS adapter requires its URL and secret', () => {
    expect(() => loadConfig({ OMS_ADAPTER: 'http' })).toThrow(/OMS_WEBHOOK_URL and OMS_WEBHOOK_SECRET/);
  });
});

describe('temporalConnectConfig', () => {
  test('reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE through envconfig', () => {
    const { connectionOptions, namespace } = temporalConnectConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'shops',
      TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
    });
    expect(connectionOptions.address).toBe('temporal.internal:7233');
    expect(namespace).toBe('shops');
  });

  test('rejects a malformed address with a one-line error', () => {
    expect(() => temporalConnectConfig({ TEMPORAL_ADDRESS: 'not-a-host:abc' })).toThrow(
      'Invalid setting TEMPORAL_ADDRESS="not-a-host:abc": expected host:port, e.g. localhost:7233',
    );
  });
});

test('the worker refuses to start on a wrong setting and prints exactly one line', () => {
  let stderr = '';
  let status = 0;
  try {
    execFileSync(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      env: { ...process.env, TEMPORAL_ADDRESS: 'not-a-host:abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Loading the worker through tsx took 7 s (1.5 s of CPU) beside one Temporal test file: room for
      // a busier machine, below the unit tests' 60 s limit.
      timeout: 50_000,
    });
  } catch (err) {
    const failure = err as { status: number; stderr: Buffer };
    status = failure.status;
    stderr = failure.stderr.toString();
  }
  expect(status).toBe(78);
  expect(stderr.trim().split('\n')).toEqual([
    'Invalid setting TEMPORAL_ADDRESS="not-a-host:abc": expected host:port, e.g. localhost:7233',
  ]);
});
