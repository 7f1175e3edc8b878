// What the rollback engine's outcome means to a watch: rolled back, already answered by another run, or failed.
// A watch never plans a dry run, so a `planned` outcome is a failure to roll back.
import { versionOf } from '../ledger/types.js';
import type { RollbackOutcome } from '../rollback/run.js';
import type { WatchRollbackResult } from './watch.js';

export function watchRollbackResult(outcome: RollbackOutcome): WatchRollbackResult {
  switch (outcome.kind) {
    case 'ran':
      return outcome.redeploy.result === 'success'
        ? {
            result: 'rolled-back',
            deploymentId: outcome.redeploy.deployment.id,
            toVersion: versionOf(outcome.plan.target),
          }
        : {
            result: 'failed',
            reason: outcome.redeploy.reason ?? outcome.redeploy.result,
            deploymentId: outcome.redeploy.deployment.id,
          };
    case 'no-op':
      return {
        result: 'answered',
        deploymentId: outcome.noOp.standing.id,
        toVersion: versionOf(outcome.noOp.standing),
        message: outcome.noOp.message,
      };
    case 'refused':
      return { result: 'failed', reason: outcome.reason };
    case 'planned':
      return { result: 'failed', reason: 'the rollback was only planned' };
  }
}
