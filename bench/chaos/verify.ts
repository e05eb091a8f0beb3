/**
 * The checks of a chaos run, after it: every order acknowledged exactly once at Meta (the sandbox
 * ledger), none stuck (Temporal: its workflow running in the phase it should be in, nothing asking
 * for an operator), each sample shipment exactly once at Meta and in the OMS, every order in the
 * OMS; and the figures the issue asks for (signals per order, schedule-to-start timeouts while a
 * worker was alive, worker peak RSS, time to drain).
 */
import { cpus, loadavg } from 'node:os';
import type { Client } from '@temporalio/client';
// A CommonJS module: under plain Node ESM only its default export is there.
import proto from '@temporalio/proto';
import { orderWorkflowId } from '../../src/api/ids.js';
import { FB_NEEDS_ATTENTION, FB_ORDER_PHASE } from '../../src/api/search-attributes.js';
import { mapConcurrently } from '../../src/util/concurrency.js';
import type { SandboxAdminClient } from '../../sandbox/admin-client.js';
import { countEffects } from '../support/ledger.js';
import type { ChaosConfig } from './config.js';
import { causeOf, type Disruption, type TimeoutCause } from './disruptions.js';
import { scanHistories } from './history-scan.js';
import type { ChaosOms } from './oms.js';
import type { IntakeReport } from './run.js';
import type { WorkerLife } from './worker-fleet.js';

export interface ChaosRunRecord {
  config: ChaosConfig;
  client: Client;
  admin: SandboxAdminClient;
  oms: ChaosOms;
  ids: string[];
  shipped: string[];
  /** When every shipped order had reached its return window (undefined: not all did). */
  shippedIn: number | undefined;
  lives: WorkerLife[];
  disruptions: Disruption[];
  intake: IntakeReport;
  /** Signals are counted up to here (the drain): the shipments that follow cause signals of their own. */
  signalsUntil: number;
  timing: {
    startedAt: number;
    firstCreatedAt: number;
    lastCreatedAt: number;
    drainedAt: number | undefined;
    /** When the last disruption during the order flow was over. */
    lastRecoveredAt: number;
  };
  temporalDescription: string;
  omsDescription: string;
}

export type ChaosFindings = ReturnType<typeof summarise> & { failed: string[] };

/** Examples of what went wrong, a few ids each, so a failed run says where to look. */
const EXAMPLES = 5;

