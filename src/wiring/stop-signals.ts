/**
 * SIGINT and SIGTERM, handled for the lifetime of the process: the first one calls `stop`, later
 * ones are absorbed. Absorbing matters: Ctrl-C in a terminal signals the whole foreground group,
 * so a process under `npm run` gets SIGINT twice (from the terminal and forwarded by npm), and the
 * Temporal Runtime removes its own handlers after the first; without a listener left, Node's
 * default action would end the process mid-shutdown and orphan what it started.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function onStopSignal(stop: (signal: NodeJS.Signals) => void): () => void {
  let stopped = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopped) return;
    stopped = true;
    stop(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}
