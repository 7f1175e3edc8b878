// rollback: read the environment's history, choose the release to go back to, redeploy it through the
// deploy engine (same turn-taking, statuses and cancel-safety as deploy-env) and explain it all.

import { runCommand } from '../../command/run.js';
import { redactUrl } from '../../common/safe-url.js';
import { pathRoots } from '../../common/workspace-path.js';
import { type DeployOutcome, deploy } from '../../deploy/deploy.js';
import { type DeploymentEntry, versionOf } from '../../ledger/types.js';
import { recordedBundlePath, restoreBundle } from '../../rollback/bundle.js';
import { planRollback, type RollbackPlan } from '../../rollback/plan.js';
import * as core from '../kit/core.js';
import { closeLeftOpen, rememberDeployment, rememberFinished } from '../kit/deployment-post.js';
import { type OpenedLedger, openLedger } from '../kit/ledger.js';
import type { StepContext } from '../kit/run.js';
import { type RollbackSettings, readSettings } from './inputs.js';
import { dryRunSummary, outcomeSummary } from './summary.js';

export interface RollbackRun {
  plan: RollbackPlan;
  history: DeploymentEntry[];
  /** The redeploy's outcome; absent on a dry run. */
  outcome?: DeployOutcome;
}

/**
 * Reads the history, plans the rollback and (unless a dry run) redeploys the target through the deploy
 * engine. Shared with canary-promote, whose `rollback: true` runs it after an abort.
 */
export async function rollBack(
  settings: RollbackSettings,
  opened: OpenedLedger,
  signal: AbortSignal,
  onPlan?: (plan: RollbackPlan) => void,
): Promise<RollbackRun> {
  // The newest 100 cover the default (one request); a named target may be older.
  const history = await opened.ledger.history(settings.environment, { limit: settings.to ? 1000 : 100 });
  const plan = planRollback(history, settings.to);
  for (const { entry, why } of plan.skipped)
    core.info(`passed over ${versionOf(entry)} (deployment ${entry.id}): ${why}`);
  onPlan?.(plan);
  const { target, current } = plan;
  if (settings.dryRun) {
    core.info(
      `dry run: would roll ${settings.environment} back from ${versionOf(current)} to ${versionOf(target)}`,
    );
    core.info(`payload of the target: ${JSON.stringify(target.payload)}`);
    return { plan, history };
  }
  // A record written before URLs were stored without their secrets must not bring them back.
  const recorded = target.statuses.find((s) => s.environmentUrl)?.environmentUrl;
  const url = settings.url ?? (recorded === undefined ? undefined : redactUrl(recorded));
  const key = target.record?.artifactKey;
  const bundlePath = recordedBundlePath(target, pathRoots());
  const outcome = await deploy(
    {
      environment: settings.environment,
      sha: target.sha,
      ref: target.ref,
      version: versionOf(target),
      command: settings.command,
      workingDirectory: settings.workingDirectory,
      url,
      description: `rollback to ${versionOf(target)}: ${settings.reason}`,
      payload: { ...target.payload },
      autoMerge: false,
      requiredContexts: [],
      onConcurrent: settings.onConcurrent,
      task: 'deploy:rollback',
      rollback: { fromDeploymentId: current.id, fromVersion: versionOf(current), reason: settings.reason },
      existingArtifact: key ? { key, ...(bundlePath ? { path: bundlePath } : {}) } : undefined,
      run: settings.run,
      baseEnv: settings.baseEnv,
    },
    {
      ledger: opened.ledger,
      history,
      runCommand,
      log: core,
      signal,
      onCreated: (deployment) => rememberDeployment(deployment.id),
      beforeCommand: () => restoreBundle(target, opened.artifacts, settings.workspace, core),
    },
  );
  rememberFinished();
  return { plan, history, outcome };
}

export async function main({ signal }: StepContext): Promise<void> {
  const settings = readSettings();
  const opened = await openLedger(settings.ledger, settings);
  const { plan, history, outcome } = await rollBack(settings, opened, signal, ({ target, current }) => {
    core.setOutput('rolled-back-to-version', versionOf(target));
    core.setOutput('rolled-back-to-sha', target.sha);
    core.setOutput('rolled-back-from-version', versionOf(current));
  });
  const { target } = plan;
  const facts = () => [opened.describe, opened.apiCalls() ?? ''].filter(Boolean);

  if (!outcome) {
    core.setOutput('deployment-id', '');
    core.setOutput('result', 'planned');
    const markdown = dryRunSummary(
      settings.environment,
      plan,
      history,
      settings.run.actor,
      settings.reason,
      facts(),
    );
    await core.summary.addRaw(markdown).write();
    return;
  }

  core.setOutput('deployment-id', outcome.deployment.id);
  core.setOutput('result', outcome.result);
  const markdown = outcomeSummary(
    settings.environment,
    plan,
    history,
    outcome,
    settings.run.actor,
    settings.reason,
    facts(),
  );
  await core.summary.addRaw(markdown).write();
  if (outcome.result !== 'success') {
    core.setFailed(`rollback: ${settings.environment} to ${versionOf(target)}: ${outcome.reason}`);
  }
}

export function post(): Promise<void> {
  return closeLeftOpen('rollback');
}