export async function verifyChaosRun(run: ChaosRunRecord): Promise<ChaosFindings> {
  const ids = new Set(run.ids);
  const shipped = new Set(run.shipped);

  // Meta's side: the sandbox ledger.
  const ledger = await run.admin.getLedger();
  const acks = countEffects(ledger, ids, 'acknowledge');
  const shipmentsAtMeta = countEffects(ledger, ids, 'shipment');
  const lost = run.ids.filter((id) => !acks.has(id));
  const duplicated = run.ids.filter((id) => (acks.get(id) ?? 0) > 1);
  const shipMismatchAtMeta = run.ids.filter((id) => (shipmentsAtMeta.get(id) ?? 0) !== (shipped.has(id) ? 1 : 0));

  // Temporal: every order's workflow, from visibility.
  const workflows = new Map<string, { runs: number; status: string; phase?: string; needsAttention: boolean }>();
  for await (const wf of run.client.workflow.list({ query: `WorkflowType = 'orderWorkflow'` })) {
    const seen = workflows.get(wf.workflowId);
    if (seen) {
      seen.runs += 1;
      if (wf.status.name !== 'RUNNING') continue; // the running one describes the order
    }
    workflows.set(wf.workflowId, {
      runs: seen?.runs ?? 1,
      status: wf.status.name,
      phase: wf.typedSearchAttributes.get(FB_ORDER_PHASE),
      needsAttention: wf.typedSearchAttributes.get(FB_NEEDS_ATTENTION) ?? false,
    });
  }
  const stuck = run.ids.filter((id) => {
    const wf = workflows.get(orderWorkflowId(id));
    const expected = shipped.has(id) ? 'RETURN_WINDOW' : 'IN_PROGRESS';
    return !wf || wf.status !== 'RUNNING' || wf.phase !== expected || wf.needsAttention;
  });

  // Temporal: every history.
  const scan = await scanHistories(run.client, { query: '', signalsUntil: run.signalsUntil });
  const signalCounts = run.ids.map((id) => scan.orderSignals.get(orderWorkflowId(id)));
  const sum = (pick: (c: NonNullable<(typeof signalCounts)[number]>) => number) =>
    signalCounts.reduce((total, c) => total + (c ? pick(c) : 0), 0);
  const timeoutsByCause: Record<TimeoutCause, number> = {
    'worker alive': 0,
    'worker killed': 0,
    'worker stopped': 0,
    'temporal restart': 0,
  };
  const aliveExamples: string[] = [];
  // When and on whose queue: a burst after a restart reads differently from a steady trickle.
  const aliveByWorkerAndTime: Record<string, number> = {};
  for (const timeout of scan.scheduleToStartTimeouts) {
    const cause = causeOf(timeout, run.lives, run.disruptions);
    timeoutsByCause[cause] += 1;
    if (cause !== 'worker alive') continue;
    const worker = timeout.lastWorkerIdentity ?? 'no worker yet';
    const second = Math.floor((timeout.timedOutAt - run.timing.startedAt) / 10_000) * 10;
    const key = `${worker}, timed out ${second}-${second + 10} s into the run`;
    aliveByWorkerAndTime[key] = (aliveByWorkerAndTime[key] ?? 0) + 1;
    if (aliveExamples.length < EXAMPLES) aliveExamples.push(`${timeout.workflowId} (${timeout.kind}, ${worker})`);
  }
  const failureCauses = new Map<string, number>();
  for (const f of scan.workflowTaskFailures) {
    const name = proto.temporal.api.enums.v1.WorkflowTaskFailedCause[Number(f.cause)] ?? f.cause;
    failureCauses.set(name, (failureCauses.get(name) ?? 0) + 1);
  }

  // The OMS, read once every worker has stopped.
  const { read, close } = await run.oms.open();
  const details = await mapConcurrently(run.ids, 8, async (id) => ({ id, order: await read.getOrder(id) })).finally(
    close,
  );
  const omsMissing = details.filter((d) => !d.order).map((d) => d.id);
  const omsNotProcessing = details
    .filter((d) => d.order && !['processing', 'completed'].includes(d.order.status))
    .map((d) => d.id);
  const shipMismatchInOms = details
    .filter((d) => d.order && d.order.shipments.length !== (shipped.has(d.id) ? 1 : 0))
    .map((d) => d.id);

  const summary = summarise(run, {
    lost,
    duplicated,
    stuck,
    shipMismatchAtMeta,
    shipMismatchInOms,
    omsMissing,
    omsNotProcessing,
    orderUpdatedSignals: sum((c) => c.orderUpdated),
    maxOrderUpdatedSignals: Math.max(0, ...signalCounts.map((c) => c?.orderUpdated ?? 0)),
    allSignals: sum((c) => c.orderUpdated + c.ackResult + c.other),
    timeoutsByCause,
    aliveExamples,
    aliveByWorkerAndTime,
    failureCauses: Object.fromEntries(failureCauses),
    executions: scan.executions,
    historyEvents: scan.events,
    extraRuns: [...workflows.values()].filter((w) => w.runs > 1).length,
    ledger: {
      graphCalls: ledger.calls.total,
      faultsInjected: ledger.faultsInjected.byKind,
      throttled: ledger.throttled.total,
      idempotentReplays: ledger.replays.total,
      rejectedDuplicates: ledger.rejectedDuplicates.total,
    },
  });
  const failed = Object.entries(summary.invariants)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  return { ...summary, failed };
}

interface Measured {
  lost: string[];
  duplicated: string[];
  stuck: string[];
  shipMismatchAtMeta: string[];
  shipMismatchInOms: string[];
  omsMissing: string[];
  omsNotProcessing: string[];
  orderUpdatedSignals: number;
  maxOrderUpdatedSignals: number;
  allSignals: number;
  timeoutsByCause: Record<TimeoutCause, number>;
  aliveExamples: string[];
  aliveByWorkerAndTime: Record<string, number>;
  failureCauses: Record<string, number>;
  executions: number;
  historyEvents: number;
  extraRuns: number;
  ledger: Record<string, unknown>;
}

const round = (n: number, places = 3) => Number(n.toFixed(places));
const examples = (ids: string[]) => ({ count: ids.length, examples: ids.slice(0, EXAMPLES) });

