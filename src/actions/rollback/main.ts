// rollback: read the environment's history, choose the release to go back to, redeploy it through the
// rollback engine (same turn-taking, statuses and cancel-safety as deploy-env) and explain it all.
import { versionOf } from '../../ledger/types.js';
import type { RollbackOutcome } from '../../rollback/run.js';
import * as core from '../kit/core.js';
import { closeLeftOpen } from '../kit/deployment-post.js';
import { openLedger } from '../kit/ledger.js';
import { rollBack } from '../kit/rollback.js';
import type { StepContext } from '../kit/run.js';
import { readSettings } from './inputs.js';
import { rollbackJobSummary } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = readSettings();
  const opened = await openLedger(settings.ledger, settings);
  const outcome = await rollBack(settings.rollback, opened, signal, ({ target, current }) => {
    core.setOutput('rolled-back-to-version', versionOf(target));
    core.setOutput('rolled-back-to-sha', target.sha);
    core.setOutput('rolled-back-from-version', versionOf(current));
  });
  // Nothing to go back to fails the step, saying why.
  if (outcome.kind === 'refused') throw outcome.error;
  setOutputs(outcome);
  const facts = [opened.describe, opened.apiCalls() ?? ''].filter(Boolean);
  await rollbackJobSummary(settings.rollback, outcome, facts);
}

function setOutputs(outcome: Exclude<RollbackOutcome, { kind: 'refused' }>): void {
  if (outcome.kind === 'no-op') {
    // Asked for what is live already: a success that says which run did it, and changes nothing more.
    const { standing, closed } = outcome.noOp;
    core.info(`rollback: ${outcome.noOp.message}`);
    core.setOutput('rolled-back-to-version', versionOf(standing));
    core.setOutput('rolled-back-to-sha', standing.sha);
    core.setOutput('rolled-back-from-version', standing.record?.rollback?.fromVersion ?? '');
    core.setOutput('deployment-id', closed?.id ?? '');
    core.setOutput('result', 'no-op');
    return;
  }
  core.setOutput('deployment-id', outcome.kind === 'ran' ? outcome.redeploy.deployment.id : '');
  core.setOutput('result', outcome.kind === 'ran' ? outcome.redeploy.result : 'planned');
}

export function post(): Promise<void> {
  return closeLeftOpen('rollback');
}
