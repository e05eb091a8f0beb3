/**
 * docker-compose.yml, checked without a Docker engine: structure, pinned images, the dependency
 * graph, the worker's scalability, the search attributes the setup job registers (against the
 * code's list) and the worker's settings (against src/config.ts). When the `docker compose` plugin
 * is installed, its own validation runs as well.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { OMS_EVENTS_PATH } from '../../../src/oms/server/index.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../src/api/search-attributes.js';
import {
  commandOf,
  COMPOSE_PATH,
  dependenciesOf,
  environmentOf,
  interpolate,
  MissingVariableError,
  readCompose,
  REPO_ROOT,
  resolvedEnvironment,
  type ComposeService,
} from './compose-file.js';

const compose = readCompose();
const services = Object.entries(compose.services);
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

/** What an operator sets before `docker compose up` against Meta. */
const PRODUCTION_SHELL = {
  META_ACCESS_TOKEN: 'EAAproductionTokenFromTheVault',
  META_CMS_ID: '1234567890',
  POSTGRES_PASSWORD: 'a-database-password',
  OMS_WEBHOOK_URL: 'https://oms.example.com/meta-events',
  OMS_WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters',
};

const ONE_SHOT_JOBS = ['temporal-schema', 'temporal-namespace', 'temporal-search-attributes', 'starter'];
const APP_SERVICES = ['worker', 'starter'];

describe('docker-compose.yml structure', () => {
  it('parses and defines the whole stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'oms',
        'postgresql',
        'sandbox',
        'starter',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-search-attributes',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('pins every image to a version (no latest, no bare name, no variable that could unpin it)', () => {
    const images = services.filter(([, s]) => s.image !== undefined);
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const [name, s] of images) {
      const image = s.image!;
      expect(image, name).not.toContain('$');
      const tag = /^[^@]+:([^:/@]+)(@sha256:[0-9a-f]{64})?$/.exec(image)?.[1];
      expect(tag, `${name}: ${image} has no tag`).toBeDefined();
      expect(tag, `${name}: ${image}`).not.toBe('latest');
      expect(tag, `${name}: ${image} is not a version`).toMatch(/^\d+(\.\d+)+(-[a-z0-9.]+)?$/);
    }
  });

  it("builds every service without an image from this repository's Dockerfile", () => {
    const built = services.filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name).sort()).toEqual(['oms', 'sandbox', 'starter', 'worker']);
    for (const [name, s] of built) {
      const build = typeof s.build === 'string' ? { context: s.build } : s.build!;
      expect(build.context, name).toBe('.');
      expect(build.dockerfile ?? 'Dockerfile', name).toBe('Dockerfile');
      expect(s.image, `${name} builds, so it names no registry image`).toBeUndefined();
    }
    expect(existsSync(join(REPO_ROOT, 'Dockerfile'))).toBe(true);
  });

  it('runs the worker, the starter and the OMS with plain node on dist/, and the sandbox from the build stage', () => {
    expect(commandOf(service('worker'))).toEqual(['node', '--max-old-space-size=256', 'dist/worker.js']);
    expect(commandOf(service('starter'))).toEqual(['node', 'dist/starter.js']);
    expect(commandOf(service('oms'))).toEqual(['node', 'dist/oms-server.js']);
    expect(commandOf(service('sandbox'))).toEqual(['node', '--import', 'tsx', 'sandbox/main.ts']);
    const sandboxBuild = service('sandbox').build;
    expect(typeof sandboxBuild === 'object' ? sandboxBuild.target : undefined).toBe('sandbox');
    // The image's tini is PID 1 already; compose's init would put a second init in front of it.
    for (const name of ['worker', 'starter', 'sandbox', 'oms']) expect(service(name).init, name).toBeUndefined();
    // The compiled entry points exist in the build (tsconfig.build.json compiles src/ to dist/).
    for (const entry of ['worker', 'starter', 'oms-server'])
      expect(existsSync(join(REPO_ROOT, 'src', `${entry}.ts`))).toBe(true);
  });

  it('keeps the worker scalable: no container_name, no published port', () => {
    const worker = service('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    for (const [name, s] of services)
      expect(s.container_name, `${name}: container_name would block --scale and parallel stacks`).toBeUndefined();
  });

  it("puts the demo's sandbox and reference OMS behind the sandbox profile, and nothing else", () => {
    const demo = ['sandbox', 'oms'];
    for (const name of demo) expect(service(name).profiles, name).toEqual(['sandbox']);
    for (const [name, s] of services) if (!demo.includes(name)) expect(s.profiles, name).toBeUndefined();
  });

  it('publishes host ports on the loopback interface only', () => {
    for (const [name, s] of services) {
      for (const port of s.ports ?? []) expect(String(port), name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });
});

describe('dependencies and health', () => {
  it('names only defined services, with a valid condition', () => {
    for (const [name, s] of services) {
      for (const [dependency, { condition }] of dependenciesOf(s)) {
        expect(compose.services[dependency], `${name} depends on undefined service ${dependency}`).toBeDefined();
        expect(
          ['service_started', 'service_healthy', 'service_completed_successfully'],
          `${name} -> ${dependency}`,
        ).toContain(condition);
      }
    }
  });

  it('waits for health only on services that have a healthcheck', () => {
    for (const [name, s] of services) {
      for (const [dependency, { condition }] of dependenciesOf(s)) {
        if (condition !== 'service_healthy') continue;
        const test = service(dependency).healthcheck?.test;
        expect(
          Array.isArray(test) && test.length > 1 && ['CMD', 'CMD-SHELL'].includes(test[0]!),
          `${name} waits for ${dependency}'s health`,
        ).toBe(true);
      }
    }
  });

  it('waits for completion only on one-shot jobs, which do not restart forever', () => {
    for (const [name, s] of services) {
      for (const [dependency, { condition }] of dependenciesOf(s)) {
        if (condition === 'service_completed_successfully')
          expect(ONE_SHOT_JOBS, `${name} waits for ${dependency} to complete`).toContain(dependency);
      }
    }
    for (const job of ONE_SHOT_JOBS) expect(service(job).restart ?? 'no', job).toMatch(/^(no|on-failure(:\d+)?)$/);
  });

  it('has no dependency cycle, and the setup chain runs in order', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
      visiting.add(name);
      for (const dependency of dependenciesOf(service(name)).keys()) visit(dependency, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const [name] of services) visit(name, []);
    const waitsFor = (a: string, b: string) => dependenciesOf(service(a)).get(b)?.condition;
    expect(waitsFor('temporal-schema', 'postgresql')).toBe('service_healthy');
    expect(waitsFor('temporal', 'temporal-schema')).toBe('service_completed_successfully');
    expect(waitsFor('temporal-namespace', 'temporal')).toBe('service_healthy');
    expect(waitsFor('temporal-search-attributes', 'temporal-namespace')).toBe('service_completed_successfully');
    expect(waitsFor('worker', 'temporal-search-attributes')).toBe('service_completed_successfully');
    expect(waitsFor('starter', 'temporal-search-attributes')).toBe('service_completed_successfully');
  });

  it('lets the worker wait for the sandbox only when its profile is on', () => {
    expect(dependenciesOf(service('worker')).get('sandbox')).toEqual({ condition: 'service_healthy', required: false });
  });

  it('gives every long-running service a healthcheck, except the Web UI which nothing waits for', () => {
    for (const name of ['postgresql', 'temporal', 'worker', 'sandbox'])
      expect(service(name).healthcheck?.test, name).toBeDefined();
  });
});

