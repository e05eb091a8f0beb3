/**
 * Persistence of one sandbox to its `stateFile`: load at start (refusing a file it cannot take
 * whole), then save after changes and at close. Without a state file none of this runs and
 * nothing is written.
 */
import { resolve } from 'node:path';
import { readStateFile, StateFileError } from './state-file.js';
import { StateSaver } from './state-saver.js';
import { captureState, restoreState, type RestoreSummary } from './state-snapshot.js';
import type { SandboxState } from './state.js';

export interface SandboxPersistence {
  /** Absolute path of the state file. */
  file: string;
  /** What was loaded at start; null when there was no file yet. */
  restored: RestoreSummary | null;
  /** Writes the current state now (periodic saves and close() do this on their own). */
  save(): Promise<void>;
  /** Files written so far by this run. */
  saves(): number;
}

export interface ActivePersistence extends SandboxPersistence {
  /** Stops periodic saves and writes the final state. */
  close(): Promise<void>;
}

export async function startPersistence(
  state: SandboxState,
  stateFile: string,
  saveIntervalMs: number,
): Promise<ActivePersistence> {
  const file = resolve(stateFile);
  const saved = await readStateFile(file);
  if (saved !== undefined && saved.cmsId !== state.options.cmsId) {
    throw new StateFileError(
      file,
      `cmsId: it holds the orders of commerce account ${saved.cmsId}, but this sandbox serves ${state.options.cmsId}`,
    );
  }
  const restored = saved === undefined ? null : restoreState(state, saved);
  const saver = new StateSaver(file, () => captureState(state), saveIntervalMs);
  state.onChange = () => saver.noteChange();
  return {
    file,
    restored,
    save: () => saver.save(),
    saves: () => saver.saves,
    close: () => saver.close(),
  };
}
