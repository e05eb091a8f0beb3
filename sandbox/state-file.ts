/**
 * Reading and writing the state file. Reading refuses anything it cannot take whole, with an
 * error naming the file and the field. Writing is atomic: a temp file in the same folder, synced,
 * then renamed over the old one, so a crash mid-save leaves the previous file intact.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import {
  StateFileHeaderSchema,
  StateFileSchema,
  STATE_FILE_FORMAT,
  STATE_FILE_VERSION,
  type StateFile,
} from './state-file-schema.js';
import { stateFileProblems, type StateFileProblem } from './state-snapshot.js';

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(
      `Sandbox state file ${file} cannot be loaded: ${problem}. Fix it, or move it away to start with an empty sandbox.`,
    );
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((part) => String(part)).join('.');
}

function describe(problems: readonly StateFileProblem[]): string {
  return problems.map((p) => `${fieldPath(p.path)}: ${p.message}`).join('; ');
}

/** Validates a parsed file; throws StateFileError naming the first fields that are wrong. */
export function decodeStateFile(file: string, json: unknown): StateFile {
  const header = StateFileHeaderSchema.safeParse(json);
  if (!header.success)
    throw new StateFileError(file, `not a sandbox state file (expected "format": "${STATE_FILE_FORMAT}")`);
  if (header.data.version !== STATE_FILE_VERSION) {
    throw new StateFileError(
      file,
      `version ${header.data.version} is not supported (this sandbox reads version ${STATE_FILE_VERSION})`,
    );
  }
  const parsed = StateFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new StateFileError(
      file,
      describe(
        parsed.error.issues
          .slice(0, 3)
          .map((issue) => ({ path: issue.path as (string | number)[], message: issue.message })),
      ),
    );
  }
  const problems = stateFileProblems(parsed.data);
  if (problems.length > 0) throw new StateFileError(file, describe(problems));
  return parsed.data;
}

/** The file's content, or undefined when there is no file yet. */
export async function readStateFile(file: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(
      file,
      `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(file, `it is not valid JSON (${(error as Error).message})`);
  }
  return decodeStateFile(file, json);
}

/**
 * The file's JSON. Money is the only bigint in the state, and the schema's codec reads it back
 * from a decimal string; a plain replacer does the encoding direction at a fraction of the cost
 * of `z.encode` (it runs synchronously, on the event loop, while the sandbox serves).
 */
export function encodeStateFile(content: StateFile): string {
  return JSON.stringify(content, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/**
 * Replaces `file` with `text` atomically. Owner-only permissions: the file may hold a token the
 * admin API rotated in.
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
