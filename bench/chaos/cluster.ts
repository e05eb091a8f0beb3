/**
 * A Temporal cluster shaped like production, on this machine: the Temporal server built from source
 * (`go install`, pinned below) on PostgreSQL from Debian's packages, the schema, namespace and
 * search attributes applied by the same scripts docker-compose runs (deploy/temporal/), and the
 * server's dynamic config from there too. Killed with SIGKILL and started again on the same
 * database; PostgreSQL itself stays up.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/api/search-attributes.js';
import { projectPath, resolveTemporalCli } from '../../src/dev-tools/temporal-cli.js';
import { freePort, freePortBelow } from '../support/ports.js';
import { waitUntilGone, type ChaosTemporal } from './temporal.js';

const run = promisify(execFile);

/** go.temporal.io/server v1.29.x has no replace directives, so `go install module@version` builds it. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SERVER_MODULE = 'go.temporal.io/server';
/** Debian 12's PostgreSQL. */
const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
const DEPLOY_DIR = projectPath('deploy', 'temporal');
const NAMESPACE = 'default';

/** The Temporal CLI's names for search attribute types (what register-search-attributes.sh takes). */
const CLI_TYPE_NAMES: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

interface ServerTools {
  server: string;
  /** Holds `temporal-sql-tool` and `temporal`, the names the deploy scripts call. */
  binDir: string;
  schemaRoot: string;
}

