import { expect, test } from 'vitest';
import { ORDER_STATES, orderStateRank } from '../../../src/domain/order-states.js';

test("Meta's order states are listed in lifecycle order, which orderStateRank follows", () => {
  expect(ORDER_STATES).toEqual(['FB_PROCESSING', 'CREATED', 'IN_PROGRESS', 'COMPLETED']);
  expect(ORDER_STATES.map(orderStateRank)).toEqual([0, 1, 2, 3]);
});