function summarise(run: ChaosRunRecord, m: Measured) {
  const n = run.ids.length;
  const unexpectedExits = run.lives.filter((l) => l.unexpectedExit).length;
  const signalsPerOrder = n ? round(m.orderUpdatedSignals / n) : 0;
  const { timing } = run;
  const drain = (from: number) => (timing.drainedAt === undefined || !from ? null : timing.drainedAt - from);
  return {
    run: 'chaos',
    at: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, loadAverage: loadavg().map((l) => round(l, 2)) },
    temporal: run.temporalDescription,
    oms: run.omsDescription,
    config: run.config,
    orders: n,
    lost: examples(m.lost),
    duplicated: examples(m.duplicated),
    stuck: examples(m.stuck),
    signalsPerOrder,
    signals: {
      definition:
        "orderUpdated signals (the poller's, signal-with-start included) received by the order workflows up to the drain, per order",
      orderUpdated: m.orderUpdatedSignals,
      maxPerOrder: m.maxOrderUpdatedSignals,
      allSignalsPerOrder: n ? round(m.allSignals / n) : 0,
    },
    scheduleToStartTimeouts: {
      whileWorkerAlive: m.timeoutsByCause['worker alive'],
      afterWorkerKill: m.timeoutsByCause['worker killed'],
      aroundTemporalRestart: m.timeoutsByCause['temporal restart'],
      afterWorkerStop: m.timeoutsByCause['worker stopped'],
      whileWorkerAliveExamples: m.aliveExamples,
      whileWorkerAliveByWorkerAndTime: m.aliveByWorkerAndTime,
    },
    workerPeakRssMb: Math.max(0, ...run.lives.map((l) => l.peakRssMb)),
    timeToDrainMs: {
      fromLastOrderCreated: drain(timing.lastCreatedAt),
      fromLastRecovery: drain(timing.lastRecoveredAt),
      fromFirstOrderCreated: drain(timing.firstCreatedAt),
    },
    shipping: {
      sample: run.shipped.length,
      notExactlyOnceAtMeta: examples(m.shipMismatchAtMeta),
      notExactlyOnceInOms: examples(m.shipMismatchInOms),
      returnWindowReachedMs:
        run.shippedIn === undefined || timing.drainedAt === undefined ? null : run.shippedIn - timing.drainedAt,
    },
    omsRecords: { missing: examples(m.omsMissing), notProcessing: examples(m.omsNotProcessing) },
    workers: run.lives.map((l) => ({
      slot: l.slot,
      pid: l.pid,
      startMs: l.runningAt === undefined ? null : l.runningAt - l.spawnedAt,
      ranS: l.runningAt === undefined ? 0 : round(((l.endedAt ?? Date.now()) - l.runningAt) / 1000, 1),
      ended: l.killed
        ? 'SIGKILL'
        : l.unexpectedExit
          ? `exited by itself (${JSON.stringify(l.unexpectedExit)})`
          : 'stopped',
      peakRssMb: l.peakRssMb,
    })),
    disruptions: run.disruptions.map((d) => ({
      kind: d.kind,
      atS: round((d.at - timing.startedAt) / 1000, 1),
      downMs: d.recoveredAt - d.at,
      ...(d.slot !== undefined ? { slot: d.slot, pid: d.pid } : {}),
    })),
    temporalHistories: {
      executions: m.executions,
      events: m.historyEvents,
      workflowTaskFailures: m.failureCauses,
      orderWorkflowsWithMoreThanOneRun: m.extraRuns,
    },
    intake: {
      pollerTotals: run.intake.poller?.totals ?? null,
      pollerAttention: run.intake.poller?.attention ?? null,
      ackBatcher: run.intake.ackBatcher ?? null,
    },
    sandboxLedger: m.ledger,
    invariants: {
      noOrderLost: m.lost.length === 0,
      noOrderAcknowledgedTwice: m.duplicated.length === 0,
      noOrderStuck: m.stuck.length === 0,
      drained: timing.drainedAt !== undefined,
      eachShipmentOnceAtMeta: m.shipMismatchAtMeta.length === 0,
      eachShipmentOnceInOms: m.shipMismatchInOms.length === 0,
      everyOrderInOms: m.omsMissing.length === 0 && m.omsNotProcessing.length === 0,
      noWorkerDiedByItself: unexpectedExits === 0,
    },
    targets: {
      'signals per order <= 1.2': signalsPerOrder <= 1.2,
      'no schedule-to-start timeout while a worker was alive': m.timeoutsByCause['worker alive'] === 0,
    },
  };
}
