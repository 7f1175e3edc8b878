// The rollback engine on a ledger an action opened, the same way for every action that rolls back (the
// rollback action, canary-promote, the release): its log, and the post step's memory of the deployment.
import { runCommand } from '../../command/run.js';
import type { RollbackPlan } from '../../rollback/plan.js';
import { type RollbackOutcome, type RollbackSettings, runRollback } from '../../rollback/run.js';
import * as core from './core.js';
import {
  rememberDeployment,
  rememberFinished,
  rememberGroup,
  rememberUnfinished,
} from './deployment-post.js';
import type { LedgerAccess, LedgerSpec, OpenedLedger } from './ledger.js';

/** A rollback and the ledger it reads and records in (the rollback action's, canary-promote's). */
export interface RollbackOnLedger extends LedgerAccess {
  rollback: RollbackSettings;
  ledger: LedgerSpec;
}

export async function rollBack(
  settings: RollbackSettings,
  opened: OpenedLedger,
  signal: AbortSignal,
  onPlan?: (plan: RollbackPlan) => void,
): Promise<RollbackOutcome> {
  let created = false;
  const outcome = await runRollback(settings, {
    ledger: opened.ledger,
    artifacts: opened.artifacts,
    runStatus: opened.runStatus,
    ledgerFlag: opened.flag,
    github: opened.github,
    runCommand,
    log: core,
    signal,
    onCreated: (deployment) => {
      // The step may have finished a deployment of its own already (the release's): post watches this one now.
      created = true;
      rememberUnfinished();
      rememberDeployment(deployment.id);
    },
    onGroup: rememberGroup,
    ...(onPlan ? { onPlan } : {}),
  });
  if (created) rememberFinished();
  return outcome;
}
