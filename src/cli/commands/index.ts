/** Every command, in the order `fb-orders --help` lists them. */
import type { Command } from '../command.js';
import { cancelCommand } from './cancel.js';
import { connectCommand } from './connect.js';
import { disconnectCommand } from './disconnect.js';
import { exportCommand } from './export.js';
import { intakeCommand } from './intake.js';
import { listCommand } from './list.js';
import { pollNowCommand } from './poll-now.js';
import { refundCommand } from './refund.js';
import { retryCommand } from './retry.js';
import { shipCommand } from './ship.js';
import { showCommand } from './show.js';
import { updateTrackingCommand } from './update-tracking.js';

export const COMMANDS: readonly Command[] = [
  shipCommand,
  cancelCommand,
  refundCommand,
  updateTrackingCommand,
  retryCommand,
  showCommand,
  listCommand,
  exportCommand,
  pollNowCommand,
  intakeCommand,
  connectCommand,
  disconnectCommand,
];
