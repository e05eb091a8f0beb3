/**
 * Billable Temporal Cloud actions, counted from workflow histories as Temporal Cloud's documentation
 * ("Temporal Cloud Actions") defines them, for what a history shows:
 *   - workflow started: by a client, signal-with-start or continue-as-new (WorkflowExecutionStarted);
 *   - signal: every signal received (WorkflowExecutionSignaled; a signal sent by another workflow is
 *     counted once, where it arrives). A Signal-With-Start is "one total action ... regardless of
 *     whether the Workflow starts": when it starts the workflow, its signal (the event right after
 *     WorkflowExecutionStarted, before the first workflow task) is not counted apart from the start;
 *   - timer started: every timer, also the ones `condition(fn, timeout)` starts (TimerStarted);
 *   - search-attribute upsert: every UpsertWorkflowSearchAttributes, except one that only sets
 *     TemporalChangeVersion (versioning), which is exempt;
 *   - activity: every attempt, retries included (ActivityTaskStarted's `attempt`);
 *   - Update: every accepted Update (WorkflowExecutionUpdateAccepted).
 * Not in a history, so not counted here: queries, heartbeats, rejected Updates.
 */
import proto from '@temporalio/proto';

// The package is CommonJS: a default import under plain Node's ESM loader.
const { temporal } = proto;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface HistoryCost {
  events: number;
  actions: number;
  /** Actions by kind. */
  byKind: Record<string, number>;
}

const CHANGE_VERSION = 'TemporalChangeVersion';

/** The event's type name without its prefix ("TIMER_STARTED"), from a fetched (enum number) or JSON (string) history. */
export function eventTypeName(event: HistoryEvent): string {
  const type = event.eventType as unknown;
  const name = typeof type === 'number' ? (temporal.api.enums.v1.EventType[type] ?? String(type)) : String(type);
  return name.replace(/^EVENT_TYPE_/, '');
}

/** How many billable actions one event is. */
export function actionsOf(event: HistoryEvent): { kind: string; count: number } | undefined {
  switch (eventTypeName(event)) {
    case 'WORKFLOW_EXECUTION_STARTED':
      return { kind: 'workflowStarted', count: 1 };
    case 'WORKFLOW_EXECUTION_SIGNALED':
      return { kind: 'signal', count: 1 };
    case 'TIMER_STARTED':
      return { kind: 'timer', count: 1 };
    case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
      const fields = Object.keys(
        event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
      );
      return fields.length > 0 && fields.every((f) => f === CHANGE_VERSION)
        ? undefined
        : { kind: 'searchAttributeUpsert', count: 1 };
    }
    case 'ACTIVITY_TASK_STARTED':
      return {
        kind: 'activityAttempt',
        count: Math.max(1, Number(event.activityTaskStartedEventAttributes?.attempt ?? 1)),
      };
    case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
      return { kind: 'update', count: 1 };
    default:
      return undefined;
  }
}

/** The signal of a Signal-With-Start that started the workflow: the event right after the start. */
export function isStartingSignal(event: HistoryEvent, previous: HistoryEvent | undefined): boolean {
  return (
    previous !== undefined &&
    eventTypeName(event) === 'WORKFLOW_EXECUTION_SIGNALED' &&
    eventTypeName(previous) === 'WORKFLOW_EXECUTION_STARTED' &&
    Number(event.eventId) === Number(previous.eventId) + 1
  );
}

export function historyCost(events: readonly HistoryEvent[]): HistoryCost {
  const byKind: Record<string, number> = {};
  let actions = 0;
  for (const [index, event] of events.entries()) {
    if (isStartingSignal(event, events[index - 1])) continue;
    const action = actionsOf(event);
    if (!action) continue;
    actions += action.count;
    byKind[action.kind] = (byKind[action.kind] ?? 0) + action.count;
  }
  return { events: events.length, actions, byKind };
}
