/**
 * At most one search-attribute upsert per workflow task: each upsert is a history event and a
 * billable Temporal Cloud action, and one order task often changes several attributes in turn (the
 * batch's answer moves an order from AWAITING_RELEASE through ACKNOWLEDGING to IN_PROGRESS and
 * gives it its OMS reference: four upserts). The order's code still publishes after every change
 * (visibility.ts); when the task's commands are complete, the upserts among them are merged into
 * one, in the place of the last, later values winning: the same end state, one event.
 *
 * Runs recorded before this have their upserts one by one, so the merge is on only in runs that
 * took the patch (decided once per run, by the order's first publish). Workflow code.
 */
import { patched } from '@temporalio/workflow';
import type { ConcludeActivationInput, WorkflowInterceptors } from '@temporalio/workflow';

/** Patch id: the order's search-attribute upserts of one workflow task are sent as one. */
export const COALESCED_UPSERTS_PATCH = 'coalesced-search-attribute-upserts';

type Command = ConcludeActivationInput['commands'][number];

/** Per run: module state is per workflow (each workflow has its own module instances). */
let coalescing: boolean | undefined;

/** Called before the run's first upsert: takes the patch (new runs) or not (runs recorded before it). */
export function decideUpsertCoalescing(): void {
  coalescing ??= patched(COALESCED_UPSERTS_PATCH);
}

/** The task's commands with their search-attribute upserts merged into one, in the place of the last. */
export function coalesceUpserts(commands: Command[]): Command[] {
  const upserts = commands.filter((command) => command.upsertWorkflowSearchAttributes);
  if (upserts.length < 2) return commands;
  const last = upserts.at(-1)!;
  const indexedFields = Object.assign(
    {},
    ...upserts.map((command) => command.upsertWorkflowSearchAttributes!.searchAttributes?.indexedFields ?? {}),
  ) as Record<string, unknown>;
  const merged: Command = {
    ...last,
    upsertWorkflowSearchAttributes: {
      ...last.upsertWorkflowSearchAttributes,
      searchAttributes: { ...last.upsertWorkflowSearchAttributes!.searchAttributes, indexedFields },
    },
  } as Command;
  return commands
    .filter((command) => !command.upsertWorkflowSearchAttributes || command === last)
    .map((command) => (command === last ? merged : command));
}

/** The internals interceptor (registered in src/workflows/interceptors.ts). */
export const upsertCoalescingInterceptors = (): WorkflowInterceptors => ({
  internals: [
    {
      concludeActivation(input, next) {
        const output = next(input);
        return coalescing === true ? { ...output, commands: coalesceUpserts(output.commands) } : output;
      },
    },
  ],
});
