/**
 * Every setting, read once from the environment and validated with one zod schema.
 * A wrong value stops the process with a one-line error naming the variable.
 * Temporal connection settings come from the standard TEMPORAL_* variables (and the
 * Temporal CLI's config file) through @temporalio/envconfig, so the CLI and this project agree.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { ACK_MODES } from './api/ack-modes.js';
import { parseEncryptionKeys } from './codec/encryption-keys.js';
import { KEY_ID_PATTERN } from './util/keyring.js';
import { plainHttpProblem } from './util/plain-http.js';

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port, e.g. localhost:7233');

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const ipAddress = z.union([z.ipv4(), z.ipv6()], 'expected an IP address, e.g. 127.0.0.1 or 0.0.0.0');

/** A yes/no setting: `true`/`false` (or 1/0, yes/no). */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], 'expected true or false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * The worker's memory defaults, sized with bench/scale.ts (docs/architecture.md, "Measured"): a
 * cached order workflow holds about 1.2 MB live in its workflow thread's heap (its own instance of
 * every workflow module). V8 grows a heap lazily up to its limit, so the heap limit, more than the
 * cache, sets the worker's resident memory: 40 cached orders (~80 MB live) under a 128 MB limit keep
 * a worker with any number of open orders near 400 MB.
 */
export const WORKFLOW_MEMORY_DEFAULTS = { cacheSize: 40, heapMb: 128 } as const;

const ConfigSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Order workflows, the poller, the ack batcher and OMS activities. */
  TASK_QUEUE: z.string().min(1).default('fb-orders'),
  /** Graph activities only: one task-queue-wide rate limit covers every worker (Meta's limit is global). */
  GRAPH_TASK_QUEUE: z.string().min(1).default('fb-graph'),
  GRAPH_MAX_CALLS_PER_SECOND: z.coerce.number().positive().default(50),

  META_GRAPH_URL: z.url().default('http://127.0.0.1:8787'),
  META_API_VERSION: z
    .string()
    .regex(/^v\d+\.0$/, 'expected e.g. v22.0')
    .default('v22.0'),
  META_ACCESS_TOKEN: z.string().min(1).default('sandbox-token'),
  META_APP_SECRET: z.string().min(1).optional(),
  META_CMS_ID: z.string().regex(/^\d+$/, 'expected the numeric commerce account id').default('1000000000000001'),
  META_TIMEOUT_MS: intFrom(100, 120_000).default(15_000),

  ACK_MODE: z.enum(ACK_MODES).default('bulk'),
  POLL_INTERVAL_MINUTES: intFrom(1, 15).default(5),
  /**
   * The poller's first look back, in days (later polls continue from its high-water mark). An order
   * waiting for acknowledgement keeps the `last_updated` of its release, so the first poll must
   * reach back at least as far as the oldest order still waiting (docs/meta-api.md).
   */
  POLL_LOOKBACK_DAYS: intFrom(1, 365).default(30),
  RETURN_WINDOW_DAYS: intFrom(0, 365).default(30),

  OMS_ADAPTER: z.enum(['reference', 'http']).default('reference'),
  OMS_DATA_DIR: z.string().min(1).default('.data/oms'),
  OMS_WEBHOOK_URL: z.url().optional(),
  OMS_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Named in every signature (`kid=`), so the receiver can accept an old and a new secret while they rotate. */
  OMS_WEBHOOK_KEY_ID: z.string().regex(KEY_ID_PATTERN, 'expected 1-64 of A-Z a-z 0-9 . _ -').default('1'),
  /**
   * META_GRAPH_URL and OMS_WEBHOOK_URL must be https unless they point at this machine; true allows
   * plain http to other hosts too (a trusted network such as the compose demo's sandbox).
   */
  ALLOW_PLAIN_HTTP: flag.default(false),
  /** `npm run oms-server` (and the one `npm start` runs): the port of the reference OMS server. */
  OMS_SERVER_PORT: intFrom(0, 65535).default(8790),
  /**
   * The address the reference OMS server listens on: this machine only by default; `0.0.0.0` in
   * the compose demo, where the worker reaches it over the compose network.
   */
  OMS_SERVER_HOST: z.string().min(1).default('127.0.0.1'),

  /**
   * Order workflows kept in the worker's sticky cache: a cached one answers its next task at once,
   * an evicted one is replayed from its history first (a few ms for a typical order). Memory grows
   * with this, not with the number of open orders.
   */
  WORKFLOW_CACHE_SIZE: intFrom(2, 100_000).default(WORKFLOW_MEMORY_DEFAULTS.cacheSize),
  /** V8 heap limit (MB) of each workflow thread: a bound, sized well above what the cache needs. */
  WORKFLOW_HEAP_MB: intFrom(64, 65_536).default(WORKFLOW_MEMORY_DEFAULTS.heapMb),

  METRICS_PORT: intFrom(0, 65535).default(9464),
  /**
   * The address /metrics listens on: loopback unless told otherwise, because the endpoint has no
   * authentication. 0.0.0.0 (or ::) serves every interface: what a container needs to be scraped.
   */
  METRICS_HOST: ipAddress.default('127.0.0.1'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),

  /** `npm start` only: the port of its dev server's Web UI (the dev server itself listens on TEMPORAL_ADDRESS). */
  TEMPORAL_UI_PORT: intFrom(1, 65535).default(8233),
  /** `npm start` only: the folder for the dev server's database and log and the sandbox's state (default: .data in the project). */
  START_DATA_DIR: z.string().min(1).optional(),
  /**
   * Payload encryption (src/codec/): `<key id>:<base64 of 32 bytes>,...`, current first. Set, the
   * worker, the CLI, the starter and `npm start` encrypt every payload with AES-256-GCM.
   */
  PAYLOAD_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((value, context) => {
      const parsed = value === undefined ? undefined : parseEncryptionKeys(value);
      if (parsed && !parsed.ok) context.addIssue({ code: 'custom', message: parsed.problem });
    }),
  /** `npm run codec-server` (and `npm start` with encryption on): where it listens. Loopback: it decrypts for anyone who reaches it. */
  CODEC_SERVER_HOST: ipAddress.default('127.0.0.1'),
  CODEC_SERVER_PORT: intFrom(1, 65535).default(8888),
  /** Web origins allowed to call the codec server (CORS); default: the local Web UI on TEMPORAL_UI_PORT. */
  CODEC_SERVER_CORS_ORIGINS: z
    .string()
    .regex(
      /^https?:\/\/[^\s,/]+(,\s*https?:\/\/[^\s,/]+)*$/,
      'expected origins like https://temporal-ui.example.com, comma-separated',
    )
    .optional(),
  /** When set, the codec server answers only requests with `Authorization: Bearer <this>`. */
  CODEC_SERVER_AUTH_TOKEN: z.string().min(16).optional(),
  /** Tracing: OTLP over HTTP to this collector (e.g. http://localhost:4318); off when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
});

/** Every setting ConfigSchema reads, in its order: the README's configuration table lists them all (a test checks). */
export const CONFIG_SETTINGS = Object.keys(ConfigSchema.shape) as (keyof AppConfig)[];

