// The rollback's job summary (the plan, the outcome, the environment's recent history) and its failure.
import { versionOf } from '../../ledger/types.js';
import type { RollbackOutcome, RollbackSettings } from '../../rollback/run.js';
import * as core from '../kit/core.js';
import { abandonedTable } from '../kit/markdown.js';
import { dryRunSummary, noOpSummary, outcomeSummary } from '../kit/rollback-summary.js';

export async function rollbackJobSummary(
  settings: RollbackSettings,
  outcome: Exclude<RollbackOutcome, { kind: 'refused' }>,
  facts: string[],
): Promise<void> {
  const { environment, reason } = settings;
  const who = settings.run.actor;
  if (outcome.kind === 'no-op') {
    await core.summary.addRaw(noOpSummary(environment, outcome.noOp, who, facts)).write();
    return;
  }
  if (outcome.kind === 'planned') {
    await core.summary
      .addRaw(dryRunSummary(environment, outcome.plan, outcome.history, who, reason, facts))
      .write();
    return;
  }
  const { plan, history, redeploy } = outcome;
  await core.summary
    .addRaw(outcomeSummary(environment, plan, history, redeploy, who, reason, facts))
    .addRaw(abandonedTable(redeploy.abandoned))
    .write();
  if (redeploy.result !== 'success') {
    core.setFailed(`rollback: ${environment} to ${versionOf(plan.target)}: ${redeploy.reason}`);
  }
}
