// The rollback engine's outcome as a watch reports it.
import { describe, expect, it } from 'vitest';
import type { RollbackOutcome } from '../../src/rollback/run.js';
import { watchRollbackResult } from '../../src/watch/rollback-result.js';
import { at, entry } from '../helpers/watch-history.js';

const v1 = entry({ id: '1', version: 'v1', statuses: [['success', at(0)]] });
const redeploy = entry({ id: '3', version: 'v1', statuses: [['success', at(2)]] });
const ran = (result: string, reason?: string) =>
  ({
    kind: 'ran',
    plan: { target: v1 },
    redeploy: { result, deployment: redeploy, ...(reason ? { reason } : {}) },
  }) as unknown as RollbackOutcome;

describe('watchRollbackResult', () => {
  it('a successful redeploy is rolled back, to the plan target version', () => {
    expect(watchRollbackResult(ran('success'))).toEqual({
      result: 'rolled-back',
      deploymentId: '3',
      toVersion: 'v1',
    });
  });

  it('a failed redeploy fails with its reason, or its result when it has none', () => {
    expect(watchRollbackResult(ran('failure', 'exit 2'))).toEqual({
      result: 'failed',
      reason: 'exit 2',
      deploymentId: '3',
    });
    expect(watchRollbackResult(ran('error'))).toMatchObject({ result: 'failed', reason: 'error' });
  });

  it('a no-op is answered by the rollback already standing', () => {
    const outcome = {
      kind: 'no-op',
      noOp: { standing: redeploy, message: 'run 7 rolled back to v1 already' },
    } as unknown as RollbackOutcome;
    expect(watchRollbackResult(outcome)).toEqual({
      result: 'answered',
      deploymentId: '3',
      toVersion: 'v1',
      message: 'run 7 rolled back to v1 already',
    });
  });

  it('a refusal, and a dry run a watch never asks for, are failures', () => {
    const refused = { kind: 'refused', reason: 'no earlier good release' } as unknown as RollbackOutcome;
    expect(watchRollbackResult(refused)).toEqual({ result: 'failed', reason: 'no earlier good release' });
    const planned = { kind: 'planned', plan: { target: v1 } } as unknown as RollbackOutcome;
    expect(watchRollbackResult(planned)).toEqual({
      result: 'failed',
      reason: 'the rollback was only planned',
    });
  });
});
