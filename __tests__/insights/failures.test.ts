// Change failure rate: which changes failed and why; redeploys, rollbacks and failed deploys never count as
// changes; a redeploy's failure is its change's.
import { describe, expect, it } from 'vitest';
import { changeFailureRate, changeFailures, kindOfReason } from '../../src/insights/failures.js';
import { sortRecord } from '../../src/insights/record.js';
import type { DeploymentEntry } from '../../src/ledger/types.js';
import { at, deployment } from './hand-built.js';

const period = { since: at(0), until: at(24 * 30) };
const sorted = (history: DeploymentEntry[]) => sortRecord('production', period, history, 'file');

describe('changeFailures', () => {
  it('lists a rolled-back change with the rollback and its reason, known when the rollback started', () => {
    const record = sorted([
      deployment({ id: 1, version: '1.0', created: 1, statuses: [['success', 2]] }),
      deployment({ id: 2, version: '1.1', created: 3, statuses: [['success', 4]] }),
      deployment({
        id: 3,
        version: '1.0',
        created: 5,
        statuses: [['success', 6]],
        rollback: { from: 2, reason: 'errors doubled' },
      }),
    ]);
    expect(changeFailures(record)).toEqual([
      {
        deploymentId: '2',
        version: '1.1',
        liveAt: at(4),
        kind: 'rolled-back',
        failedAt: at(5),
        why: 'rolled back by deployment 3: errors doubled',
      },
    ]);
    const rate = changeFailureRate(record, changeFailures(record));
    expect(rate).toMatchObject({ failures: 1, deployments: 2, rate: 0.5, band: 'low' });
  });

  it('names canary aborts and failed smoke tests by the reasons canary-promote and the release record', () => {
    expect(kindOfReason('canary 1.4.0 aborted')).toBe('canary-aborted');
    expect(kindOfReason('the smoke test of 1.4.0 failed')).toBe('smoke-failed');
    expect(kindOfReason('rollback requested')).toBe('rolled-back');
  });

  it('counts a failure status after going live (a post-deploy check), not one before', () => {
    const record = sorted([
      deployment({
        id: 1,
        version: '1.0',
        created: 1,
        statuses: [
          ['success', 2],
          ['failure', 2.5, 'synthetic check red'],
        ],
      }),
      deployment({
        id: 2,
        version: '1.1',
        created: 3,
        statuses: [['failure', 3.5, 'deploy command failed']],
      }),
    ]);
    const failures = changeFailures(record);
    expect(failures.map((f) => [f.deploymentId, f.kind, f.failedAt, f.why])).toEqual([
      ['1', 'failed-after-live', at(2.5), 'marked failure after it went live: synthetic check red'],
    ]);
    // The deploy that never went live is neither a change nor a failure.
    expect(changeFailureRate(record, failures)).toMatchObject({ failures: 1, deployments: 1, rate: 1 });
  });

  it("gives a redeploy's rollback to the change that brought the version, once", () => {
    const record = sorted([
      deployment({ id: 1, version: '1.0', created: 1, statuses: [['success', 2]] }),
      deployment({ id: 2, version: '1.1', created: 3, statuses: [['success', 4]] }),
      deployment({ id: 3, version: '1.1', created: 5, statuses: [['success', 6]] }),
      deployment({
        id: 4,
        version: '1.0',
        created: 7,
        statuses: [['success', 8]],
        rollback: { from: 3, reason: 'canary 1.1 aborted' },
      }),
      deployment({
        id: 5,
        version: '1.0',
        created: 7.5,
        rollback: { from: 2, reason: 'pressed twice' },
        statuses: [['inactive', 8]],
      }),
    ]);
    const failures = changeFailures(record);
    expect(failures.map((f) => [f.deploymentId, f.kind, f.failedAt])).toEqual([
      ['2', 'canary-aborted', at(7)],
    ]);
    expect(changeFailureRate(record, failures)).toMatchObject({ failures: 1, deployments: 2, rate: 0.5 });
  });

  it('counts a rollback that was started even if it never went live', () => {
    const record = sorted([
      deployment({ id: 1, version: '1.0', created: 1, statuses: [['success', 2]] }),
      deployment({ id: 2, version: '1.1', created: 3, statuses: [['success', 4]] }),
      deployment({
        id: 3,
        version: '1.0',
        created: 5,
        statuses: [['failure', 6]],
        rollback: { from: 2, reason: 'x' },
      }),
    ]);
    expect(changeFailures(record).map((f) => f.deploymentId)).toEqual(['2']);
  });

  it('has no rate without a change in the period', () => {
    const record = sorted([]);
    expect(changeFailureRate(record, [])).toEqual({
      failures: 0,
      deployments: 0,
      why: 'no deployment went live in the period',
    });
  });
});
