/** `fb-orders answer-return`: accept a buyer's return, or close it without a refund through Meta. */
import { UsageError } from '../args.js';
import type { OrderCommandCli } from '../order-command.js';

export const answerReturnCli: OrderCommandCli<'answerReturn'> = {
  name: 'answer-return',
  summary:
    "Accept a buyer's return (--accept) or close it without a refund (--close); refund one with `refund --return`.",
  options: [
    {
      name: 'return',
      value: 'RETURN_ID',
      required: true,
      description: "Meta's id of the return (see `fb-orders show`)",
    },
    { name: 'accept', description: 'accept the return: the buyer may send the goods back' },
    { name: 'close', description: 'close the return without a refund through Meta' },
    { name: 'rma', value: 'ID', description: 'your own id for the return (an RMA number), given to Meta' },
  ],
  build(args) {
    if (args.flag('accept') === args.flag('close')) throw new UsageError('say --accept or --close (one of them)');
    const rma = args.value('rma');
    return {
      returnId: args.value('return')!,
      event: args.flag('accept') ? 'ACCEPT_RETURN' : 'CLOSE_RETURN',
      ...(rma !== undefined ? { merchantReturnId: rma } : {}),
    };
  },
};
