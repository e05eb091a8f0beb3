/**
 * The one-shot setup scripts of deploy/temporal, run with /bin/sh against fake `temporal` and
 * `temporal-sql-tool` executables that record their arguments: idempotence on a second run, what
 * is created, and what stops the job.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './compose-file.js';

const SCRIPTS = join(REPO_ROOT, 'deploy/temporal');

/** A fake CLI: logs "<name> <args>" per call, then answers from FAKE_* files and variables. */
const FAKE_TEMPORAL = `#!/bin/sh
echo "temporal $*" >> "$FAKE_DIR/calls"
case "$1 $2 $3" in
  "operator cluster health")
    count=$(cat "$FAKE_DIR/health-count" 2>/dev/null || echo 0)
    count=$((count + 1)); echo "$count" > "$FAKE_DIR/health-count"
    [ "$count" -gt "\${FAKE_UNHEALTHY_TIMES:-0}" ] ;;
  "operator search-attribute list") cat "$FAKE_DIR/attributes" ;;
  "operator search-attribute create") exit 0 ;;
  "operator namespace describe") [ -f "$FAKE_DIR/namespace-exists" ] ;;
  "operator namespace create") exit 0 ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;

const FAKE_SQL_TOOL = `#!/bin/sh
echo "temporal-sql-tool $*" >> "$FAKE_DIR/calls"
for arg in "$@"; do
  if [ "$arg" = create ]; then
    if [ -n "\${FAKE_CREATE_ERROR:-}" ]; then echo "$FAKE_CREATE_ERROR" >&2; exit 1; fi
  fi
