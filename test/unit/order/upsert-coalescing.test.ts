import { describe, expect, it } from 'vitest';
import { coalesceUpserts } from '../../../src/order/upsert-coalescing.js';

type Commands = Parameters<typeof coalesceUpserts>[0];

const upsert = (fields: Record<string, string>) => ({
  upsertWorkflowSearchAttributes: {
    searchAttributes: {
      indexedFields: Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, { data: new TextEncoder().encode(v) }]),
      ),
    },
  },
});
const activity = (id: string) => ({ scheduleActivity: { activityId: id } });
const text = (command: Commands[number], key: string) =>
  new TextDecoder().decode(command.upsertWorkflowSearchAttributes!.searchAttributes!.indexedFields![key]!.data!);

describe('coalesceUpserts', () => {
  it('merges the upserts of one task into one, in the place of the last, later values winning', () => {
    const commands = [
      upsert({ FbOrderPhase: 'ACKNOWLEDGING', FbCmsId: '1' }),
      activity('a'),
      upsert({ FbOrderPhase: 'IN_PROGRESS', FbMerchantOrderRef: 'OMS-1' }),
      activity('b'),
    ] as Commands;
    const merged = coalesceUpserts(commands);
    expect(merged.map((c) => Object.keys(c)[0])).toEqual([
      'scheduleActivity',
      'upsertWorkflowSearchAttributes',
      'scheduleActivity',
    ]);
    const only = merged[1]!;
    expect(Object.keys(only.upsertWorkflowSearchAttributes!.searchAttributes!.indexedFields!).sort()).toEqual([
      'FbCmsId',
      'FbMerchantOrderRef',
      'FbOrderPhase',
    ]);
    expect(text(only, 'FbOrderPhase')).toBe('IN_PROGRESS');
    expect(text(only, 'FbCmsId')).toBe('1');
  });

  it('leaves a task with one upsert or none as it is', () => {
    const one = [activity('a'), upsert({ FbOrderPhase: 'CLOSED' })] as Commands;
    expect(coalesceUpserts(one)).toBe(one);
    const none = [activity('a')] as Commands;
    expect(coalesceUpserts(none)).toBe(none);
  });
});