export type AppConfig = z.infer<typeof ConfigSchema>;

/** Thrown for a bad setting; its message is one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The settings above whose values are secrets (the worker's logs redact them; see SECRET_VARIABLES). */
export const CONFIG_SECRET_SETTINGS = [
  'META_ACCESS_TOKEN',
  'META_APP_SECRET',
  'OMS_WEBHOOK_SECRET',
  'PAYLOAD_ENCRYPTION_KEYS',
  'CODEC_SERVER_AUTH_TOKEN',
] as const satisfies readonly (keyof AppConfig)[];
export type ConfigSecretSetting = (typeof CONFIG_SECRET_SETTINGS)[number];

/**
 * Every environment variable that holds a secret, the one list: its value is never echoed in a
 * configuration error, never printed by the CLI, and redacted from the worker's logs. Ours first,
 * then those read by others: Temporal's envconfig (API key, TLS client key) and the sandbox.
 */
export const SECRET_VARIABLES = [
  ...CONFIG_SECRET_SETTINGS,
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'SANDBOX_ACCESS_TOKEN',
  'SANDBOX_APP_SECRET',
] as const;
const isSecretVariable = (name: string): boolean => (SECRET_VARIABLES as readonly string[]).includes(name);

/**
 * The values to redact for one secret variable: the value itself and, for a key list
 * (`id:key,id:key`), each key on its own, since a single key could surface without the others.
 */
export function secretValues(name: string, value: string | undefined): string[] {
  if (!value) return [];
  if (name !== 'PAYLOAD_ENCRYPTION_KEYS') return [value];
  const keys = value.split(',').map((entry) => entry.slice(entry.indexOf(':') + 1).trim());
  return [value, ...keys.filter((key) => key.length > 0)];
}

/** The codec server's allowed origins: the setting, or the local Web UI (`npm start`'s) by both its names. */
export function codecServerOrigins(
  config: Pick<AppConfig, 'CODEC_SERVER_CORS_ORIGINS' | 'TEMPORAL_UI_PORT'>,
): string[] {
  if (config.CODEC_SERVER_CORS_ORIGINS)
    return config.CODEC_SERVER_CORS_ORIGINS.split(',').map((origin) => origin.trim().replace(/\/$/, ''));
  return [`http://localhost:${config.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const shown = isSecretVariable(name) ? '(hidden)' : JSON.stringify(env[name]);
    throw new ConfigError(`Invalid setting ${name}=${shown}: ${issue.message}`);
  }
  const config = parsed.data;
  for (const name of ['META_GRAPH_URL', 'OMS_WEBHOOK_URL'] as const) {
    const url = config[name];
    const problem = url === undefined ? undefined : plainHttpProblem(url, config.ALLOW_PLAIN_HTTP);
    if (problem) throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(env[name] ?? url)}: ${problem}`);
  }
  if (config.OMS_ADAPTER === 'http' && (!config.OMS_WEBHOOK_URL || !config.OMS_WEBHOOK_SECRET)) {
    throw new ConfigError('OMS_ADAPTER=http needs OMS_WEBHOOK_URL and OMS_WEBHOOK_SECRET (at least 16 characters)');
  }
  return config;
}

/**
 * Connection options for Client and NativeConnection. envconfig reads TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the CLI's config file.
 */
export function temporalConnectConfig(env: NodeJS.ProcessEnv = process.env) {
  // Validate first so a typo gives our one-line error, not a gRPC stack trace later.
  const address = hostPort.default('localhost:7233').safeParse(env.TEMPORAL_ADDRESS);
  if (!address.success) {
    throw new ConfigError(
      `Invalid setting TEMPORAL_ADDRESS=${JSON.stringify(env.TEMPORAL_ADDRESS)}: ${address.error.issues[0]!.message}`,
    );
  }
  const { connectionOptions, namespace } = loadClientConnectConfig({
    overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
  });
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? address.data },
    namespace: namespace ?? 'default',
  };
}
