/**
 * `npm run sandbox`: the sandbox alone, configured from the environment. Prints its URL (never
 * the token or secret) and stops cleanly on SIGINT/SIGTERM.
 */
import { z } from 'zod';
import { startSandbox, type RunningSandbox } from './index.js';
import type { SandboxOptionsInput } from './options.js';

const intFrom = (min: number) => z.coerce.number().int().min(min);

const EnvSchema = z.object({
  SANDBOX_PORT: intFrom(0).max(65_535).default(8787),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_ACCESS_TOKEN: z.string().min(1).optional(),
  SANDBOX_APP_SECRET: z.string().min(1).optional(),
  SANDBOX_CMS_ID: z.string().regex(/^\d+$/).optional(),
  SANDBOX_BUSINESS_ID: z.string().regex(/^\d+$/).optional(),
  SANDBOX_RELEASE_DELAY_MS: intFrom(0).optional(),
  SANDBOX_CONNECTED: z.enum(['true', 'false']).optional(),
  SANDBOX_RATE_LIMIT_CALLS: intFrom(1).optional(),
  SANDBOX_RATE_LIMIT_WINDOW_MS: intFrom(1).optional(),
  SANDBOX_DEMO_INTERVAL_MS: intFrom(10).optional(),
  SANDBOX_DEMO_ITEMS_PER_ORDER: intFrom(1).max(20).optional(),
  SANDBOX_STATE_FILE: z.string().min(1).optional(),
});

const SECRET_VARIABLES = new Set(['SANDBOX_ACCESS_TOKEN', 'SANDBOX_APP_SECRET']);

function optionsFromEnv(env: NodeJS.ProcessEnv): SandboxOptionsInput {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const shown = SECRET_VARIABLES.has(name) ? '(hidden)' : JSON.stringify(env[name]);
    throw new Error(`Invalid setting ${name}=${shown}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.SANDBOX_PORT,
    host: e.SANDBOX_HOST,
    accessToken: e.SANDBOX_ACCESS_TOKEN,
    appSecret: e.SANDBOX_APP_SECRET,
    cmsId: e.SANDBOX_CMS_ID,
    businessId: e.SANDBOX_BUSINESS_ID,
    releaseDelayMs: e.SANDBOX_RELEASE_DELAY_MS,
    connected: e.SANDBOX_CONNECTED === undefined ? undefined : e.SANDBOX_CONNECTED === 'true',
    rateLimit:
      e.SANDBOX_RATE_LIMIT_CALLS !== undefined || e.SANDBOX_RATE_LIMIT_WINDOW_MS !== undefined
        ? {
            callsPerWindow: e.SANDBOX_RATE_LIMIT_CALLS ?? 20_000,
            windowMs: e.SANDBOX_RATE_LIMIT_WINDOW_MS ?? 3_600_000,
          }
        : undefined,
    demo:
      e.SANDBOX_DEMO_INTERVAL_MS !== undefined
        ? { intervalMs: e.SANDBOX_DEMO_INTERVAL_MS, itemsPerOrder: e.SANDBOX_DEMO_ITEMS_PER_ORDER }
        : undefined,
    stateFile: e.SANDBOX_STATE_FILE,
  };
}

async function main(): Promise<void> {
  let options: SandboxOptionsInput;
  try {
    options = optionsFromEnv(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  let sandbox: RunningSandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    // A refused state file or a busy port: say why, without a stack trace.
    console.error((error as Error).message);
    process.exitCode = 1;
    return;
  }
  const o = sandbox.options;
  console.log(`sandbox listening on ${sandbox.url}`);
  console.log(
    `  cms ${o.cmsId}, business ${o.businessId}, token ${process.env.SANDBOX_ACCESS_TOKEN ? 'from SANDBOX_ACCESS_TOKEN' : 'default'}, ` +
      `appsecret_proof ${o.appSecret ? 'required' : 'off'}, release after ${o.releaseDelayMs} ms, ` +
      `${o.connected ? 'connected' : 'disconnected'}` +
      `${o.demo ? `, demo order every ${o.demo.intervalMs} ms` : ''}`,
  );
  console.log(`  Graph: ${sandbox.url}/v22.0/${o.cmsId}/commerce_orders   admin: ${sandbox.url}/_admin/settings`);
  const kept = sandbox.persistence;
  if (kept) {
    const restored = kept.restored;
    console.log(
      restored
        ? `  state: ${restored.orders} orders restored from ${kept.file} (saved ${restored.savedAt})` +
            (restored.startOptionsWon.length > 0
              ? `; start options override the saved ${restored.startOptionsWon.join(', ')}`
              : '')
        : `  state: kept in ${kept.file} (new)`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`sandbox stopping (${signal})`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('sandbox did not close cleanly:', (error as Error).message);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
