import { describe, expect, it } from 'vitest';
import { changeFailures } from '../../src/insights/failures.js';
import { commitLeads } from '../../src/insights/lead-time.js';
import { sortRecord } from '../../src/insights/record.js';
import { withRestores } from '../../src/insights/restore.js';
import { weekByWeek } from '../../src/insights/weeks.js';
import { at, deployment, linearGraph } from './hand-built.js';

describe('weekByWeek', () => {
  it('puts each key in the week its change went live', () => {
    const record = sortRecord(
      'production',
      { since: at(0), until: at(24 * 14) },
      [
        deployment({ id: 1, version: 'a', created: 1, statuses: [['success', 2]] }),
        deployment({ id: 2, version: 'b', created: 200, statuses: [['success', 201]] }),
        deployment({
          id: 3,
          version: 'a',
          created: 203,
          statuses: [['success', 205]],
          rollback: { from: 2, reason: 'x' },
        }),
      ],
      'file',
    );
    const graph = linearGraph([
      ['a', 1],
      ['b', 199],
    ]);
    const weeks = weekByWeek(
      record,
      commitLeads(record, graph),
      withRestores(record, changeFailures(record)),
    );
    expect(weeks).toEqual([
      { start: '2026-03-02', deployments: 1, leadMedianHours: 1, failureRate: 0 },
      { start: '2026-03-09', deployments: 1, leadMedianHours: 2, failureRate: 1, restoreMedianHours: 2 },
    ]);
  });
});