done
exit 0
`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-scripts-'));
  for (const [name, text] of [
    ['temporal', FAKE_TEMPORAL],
    ['temporal-sql-tool', FAKE_SQL_TOOL],
  ] as const) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  writeFileSync(join(dir, 'attributes'), 'Name  Type\nWorkflowId  Keyword\nExecutionStatus  Keyword\n');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(script: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = spawnSync('/bin/sh', [join(SCRIPTS, script), ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_DIR: dir, TEMPORAL_ADDRESS: 'localhost:7233', WAIT_SECONDS: '0', ...env },
  });
  const calls = existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

const creates = (calls: string[]) =>
  calls
    .filter((c) => c.includes('search-attribute create'))
    .map((c) => /--name (\S+) --type (\S+)/.exec(c)!.slice(1).join('='));

describe('register-search-attributes.sh', () => {
  it('creates the missing attributes on the namespace, at the IPv4 address of the server', () => {
    writeFileSync(join(dir, 'attributes'), 'Name  Type\nWorkflowId  Keyword\nFbOrderState  Keyword\n');
    const result = run(
      'register-search-attributes.sh',
      ['FbOrderState=Keyword', 'FbNeedsAttention=Bool', 'FbCmsId=Keyword'],
      { TEMPORAL_NAMESPACE: 'orders' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(creates(result.calls)).toEqual(['FbNeedsAttention=Bool', 'FbCmsId=Keyword']);
    for (const call of result.calls.filter((c) => c.includes('search-attribute'))) {
      expect(call).toContain('--address 127.0.0.1:7233');
      expect(call).toContain('--namespace orders');
    }
    expect(result.stdout).toContain('search attribute FbOrderState (Keyword) exists');
  });

  it('changes nothing when every attribute exists with its type (a second `up`)', () => {
    writeFileSync(join(dir, 'attributes'), 'Name  Type\nFbOrderState  Keyword\nFbNeedsAttention  Bool\n');
    const result = run('register-search-attributes.sh', ['FbOrderState=Keyword', 'FbNeedsAttention=bool']);
    expect(result.status, result.stderr).toBe(0);
    expect(creates(result.calls)).toEqual([]);
  });

  it('stops when an attribute exists with another type', () => {
    writeFileSync(join(dir, 'attributes'), 'Name  Type\nFbNeedsAttention  Keyword\n');
    const result = run('register-search-attributes.sh', ['FbNeedsAttention=Bool']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('FbNeedsAttention exists with type Keyword, expected Bool');
    expect(creates(result.calls)).toEqual([]);
  });

  it('refuses malformed arguments and an empty list', () => {
    expect(run('register-search-attributes.sh', ['FbOrderState']).status).toBe(64);
    expect(run('register-search-attributes.sh', []).status).toBe(64);
  });

  it('waits for the server to become healthy, then gives up after WAIT_ATTEMPTS', () => {
    const patient = run('register-search-attributes.sh', ['FbCmsId=Keyword'], {
      FAKE_UNHEALTHY_TIMES: '3',
      WAIT_ATTEMPTS: '5',
    });
    expect(patient.status, patient.stderr).toBe(0);
    expect(patient.calls.filter((c) => c.includes('cluster health'))).toHaveLength(4);

    rmSync(join(dir, 'calls'));
    rmSync(join(dir, 'health-count'));
    const impatient = run('register-search-attributes.sh', ['FbCmsId=Keyword'], {
      FAKE_UNHEALTHY_TIMES: '10',
      WAIT_ATTEMPTS: '2',
    });
    expect(impatient.status).not.toBe(0);
    expect(impatient.stderr).toContain('not healthy after 2 attempts');
    expect(creates(impatient.calls)).toEqual([]);
  });
});

describe('create-namespace.sh', () => {
  it('creates the namespace with its retention when it does not exist', () => {
    const result = run('create-namespace.sh', [], {
      TEMPORAL_NAMESPACE: 'orders',
      TEMPORAL_NAMESPACE_RETENTION: '720h',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls).toContain(
      'temporal operator namespace create --address 127.0.0.1:7233 --namespace orders --retention 720h',
    );
  });

  it('leaves an existing namespace alone', () => {
    writeFileSync(join(dir, 'namespace-exists'), '');
    const result = run('create-namespace.sh');
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls.filter((c) => c.includes('namespace create'))).toEqual([]);
    expect(result.stdout).toContain('namespace default exists');
  });
});

describe('setup-postgres.sh', () => {
  const env = { POSTGRES_SEEDS: 'postgresql', POSTGRES_USER: 'temporal', SQL_PASSWORD: 'db-password' };

  it('creates both databases and applies both schemas, never passing the password as an argument', () => {
    const result = run('setup-postgres.sh', [], env);
    expect(result.status, result.stderr).toBe(0);
    const steps = result.calls.map((c) =>
      c.replace('temporal-sql-tool --plugin postgres12 --ep postgresql -p 5432 -u temporal ', ''),
    );
    expect(steps).toEqual([
      '--db temporal create',
      '--db temporal setup-schema -v 0.0',
      '--db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned',
      '--db temporal_visibility create',
      '--db temporal_visibility setup-schema -v 0.0',
      '--db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned',
    ]);
    expect(result.calls.join('\n')).not.toContain('db-password');
  });

  it('accepts databases that already exist (every later `up`)', () => {
    const result = run('setup-postgres.sh', [], {
      ...env,
      FAKE_CREATE_ERROR: 'pq: database "temporal" already exists',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('database temporal exists');
    expect(result.calls.filter((c) => c.includes('update-schema'))).toHaveLength(2);
  });

  it('stops on any other database error', () => {
    const result = run('setup-postgres.sh', [], {
      ...env,
      FAKE_CREATE_ERROR: 'pq: password authentication failed for user "temporal"',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('password authentication failed');
    expect(result.calls.filter((c) => c.includes('setup-schema'))).toEqual([]);
  });

  it('requires its connection settings', () => {
    const result = run('setup-postgres.sh', [], { POSTGRES_SEEDS: 'postgresql', POSTGRES_USER: 'temporal' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SQL_PASSWORD is required');
  });
});
