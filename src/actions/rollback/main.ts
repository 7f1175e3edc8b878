// rollback: read the environment's history, choose the release to go back to, redeploy it through the
// deploy engine (same turn-taking, statuses and cancel-safety as deploy-env) and explain it all.
import { join } from 'node:path';
import { runCommand } from '../../command/run.js';
import { formatDuration } from '../../common/units.js';
import { deploy } from '../../deploy/deploy.js';
import type { DeploymentEntry } from '../../ledger/types.js';
import { planRollback, type RollbackPlan, versionOf } from '../../rollback/plan.js';
import * as core from '../kit/core.js';
import { closeLeftOpen, rememberDeployment, rememberFinished } from '../kit/deployment-post.js';
import { openLedger } from '../kit/ledger.js';
import { footer, RESULT_ICON, table } from '../kit/markdown.js';
import type { StepContext } from '../kit/run.js';
import { readSettings } from './inputs.js';

const HISTORY_ROWS = 10;

function historyTable(history: DeploymentEntry[], marks: Map<string, string>): string {
  const rows = history
    .slice(0, HISTORY_ROWS)
    .map((entry) => [
      entry.id,
      versionOf(entry),
      entry.sha.slice(0, 7),
      entry.task,
      entry.state,
      entry.statuses.some((s) => s.state === 'success') ? 'yes' : 'no',
      entry.createdAt,
      marks.get(entry.id) ?? '',
    ]);
  return table(['Deployment', 'Version', 'Commit', 'Task', 'State', 'Ever live', 'Created', ''], rows);
}

function planLines(plan: RollbackPlan, reason: string, actor: string): string[][] {
  const from = plan.current;
  return [
    ['Live before', from ? `${versionOf(from)} (deployment ${from.id}, ${from.state})` : '–'],
    ['Rolling back to', `${versionOf(plan.target)} (deployment ${plan.target.id})`],
    ['Commit', plan.target.sha],
    ['Chosen as', plan.why],
    ['Why', reason],
    ['Who', actor],
    ['URL', plan.target.statuses.find((s) => s.environmentUrl)?.environmentUrl ?? '–'],
    ['Release bundle', plan.target.record?.artifactKey ?? 'none recorded (the command redeploys the commit)'],
  ];
}

export async function main({ signal }: StepContext): Promise<void> {
  const settings = readSettings();
  const opened = await openLedger(settings.ledger, settings);
  // The newest 100 cover the default (one request); a named target may be older.
  const history = await opened.ledger.history(settings.environment, { limit: settings.to ? 1000 : 100 });
  const plan = planRollback(history, settings.to);
  for (const { entry, why } of plan.skipped)
    core.info(`passed over ${versionOf(entry)} (deployment ${entry.id}): ${why}`);
  const target = plan.target;
  const fromVersion = plan.current ? versionOf(plan.current) : '';
  const url = settings.url ?? target.statuses.find((s) => s.environmentUrl)?.environmentUrl;
  const marks = new Map<string, string>([[target.id, '⬅ target']]);
  if (plan.current) marks.set(plan.current.id, '✗ rolled back from');

  core.setOutput('rolled-back-to-version', versionOf(target));
  core.setOutput('rolled-back-to-sha', target.sha);
  core.setOutput('rolled-back-from-version', fromVersion);

  if (settings.dryRun) {
    core.info(
      `dry run: would roll ${settings.environment} back from ${fromVersion || 'nothing'} to ${versionOf(target)}`,
    );
    core.info(`payload of the target: ${JSON.stringify(target.payload)}`);
    core.setOutput('deployment-id', '');
    core.setOutput('result', 'planned');
    await core.summary
      .addRaw(
        [
          `### 🧪 Rollback plan for ${settings.environment} (dry run: nothing changed)`,
          '',
          table(['', ''], planLines(plan, settings.reason, settings.run.actor)),
          '',
          historyTable(history, marks),
          '',
          footer('rollback', [opened.describe, opened.apiCalls() ?? ''].filter(Boolean)),
          '',
        ].join('\n'),
      )
      .write();
    return;
  }

  const key = target.record?.artifactKey;
  const bundlePath = target.record?.artifactPath;
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
      rollback: plan.current
        ? { fromDeploymentId: plan.current.id, fromVersion, reason: settings.reason }
        : { fromDeploymentId: '', fromVersion: '', reason: settings.reason },
      existingArtifact: key ? { key, ...(bundlePath ? { path: bundlePath } : {}) } : undefined,
      run: settings.run,
      baseEnv: settings.baseEnv,
    },
    {
      ledger: opened.ledger,
      runCommand,
      log: core,
      signal,
      onCreated: (deployment) => rememberDeployment(deployment.id),
      beforeCommand: async () => {
        if (!key || !bundlePath) return undefined;
        if (!opened.artifacts) {
          core.warning(
            `rollback: no artifact store here to restore ${key}; the command redeploys commit ${target.sha}`,
          );
          return undefined;
        }
        const restored = await opened.artifacts.restore(key, bundlePath).catch((error: Error) => {
          core.warning(`rollback: could not restore ${key}: ${error.message}`);
          return false;
        });
        if (!restored) {
          core.warning(
            `rollback: the release bundle ${key} is gone from the ${opened.artifacts.kind} store (evicted or never saved). ` +
              `Falling back to the command with the target's commit ${target.sha} (DEPLOY_KIT_SHA); rebuild the bundle from it if your deploy needs one.`,
          );
          return { DEPLOY_KIT_ARTIFACT_PATH: '' };
        }
        core.info(`restored ${key} to ${bundlePath}`);
        return { DEPLOY_KIT_ARTIFACT_PATH: join(settings.workspace, bundlePath) };
      },
    },
  );
  rememberFinished();

  core.setOutput('deployment-id', outcome.deployment.id);
  core.setOutput('result', outcome.result);
  const icon = RESULT_ICON[outcome.result];
  const after = await opened.ledger.history(settings.environment, { limit: HISTORY_ROWS });
  marks.set(outcome.deployment.id, outcome.result === 'success' ? '✔ live now' : `✗ ${outcome.result}`);
  await core.summary
    .addRaw(
      [
        `### ${icon} Rollback of ${settings.environment}: ${fromVersion || 'nothing'} → ${versionOf(target)} (${outcome.result})`,
        '',
        table(
          ['', ''],
          [
            ...planLines(plan, settings.reason, settings.run.actor),
            [
              'Live now',
              outcome.result === 'success'
                ? `${versionOf(target)} (deployment ${outcome.deployment.id})`
                : `${fromVersion} (unchanged)`,
            ],
            ['Duration', formatDuration(outcome.durationMs)],
          ],
        ),
        '',
        outcome.reason ? `**What went wrong:** ${outcome.reason}\n` : '',
        '#### Recent deployments',
        '',
        historyTable(after, marks),
        '',
        footer('rollback', [opened.describe, opened.apiCalls() ?? ''].filter(Boolean)),
        '',
      ].join('\n'),
    )
    .write();
  if (outcome.result !== 'success') {
    core.setFailed(`rollback: ${settings.environment} to ${versionOf(target)}: ${outcome.reason}`);
  }
}

export function post(): Promise<void> {
  return closeLeftOpen('rollback');
}