describe('search attributes', () => {
  /** SearchAttributeType (KEYWORD, KEYWORD_LIST, ...) and the CLI's names (Keyword, KeywordList, ...) compared alike. */
  const normalise = (type: string) => type.replace(/_/g, '').toLowerCase();

  it('registers exactly the attributes of src/api/search-attributes.ts, with their types', () => {
    const job = service('temporal-search-attributes');
    const command = commandOf(job);
    const script = command.findIndex((part) => part.endsWith('/register-search-attributes.sh'));
    expect(script).toBeGreaterThanOrEqual(0);
    const registered = command.slice(script + 1).map((pair) => {
      const [name, type, ...rest] = pair.split('=');
      expect(rest, pair).toEqual([]);
      return { name: name!, type: normalise(type!) };
    });
    const expected = ALL_SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, type: normalise(key.type) }));
    expect(registered.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      expected.sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('runs the scripts that are in deploy/, mounted where the command expects them', () => {
    for (const name of ['temporal-schema', 'temporal-namespace', 'temporal-search-attributes']) {
      const job = service(name);
      const mount = (job.volumes ?? []).map(String).find((v) => v.startsWith('./deploy/temporal:'));
      expect(mount, name).toBeDefined();
      const target = mount!.split(':')[1]!;
      const script = commandOf(job).find((part) => part.endsWith('.sh'));
      expect(script?.startsWith(`${target}/`), `${name} runs ${script}`).toBe(true);
      expect(existsSync(join(REPO_ROOT, 'deploy/temporal', script!.slice(target.length + 1))), script).toBe(true);
    }
  });
});

