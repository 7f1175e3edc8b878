// rollback: read the environment's history, choose the release to go back to, redeploy it through the
// deploy engine (same turn-taking, statuses and cancel-safety as deploy-env) and explain it all.

import { runCommand } from '../../command/run.js';
import { pathRoots } from '../../common/workspace-path.js';
import { type DeployOutcome, deploy } from '../../deploy/deploy.js';
import { abandonedDescription, DEFAULT_LEASE_TIMEOUT_MS, settleAbandoned } from '../../deploy/lease.js';
import { redactUrl } from '../../http/safe-url.js';
import { type DeploymentEntry, versionOf } from '../../ledger/types.js';
import { recordedBundlePath, restoreBundle } from '../../rollback/bundle.js';
import {
  answeredAfterTurn,
  DEFAULT_HISTORY_LIMIT,
  HistoryReader,
  planFromHistory,
} from '../../rollback/history.js';
import { RollbackNoOp, type RollbackPlan } from '../../rollback/plan.js';
import type { Press } from '../../rollback/press.js';
import * as core from '../kit/core.js';
import {
  closeLeftOpen,
  rememberDeployment,
  rememberFinished,
  rememberGroup,
} from '../kit/deployment-post.js';
import { type OpenedLedger, openLedger } from '../kit/ledger.js';
import { abandonedTable } from '../kit/markdown.js';
import type { StepContext } from '../kit/run.js';
import { type RollbackSettings, readSettings } from './inputs.js';
import { pressOf } from './pressed.js';
import { dryRunSummary, noOpSummary, outcomeSummary } from './summary.js';

export interface RollbackRun {
  plan: RollbackPlan;
  history: DeploymentEntry[];
  /** When the rollback was asked for: what was live then is what it rolls back. */
  press: Press;
  /** The redeploy's outcome; absent on a dry run. */
  outcome?: DeployOutcome;
}

/**
 * Reads the history (as far back as the plan needs), plans the rollback and (unless a dry run) redeploys the
 * target through the deploy engine. Once its turn comes it plans again: a press another run answered in the
 * meantime ends as a RollbackNoOp. Shared with canary-promote and the release, which roll back automatically.
 */
export async function rollBack(
  settings: RollbackSettings,
  opened: OpenedLedger,
  signal: AbortSignal,
  onPlan?: (plan: RollbackPlan) => void,
): Promise<RollbackRun> {
  const press = await pressOf(settings, opened);
  core.info(`rollback of ${settings.environment} asked for at ${press.at} (${press.source})`);
  const limit = settings.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  let reader = new HistoryReader(opened.ledger, settings.environment, limit);
  // The newest page, read afresh after each abandoned lease is closed; the plan goes on from it.
  const readNewest = async () => {
    reader = new HistoryReader(opened.ledger, settings.environment, limit);
    await reader.next();
    return reader.entries;
  };
  // A crashed deploy or rollback must not hide the release to go back to: its abandoned lease is closed first.
  // A dry run changes nothing: it only reads.
  if (settings.dryRun) await readNewest();
  const { abandoned } = settings.dryRun
    ? { abandoned: [] }
    : await settleAbandoned(readNewest, opened.ledger, {
        leaseTimeoutMs: settings.onConcurrent.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS,
        runStatus: opened.runStatus,
        waitMs: settings.onConcurrent.timeoutMs,
        signal,
        log: core.info,
      });
  for (const gone of abandoned) {
    core.warning(
      `deployment ${gone.id} (${gone.version}) was ${abandonedDescription(gone)} (${gone.how}); closed as error before planning`,
    );
  }
  const { plan, history, inFlight } = await planFromHistory(reader, { to: settings.to, press });
  core.info(`read ${history.length} deployment(s) of ${settings.environment} in ${reader.pages} page(s)`);
  for (const { entry, why } of plan.skipped)
    core.info(`passed over ${versionOf(entry)} (deployment ${entry.id}): ${why}`);
  for (const entry of inFlight)
    core.info(
      `deployment ${entry.id} (${entry.record?.run?.url || 'another run'}) is already rolling back ${versionOf(plan.current)}: this run waits for it, and does nothing if it goes live`,
    );
  onPlan?.(plan);
  const { target, current } = plan;
  if (settings.dryRun) {
    core.info(
      `dry run: would roll ${settings.environment} back from ${versionOf(current)} to ${versionOf(target)}`,
    );
    core.info(`payload of the target: ${JSON.stringify(target.payload)}`);
    return { plan, history, press };
  }
  // A record written before URLs were stored without their secrets must not bring them back.
  const recorded = target.statuses.find((s) => s.environmentUrl)?.environmentUrl;
  const url = settings.url ?? (recorded === undefined ? undefined : redactUrl(recorded));
  const key = target.record?.artifactKey;
  const bundlePath = recordedBundlePath(target, pathRoots());
  let standing: DeploymentEntry | undefined;
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
      afterTurn: (seen) => {
        const noOp = answeredAfterTurn(seen, { to: settings.to, press }, settings.environment);
        standing = noOp?.standing;
        return noOp?.message;
      },
      runStatus: opened.runStatus,
      ledgerFlag: opened.flag,
      onGroup: rememberGroup,
      beforeCommand: () => restoreBundle(target, opened.artifacts, settings.workspace, core),
    },
  );
  rememberFinished();
  if (outcome.result === 'skipped' && standing)
    throw new RollbackNoOp(outcome.reason ?? 'nothing to do', standing, outcome.deployment);
  return { plan, history, press, outcome: { ...outcome, abandoned: [...abandoned, ...outcome.abandoned] } };
}

export async function main({ signal }: StepContext): Promise<void> {
  const settings = readSettings();
  const opened = await openLedger(settings.ledger, settings);
  const facts = () => [opened.describe, opened.apiCalls() ?? ''].filter(Boolean);
  let run: RollbackRun;
  try {
    run = await rollBack(settings, opened, signal, ({ target, current }) => {
      core.setOutput('rolled-back-to-version', versionOf(target));
      core.setOutput('rolled-back-to-sha', target.sha);
      core.setOutput('rolled-back-from-version', versionOf(current));
    });
  } catch (error) {
    if (!(error instanceof RollbackNoOp)) throw error;
    return noOp(settings, error, facts());
  }
  const { plan, history, outcome } = run;
  const { target } = plan;

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
  await core.summary.addRaw(markdown).addRaw(abandonedTable(outcome.abandoned)).write();
  if (outcome.result !== 'success') {
    core.setFailed(`rollback: ${settings.environment} to ${versionOf(target)}: ${outcome.reason}`);
  }
}

/** Asked for what is live already: a success that says which run did it, and changes nothing more. */
async function noOp(settings: RollbackSettings, noop: RollbackNoOp, facts: string[]): Promise<void> {
  const { standing, closed } = noop;
  core.info(`rollback: ${noop.message}`);
  core.setOutput('rolled-back-to-version', versionOf(standing));
  core.setOutput('rolled-back-to-sha', standing.sha);
  core.setOutput('rolled-back-from-version', standing.record?.rollback?.fromVersion ?? '');
  core.setOutput('deployment-id', closed?.id ?? '');
  core.setOutput('result', 'no-op');
  await core.summary.addRaw(noOpSummary(settings.environment, noop, settings.run.actor, facts)).write();
}

export function post(): Promise<void> {
  return closeLeftOpen('rollback');
}
