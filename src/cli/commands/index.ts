/** Every command, in the order `fb-orders --help` lists them: the order commands first, one per registry kind. */
import { COMMAND_KINDS, type CommandKind } from '../../api/command-kinds.js';
import type { Command } from '../command.js';
import { orderCommand, type OrderCommandCli } from '../order-command.js';
import { answerReturnCli } from './answer-return.js';
import { cancelCli } from './cancel.js';
import { connectCommand } from './connect.js';
import { disconnectCommand } from './disconnect.js';
import { exportCommand } from './export.js';
import { intakeCommand } from './intake.js';
import { listCommand } from './list.js';
import { pollNowCommand } from './poll-now.js';
import { refundCli } from './refund.js';
import { retryCli } from './retry.js';
import { shipCli } from './ship.js';
import { showCommand } from './show.js';
import { updateTrackingCli } from './update-tracking.js';

/** The CLI spec of each command kind: a kind without one fails the type check. */
const ORDER_COMMAND_CLI: { [K in CommandKind]: OrderCommandCli<K> } = {
  ship: shipCli,
  cancel: cancelCli,
  refund: refundCli,
  updateTracking: updateTrackingCli,
  answerReturn: answerReturnCli,
  retry: retryCli,
};

export const COMMANDS: readonly Command[] = [
  ...COMMAND_KINDS.map((kind) => orderCommand(kind, ORDER_COMMAND_CLI[kind] as OrderCommandCli<typeof kind>)),
  showCommand,
  listCommand,
  exportCommand,
  pollNowCommand,
  intakeCommand,
  connectCommand,
  disconnectCommand,
];