/** Builds the server and its SQL tool into .tools/temporal-server/<version>/ once (a few minutes), through the Go module proxy. */
async function serverTools(log: (line: string) => void): Promise<ServerTools> {
  const dir = projectPath('.tools', 'temporal-server', TEMPORAL_SERVER_VERSION);
  const goEnv = { ...process.env, GOBIN: dir, GOFLAGS: '-buildvcs=false' };
  if (!existsSync(join(dir, 'server')) || !existsSync(join(dir, 'sql'))) {
    log(`building the Temporal server ${TEMPORAL_SERVER_VERSION} from source with go install (first run: minutes)`);
    mkdirSync(dir, { recursive: true });
    await run(
      'go',
      [
        'install',
        `${SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
        `${SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
      ],
      { env: goEnv, maxBuffer: 16 * 2 ** 20 },
    ).catch((err: Error & { stderr?: string }) => {
      throw new Error(
        `go install of the Temporal server failed (is Go 1.24+ installed?): ${err.stderr ?? err.message}`,
        {
          cause: err,
        },
      );
    });
  }
  // The module's source (schema files) is in the module cache after the install.
  const { stdout } = await run('go', ['mod', 'download', '-json', `${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`], {
    env: goEnv,
  });
  const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const link = (name: string, target: string) => {
    rmSync(join(binDir, name), { force: true });
    symlinkSync(target, join(binDir, name));
  };
  link('temporal-sql-tool', join(dir, 'sql'));
  const cli = await resolveTemporalCli();
  if (cli.source === 'sdk download')
    throw new Error('the Temporal CLI is needed for the deploy scripts: run npm run setup');
  link('temporal', cli.path);
  return { server: join(dir, 'server'), binDir, schemaRoot: join(moduleDir, 'schema', 'postgresql', 'v12') };
}

/** Runs a command as the `postgres` user when this process is root (PostgreSQL refuses to run as root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function startPostgres(log: (line: string) => void) {
  if (!existsSync(join(POSTGRES_BIN, 'initdb')))
    throw new Error(`PostgreSQL 15 not found in ${POSTGRES_BIN} (Debian: apt-get install postgresql-15)`);
  // Outside the run folder: the postgres user must reach it.
  const dir = mkdtempSync(join(tmpdir(), 'fb-chaos-pg-'));
  chmodSync(dir, 0o700);
  const password = `chaos-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, uid, Number(gid.trim()));
    chownSync(join(dir, 'pwfile'), uid, Number(gid.trim()));
  }
  const port = await freePort();
  const data = join(dir, 'data');
  await run(
    ...asPostgres(join(POSTGRES_BIN, 'initdb'), [
      '-D',
      data,
      '-U',
      'temporal',
      `--pwfile=${join(dir, 'pwfile')}`,
      '--auth=scram-sha-256',
    ]),
  );
  await run(
    ...asPostgres(join(POSTGRES_BIN, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'postgres.log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      '-w',
      'start',
    ]),
  );
  log(`PostgreSQL 15 on 127.0.0.1:${port} (${dir})`);
  return {
    port,
    password,
    async stop(keep: boolean) {
      await run(...asPostgres(join(POSTGRES_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'])).catch(
        () => undefined,
      );
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server's configuration: development-postgres12.yaml's shape, with this run's ports and database. */
async function writeServerConfig(root: string, db: { port: number; password: string }): Promise<number> {
  const ports: number[] = [];
  while (ports.length < 9) {
    const port = await freePortBelow(32_768);
    if (!ports.includes(port)) ports.push(port);
  }
  const [frontend, frontendMembership, frontendHttp, history, historyMembership, matching, matchingMembership] =
    ports as [number, number, number, number, number, number, number];
  const [worker, workerMembership] = ports.slice(7) as [number, number];
  const datastore = (database: string, conns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${db.port}"
        connectProtocol: "tcp"
        user: "temporal"
        password: "${db.password}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
  const service = (grpc: number, membership: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  const config = `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${datastore('temporal', 20)}
    postgres-visibility:${datastore('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:${service(frontend, frontendMembership, `\n      httpPort: ${frontendHttp}`)}
  history:${service(history, historyMembership)}
  matching:${service(matching, matchingMembership)}
  worker:${service(worker, workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${join(DEPLOY_DIR, 'dynamicconfig', 'production-sql.yaml')}"
  pollInterval: "10s"
`;
  mkdirSync(join(root, 'config'), { recursive: true });
  writeFileSync(join(root, 'config', 'chaos.yaml'), config);
  return frontend;
}

async function healthy(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`Temporal at ${address} not healthy after ${timeoutMs} ms`, { cause: err });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * The frontend learns of a new namespace and search attributes from its caches (refreshed every
 * few seconds): a worker started before that is refused. Waits until a visibility query that names
 * every attribute is answered.
 */
async function searchAttributesUsable(address: string): Promise<void> {
  const query = ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name} IS NULL`).join(' AND ');
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.workflowService.countWorkflowExecutions({ namespace: NAMESPACE, query });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * A deploy script, as the compose file's one-shot jobs run it: `restart: on-failure:5`, so up to
 * five more tries (the search attributes job fails once on a namespace the frontend has not
 * cached yet).
 */
async function deployScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  binDir: string,
  log: (line: string) => void,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { stdout } = await run('sh', [join(DEPLOY_DIR, script), ...args], {
        env: { ...process.env, ...env, PATH: `${binDir}:${process.env.PATH ?? ''}` },
      });
      return stdout.trim();
    } catch (err) {
      if (attempt > 5) throw err;
      const why = ((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').at(-1);
      log(`${script} failed (${why}); restarted as compose would (on-failure:5)`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

export async function clusterTemporal(dir: string, log: (line: string) => void): Promise<ChaosTemporal> {
  const tools = await serverTools(log);
  const db = await startPostgres(log);
  const root = join(dir, 'temporal-server');
  let port: number;
  try {
    const schema = await deployScript(
      'setup-postgres.sh',
      [],
      {
        POSTGRES_SEEDS: '127.0.0.1',
        DB_PORT: String(db.port),
        POSTGRES_USER: 'temporal',
        SQL_PASSWORD: db.password,
        SCHEMA_ROOT: tools.schemaRoot,
      },
      tools.binDir,
      log,
    );
    log(`schema: ${schema.split('\n').at(-1)}`);
    port = await writeServerConfig(root, db);
  } catch (err) {
    await db.stop(false);
    throw err;
  }
  const address = `127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let configured = false;

  return {
    address,
    namespace: NAMESPACE,
    description: `Temporal server ${TEMPORAL_SERVER_VERSION} built from source, PostgreSQL 15 (Debian), schema by deploy/temporal/setup-postgres.sh`,
    async start() {
      const out = openSync(join(dir, 'temporal-server.log'), 'a');
      server = spawn(
        tools.server,
        ['--root', root, '--config', 'config', '--env', 'chaos', '--allow-no-auth', 'start'],
        {
          stdio: ['ignore', out, out],
        },
      );
      await healthy(address, 120_000);
      if (configured) return;
      const env = { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: NAMESPACE };
      log(await deployScript('create-namespace.sh', [], env, tools.binDir, log));
      const pairs = ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
      log((await deployScript('register-search-attributes.sh', pairs, env, tools.binDir, log)).split('\n').join('; '));
      await searchAttributesUsable(address);
      configured = true;
    },
    async kill() {
      const pid = server?.pid;
      if (pid === undefined) throw new Error('the Temporal server is not running');
      server!.kill('SIGKILL');
      await waitUntilGone(pid);
      server = undefined;
    },
    async stop() {
      if (server?.pid !== undefined) {
        const exited = new Promise((r) => server!.once('exit', r));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
        server.kill('SIGKILL');
      }
      await db.stop(false);
    },
  };
}
