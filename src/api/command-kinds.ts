/**
 * The kinds of command OMS code can send an order, in the order the CLI lists them. The one list:
 * the command registry (src/order/commands/registry.ts) must implement exactly these (the type
 * check fails otherwise), and the Updates, signals, typed client methods and CLI commands are
 * derived from that registry.
 */
export const COMMAND_KINDS = ['ship', 'cancel', 'refund', 'updateTracking', 'answerReturn', 'retry'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];
