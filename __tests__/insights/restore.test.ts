// Time to restore: from the failure to the next delivery of another version that did not fail itself.
import { describe, expect, it } from 'vitest';
import { changeFailures } from '../../src/insights/failures.js';
import { sortRecord } from '../../src/insights/record.js';
import { timeToRestore, withRestores } from '../../src/insights/restore.js';
import type { DeploymentEntry } from '../../src/ledger/types.js';
import { at, deployment } from './hand-built.js';

const period = { since: at(0), until: at(24 * 30) };
const HOUR = 3_600_000;

function restores(history: DeploymentEntry[]) {
  const record = sortRecord('production', period, history, 'file');
  return withRestores(record, changeFailures(record));
}

describe('time to restore', () => {
  it("runs from the rollback's start to the rollback going live", () => {
    const failures = restores([
      deployment({ id: 1, version: '1.0', created: 1, statuses: [['success', 2]] }),
      deployment({ id: 2, version: '1.1', created: 3, statuses: [['success', 4]] }),
      deployment({
        id: 3,
        version: '1.0',
        created: 5,
        statuses: [['success', 5.5]],
        rollback: { from: 2, reason: 'x' },
      }),
    ]);
    expect(failures[0]?.restoredBy).toEqual({ deploymentId: '3', version: '1.0', at: at(5.5) });
    expect(failures[0]?.restoreMs).toBe(0.5 * HOUR);
    expect(timeToRestore(failures, period.until)).toMatchObject({
      restored: 1,
      unrestored: 0,
      medianMs: 0.5 * HOUR,
      maxMs: 0.5 * HOUR,
      band: 'elite',
    });
  });

  it('skips a redeploy of the failed version and a fix that failed too, and ends at a good version', () => {
    const failures = restores([
      deployment({ id: 1, version: '1.0', created: 1, statuses: [['success', 2]] }),
      deployment({
        id: 2,
        version: '1.1',
        created: 3,
        statuses: [
          ['success', 4],
          ['failure', 5, 'check red'],
        ],
      }),
      deployment({ id: 3, version: '1.1', created: 6, statuses: [['success', 7]] }),
      deployment({
        id: 4,
        version: '1.2',
        created: 8,
        statuses: [
          ['success', 9],
          ['failure', 10, 'still red'],
        ],
      }),
      deployment({ id: 5, version: '1.3', created: 11, statuses: [['success', 13]] }),
    ]);
    expect(failures.map((f) => [f.deploymentId, f.restoredBy?.deploymentId, f.restoreMs])).toEqual([
      ['2', '5', 8 * HOUR],
      ['4', '5', 3 * HOUR],
    ]);
    expect(timeToRestore(failures, period.until)).toMatchObject({
      medianMs: 5.5 * HOUR,
      maxMs: 8 * HOUR,
      band: 'high',
    });
  });

  it("counts a failure not yet restored as lasting until the period's end, and says so", () => {
    const failures = restores([
      deployment({ id: 1, version: '1.0', created: 1, statuses: [['success', 2]] }),
      deployment({
        id: 2,
        version: '1.1',
        created: 3,
        statuses: [
          ['success', 4],
          ['error', 5],
        ],
      }),
    ]);
    expect(failures[0]?.restoredBy).toBeUndefined();
    expect(timeToRestore(failures, period.until)).toEqual({
      restored: 0,
      unrestored: 1,
      medianMs: (24 * 30 - 5) * HOUR,
      maxMs: (24 * 30 - 5) * HOUR,
      band: 'low',
      why: "median over one week, counting 1 failure(s) not restored yet as lasting until the period's end",
    });
    // One restored in an hour beside it: the median is between the two, not the hour alone.
    expect(timeToRestore([{ ...failures[0]!, restoreMs: HOUR }, failures[0]!], period.until).medianMs).toBe(
      (HOUR + (24 * 30 - 5) * HOUR) / 2,
    );
  });

  it('has no band without failures', () => {
    expect(timeToRestore([], period.until)).toEqual({
      restored: 0,
      unrestored: 0,
      why: 'no failure to restore from in the period',
    });
  });
});
