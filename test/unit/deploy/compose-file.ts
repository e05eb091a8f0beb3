/**
 * Reads docker-compose.yml the way Docker Compose would for what the deploy tests check: YAML
 * (anchors resolved) and `${VAR}` interpolation (`:-`, `-`, `:?`, `?` and `$$`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const COMPOSE_PATH = `${REPO_ROOT}docker-compose.yml`;

export type DependsOn = string[] | Record<string, { condition?: string; required?: boolean; restart?: boolean }>;

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  init?: boolean;
  command?: string | string[];
  entrypoint?: string | string[];
  container_name?: string;
  ports?: (string | number | Record<string, unknown>)[];
  expose?: (string | number)[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: DependsOn;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  profiles?: string[];
  restart?: string;
  volumes?: (string | { type?: string; source?: string; target?: string })[];
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readCompose(path = COMPOSE_PATH): ComposeFile {
  return parse(readFileSync(path, 'utf8')) as ComposeFile;
}

export class MissingVariableError extends Error {}

/** Compose's variable interpolation; throws MissingVariableError for an unset `${X:?msg}`. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}])*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = env[name];
      const unsetOrEmpty = value === undefined || value === '';
      switch (op) {
        case ':-':
          return unsetOrEmpty ? interpolate(arg ?? '', env) : value;
        case '-':
          return value === undefined ? interpolate(arg ?? '', env) : value;
        case ':?':
          if (unsetOrEmpty) throw new MissingVariableError(`${name}: ${arg ?? 'required'}`);
          return value;
        case '?':
          if (value === undefined) throw new MissingVariableError(`${name}: ${arg ?? 'required'}`);
          return value;
        default:
          return value ?? '';
      }
    },
  );
}

/** A service's environment as names and raw (uninterpolated) values; null = passed through from the caller's environment. */
export function environmentOf(service: ComposeService): Map<string, string | null> {
  const env = new Map<string, string | null>();
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const eq = entry.indexOf('=');
      env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? null : entry.slice(eq + 1));
    }
  } else {
    for (const [name, value] of Object.entries(service.environment ?? {}))
      env.set(name, value === null ? null : String(value));
  }
  return env;
}

/**
 * What the container's environment would be: literal values interpolated from `shell`, and
 * pass-through names (no value) copied from `shell` only when set there, as Compose does.
 */
export function resolvedEnvironment(
  service: ComposeService,
  shell: Record<string, string | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of environmentOf(service)) {
    if (raw === null) {
      if (shell[name] !== undefined) out[name] = shell[name];
    } else {
      out[name] = interpolate(raw, shell);
    }
  }
  return out;
}

export function dependenciesOf(service: ComposeService): Map<string, { condition: string; required: boolean }> {
  const deps = new Map<string, { condition: string; required: boolean }>();
  const declared = service.depends_on;
  if (Array.isArray(declared)) {
    for (const name of declared) deps.set(name, { condition: 'service_started', required: true });
  } else {
    for (const [name, spec] of Object.entries(declared ?? {})) {
      deps.set(name, { condition: spec.condition ?? 'service_started', required: spec.required ?? true });
    }
  }
  return deps;
}

export function commandOf(service: ComposeService): string[] {
  const part = (v: string | string[] | undefined) =>
    v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/).filter(Boolean);
  return [...part(service.entrypoint), ...part(service.command)];
}