describe("the app services' settings", () => {
  /** True when src/config.ts's schema knows the variable: it rejects an empty or a nonsense value for it. */
  const configKnows = (name: string): boolean =>
    ['', 'x'].some((value) => {
      try {
        loadConfig({ [name]: value });
        return false;
      } catch (err) {
        return err instanceof ConfigError && err.message.startsWith(`Invalid setting ${name}=`);
      }
    });

  it("uses only variables of src/config.ts's schema, or TEMPORAL_* (read by @temporalio/envconfig)", () => {
    expect(configKnows('TASK_QUEUE')).toBe(true);
    expect(configKnows('NOT_A_SETTING')).toBe(false);
    for (const name of APP_SERVICES) {
      for (const variable of environmentOf(service(name)).keys()) {
        expect(variable.startsWith('TEMPORAL_') || configKnows(variable), `${name}: ${variable}`).toBe(true);
      }
    }
  });

  it("passes every setting of the README's configuration table that a container needs", () => {
    const variables = [...environmentOf(service('worker')).keys()];
    for (const name of [
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TASK_QUEUE',
      'GRAPH_TASK_QUEUE',
      'GRAPH_MAX_CALLS_PER_SECOND',
      'META_GRAPH_URL',
      'META_API_VERSION',
      'META_ACCESS_TOKEN',
      'META_APP_SECRET',
      'META_CMS_ID',
      'META_TIMEOUT_MS',
      'ACK_MODE',
      'POLL_INTERVAL_MINUTES',
      'POLL_LOOKBACK_DAYS',
      'RETURN_WINDOW_DAYS',
      'OMS_ADAPTER',
      'OMS_DATA_DIR',
      'OMS_WEBHOOK_URL',
      'OMS_WEBHOOK_SECRET',
      'OMS_WEBHOOK_KEY_ID',
      'ALLOW_PLAIN_HTTP',
      'PAYLOAD_ENCRYPTION_KEYS',
      'METRICS_PORT',
      'METRICS_HOST',
      'LOG_LEVEL',
    ]) {
      expect(variables, name).toContain(name);
    }
    expect(environmentOf(service('starter'))).toEqual(environmentOf(service('worker')));
  });

  it('writes no secret into the file: secrets are passed through or required from the caller', () => {
    for (const name of [...APP_SERVICES, 'oms']) {
      const env = environmentOf(service(name));
      for (const secret of [
        'META_ACCESS_TOKEN',
        'META_APP_SECRET',
        'OMS_WEBHOOK_SECRET',
        'PAYLOAD_ENCRYPTION_KEYS',
        'TEMPORAL_API_KEY',
      ]) {
        const raw = env.get(secret);
        // Absent (the OMS server reads no Meta token), passed through, or required from the caller.
        const safe = raw === undefined || raw === null || /^\$\{[A-Z_]+:\?[^}]*\}$/.test(raw);
        expect(safe, `${name}: ${secret}=${raw}`).toBe(true);
      }
    }
    expect(environmentOf(service('postgresql')).get('POSTGRES_PASSWORD')).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('refuses to start against Meta without a token and an account id', () => {
    expect(() => resolvedEnvironment(service('worker'), {})).toThrow(MissingVariableError);
    expect(() => resolvedEnvironment(service('worker'), { META_CMS_ID: '1' })).toThrow(/META_ACCESS_TOKEN/);
  });

  it('resolves to settings that src/config.ts accepts, in production and with deploy/sandbox.env', () => {
    const production = loadConfig(resolvedEnvironment(service('worker'), PRODUCTION_SHELL));
    expect(production).toMatchObject({
      META_GRAPH_URL: 'https://graph.facebook.com',
      OMS_ADAPTER: 'http',
      ALLOW_PLAIN_HTTP: false,
      METRICS_PORT: 9464,
      METRICS_HOST: '0.0.0.0',
      TEMPORAL_ADDRESS: 'temporal:7233',
      META_CMS_ID: '1234567890',
    });

    const sandboxEnv = Object.fromEntries(
      readFileSync(join(REPO_ROOT, 'deploy/sandbox.env'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const sandboxed = loadConfig(resolvedEnvironment(service('worker'), sandboxEnv));
    expect(sandboxed).toMatchObject({
      META_GRAPH_URL: 'http://sandbox:8787',
      OMS_ADAPTER: 'http',
      META_ACCESS_TOKEN: 'sandbox-token',
      ALLOW_PLAIN_HTTP: true,
    });
    // The workers send their events to the oms service, on the port it listens on, with its secret.
    const omsServer = loadConfig(resolvedEnvironment(service('oms'), sandboxEnv));
    const eventsUrl = new URL(sandboxed.OMS_WEBHOOK_URL!);
    expect(eventsUrl.hostname).toBe('oms');
    expect(eventsUrl.pathname).toBe(OMS_EVENTS_PATH);
    expect(eventsUrl.port).toBe(String(omsServer.OMS_SERVER_PORT));
    expect(omsServer.OMS_SERVER_HOST).toBe('0.0.0.0');
    expect(omsServer.OMS_WEBHOOK_SECRET).toBe(sandboxed.OMS_WEBHOOK_SECRET);
    expect(omsServer.OMS_WEBHOOK_KEY_ID).toBe(sandboxed.OMS_WEBHOOK_KEY_ID);
    expect(JSON.stringify(service('oms').healthcheck?.test)).toContain(`:${omsServer.OMS_SERVER_PORT}/healthz`);
    // The sandbox serves the account and token the worker uses, on the port its URL names.
    const sandbox = resolvedEnvironment(service('sandbox'), sandboxEnv);
    expect(sandbox).toMatchObject({
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_PORT: new URL(sandboxed.META_GRAPH_URL).port,
      SANDBOX_ACCESS_TOKEN: sandboxed.META_ACCESS_TOKEN,
      SANDBOX_CMS_ID: sandboxed.META_CMS_ID,
    });
  });

  it('exposes the metrics port the worker serves and its healthcheck probes', () => {
    const worker = service('worker');
    const port = resolvedEnvironment(worker, PRODUCTION_SHELL).METRICS_PORT;
    expect(worker.expose?.map(String)).toEqual([port]);
    expect(JSON.stringify(worker.healthcheck?.test)).toContain('/metrics');
  });
});

describe('interpolate', () => {
  it("follows Compose's rules for defaults, required values and $$", () => {
    expect(interpolate('${A:-x}', {})).toBe('x');
    expect(interpolate('${A:-x}', { A: '' })).toBe('x');
    expect(interpolate('${A-x}', { A: '' })).toBe('');
    expect(interpolate('${A}/$B', { A: '1', B: '2' })).toBe('1/2');
    expect(interpolate('$$HOME', {})).toBe('$HOME');
    expect(() => interpolate('${A:?needed}', { A: '' })).toThrow('A: needed');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'))
    .map((line) => line.trim());
  /** The instructions of each stage, by its name (`FROM image AS name`). */
  const stages = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of instructions) {
    const from = /^FROM (\S+) AS (\S+)$/.exec(line);
    if (from) stages.set(from[2]!, (current = [line]));
    else current.push(line);
  }
  const stage = (name: string): string[] => {
    const found = stages.get(name);
    if (!found) throw new Error(`Dockerfile has no stage "${name}"`);
    return found;
  };

  it('builds in one stage and runs in a last one from the same pinned Node 20 slim base', () => {
    expect(instructions[0]).toMatch(/^FROM node:20\.\d+\.\d+-[a-z]+-slim AS base$/);
    expect([...stages.keys()].at(-1)).toBe('runtime');
    expect(stage('build')).toContain('RUN npm ci --no-audit --no-fund');
    expect(stage('build')).toContain('RUN npm run build');
  });

  it('runs what `npm ci --omit=dev` installed and the built dist/, nothing else', () => {
    expect(stage('production-dependencies').some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    const copies = stage('runtime').filter((line) => line.startsWith('COPY'));
    expect(copies).toContain('COPY --from=production-dependencies /app/node_modules ./node_modules');
    expect(copies).toContain('COPY --from=build /app/dist ./dist');
    expect(copies.some((line) => /\bsrc\b|--from=build \/app\/node_modules/.test(line))).toBe(false);
  });

  it('runs as a non-root user, with tini as PID 1 and node (not npm) as its child', () => {
    const user = stage('base').find((line) => line.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    // Every later stage inherits it: none switches back.
    expect(instructions.filter((line) => line.startsWith('USER '))).toEqual([user]);
    expect(stage('base')).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(stage('base').some((line) => /apt-get install .*\btini\b/.test(line))).toBe(true);
    expect(stage('runtime').at(-1)).toBe('CMD ["node", "--max-old-space-size=256", "dist/worker.js"]');
    expect(stage('sandbox').at(-1)).toBe('CMD ["node", "--import", "tsx", "sandbox/main.ts"]');
  });

  it('keeps local state and secrets out of the build context, and lets the build inputs in', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', '.git', '.data', '.tools', '.env', 'dist']) expect(ignored).toContain(entry);
    // sandbox/ too: the compose file's sandbox service runs it from the build stage.
    const needed = ['src', 'sandbox', 'scripts', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json'];
    for (const entry of [...needed, 'tsconfig.build.json']) expect(ignored).not.toContain(entry);
  });
});

const composePlugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!composePlugin)('docker compose config (when the plugin is installed)', () => {
  it('accepts the file with and without the sandbox profile', () => {
    for (const profile of [[], ['--profile', 'sandbox']]) {
      const result = spawnSync('docker', ['compose', '-f', COMPOSE_PATH, ...profile, 'config', '--quiet'], {
        encoding: 'utf8',
        env: { ...process.env, ...PRODUCTION_SHELL },
      });
      expect(result.status, result.stderr).toBe(0);
    }
  });
});
