// The root action: one environment's release in one step. Gates → deploy → smoke test → rollback when the
// deploy or the smoke test fails, each through its own engine; `post` closes whatever a cancelled job left
// open, the release's deployment or the rollback's.
import { runCommand } from '../../command/run.js';
import { type DeployOutcome, deploy } from '../../deploy/deploy.js';
import type { GatesReport } from '../../gates/types.js';
import { versionOf } from '../../ledger/types.js';
import type { SmokeReport } from '../../probe/types.js';
import type { RollbackOutcome } from '../../rollback/run.js';
import * as core from '../kit/core.js';
import {
  closeLeftOpen,
  rememberDeployment,
  rememberFinished,
  rememberGroup,
} from '../kit/deployment-post.js';
import { type OpenedLedger, openLedger } from '../kit/ledger.js';
import type { StepContext } from '../kit/run.js';
import { type ReleaseSettings, readSettings } from './inputs.js';
import { rollBackTo, rollbackResult, runGates, smokeStage, timed } from './stages.js';
import { type ReleaseResult, type ReleaseStep, releaseSummary } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  const steps: ReleaseStep[] = [];
  const { version } = settings.deploy;
  core.setOutput('version', version);
  core.setOutput('sha', settings.deploy.sha);
  core.setOutput('url', settings.deploy.url ?? '');

  const gatesSettings = settings.gates;
  const gates = gatesSettings
    ? await timed(steps, 'gates', () => runGates(gatesSettings, settings.token, signal), { group: false })
    : undefined;
  if (gates && !gates.value.passed) {
    gates.step.result = 'failure';
    return finish(settings, steps, 'gates-failed', { gates: gates.value });
  }

  const opened = await openLedger(settings.ledger, settings);
  core.info(`recording in ${opened.describe}`);
  const deployed = await timed(steps, 'deploy', () =>
    deploy(settings.deploy, {
      ledger: opened.ledger,
      artifacts: opened.artifacts,
      runCommand,
      log: core,
      signal,
      runStatus: opened.runStatus,
      ledgerFlag: opened.flag,
      onGroup: rememberGroup,
      onCreated: (deployment) => rememberDeployment(deployment.id),
    }),
  );
  rememberFinished();
  const outcome = deployed.value;
  deployed.step.result = outcome.result;
  deployed.step.detail = outcome.reason ?? `${version} is live (deployment ${outcome.deployment.id})`;
  core.setOutput('deployment-id', outcome.deployment.id);
  core.setOutput('previous-version', outcome.previous ? versionOf(outcome.previous) : '');
  const details = { gates: gates?.value, deploy: outcome, facts: () => facts(opened) };
  if (outcome.result === 'cancelled' || outcome.result === 'blocked') {
    return finish(settings, steps, outcome.result, details);
  }

  const smoke = outcome.result === 'success' ? await smokeStage(settings, steps, signal) : undefined;
  if (signal.aborted) return finish(settings, steps, 'cancelled', { ...details, smoke });

  const why =
    outcome.result === 'failure'
      ? `the deploy of ${version} failed (${outcome.reason})`
      : smoke && !smoke.passed
        ? `the smoke test of ${version} failed`
        : undefined;
  if (why === undefined) return finish(settings, steps, 'released', { ...details, smoke });
  if (!settings.autoRollback) return finish(settings, steps, 'failed', { ...details, smoke, why });

  const rollback = await timed(steps, 'rollback', () =>
    rollBackTo(settings, opened, signal, why, outcome.deployment.id),
  );
  const result = rollbackResult(rollback.value, rollback.step);
  return finish(settings, steps, result, { ...details, smoke, why, rollback: rollback.value });
}

function facts(opened: OpenedLedger): string[] {
  return [opened.describe, opened.apiCalls() ?? ''].filter(Boolean);
}

async function finish(
  settings: ReleaseSettings,
  steps: ReleaseStep[],
  result: ReleaseResult,
  details: {
    gates?: GatesReport;
    deploy?: DeployOutcome;
    smoke?: SmokeReport;
    why?: string;
    rollback?: RollbackOutcome;
    facts?: () => string[];
  },
): Promise<void> {
  core.setOutput('result', result);
  const { environment, version } = settings.deploy;
  await core.summary
    .addRaw(
      releaseSummary({ environment, version, result, steps, ...details, facts: details.facts?.() ?? [] }),
    )
    .write();
  if (result === 'released') {
    core.info(`${version} is live in ${environment}`);
    return;
  }
  const because = details.why ? `: ${details.why}` : '';
  const messages: Record<Exclude<ReleaseResult, 'released'>, string> = {
    'rolled-back': `${version} was rolled back in ${environment}${because}`,
    failed: `${version} was not released to ${environment}${because}`,
    'gates-failed': `${version} was stopped by the gates before ${environment}`,
    blocked: `${version} did not deploy: ${details.deploy?.reason ?? 'another deploy held the environment'}`,
    cancelled: `the release of ${version} to ${environment} was cancelled`,
  };
  core.setFailed(`release: ${messages[result]}`);
}

export function post(): Promise<void> {
  return closeLeftOpen('release');
}
