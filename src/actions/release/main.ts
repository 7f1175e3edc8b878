// The root action: one environment's release in one step. Gates → deploy → smoke test → rollback when the
// deploy or the smoke test fails, each through its own engine; `post` closes whatever a cancelled job left
// open, the release's deployment or the rollback's.
import { setTimeout as delay } from 'node:timers/promises';
import { runCommand } from '../../command/run.js';
import { type DeployOutcome, deploy } from '../../deploy/deploy.js';
import type { GatesReport } from '../../gates/types.js';
import { versionOf } from '../../ledger/types.js';
import { runSmoke } from '../../probe/smoke.js';
import type { SmokeReport } from '../../probe/types.js';
import { RollbackRefused } from '../../rollback/plan.js';
import * as core from '../kit/core.js';
import {
  closeLeftOpen,
  rememberDeployment,
  rememberFinished,
  rememberUnfinished,
} from '../kit/deployment-post.js';
import { githubClient } from '../kit/github.js';
import { type OpenedLedger, openLedger } from '../kit/ledger.js';
import type { StepContext } from '../kit/run.js';
import { type RollbackRun, rollBack } from '../rollback/main.js';
import { type ReleaseSettings, readSettings } from './inputs.js';
import { type ReleaseResult, type ReleaseStep, releaseSummary } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  const steps: ReleaseStep[] = [];
  const { version } = settings.deploy;
  core.setOutput('version', version);
  core.setOutput('sha', settings.deploy.sha);
  core.setOutput('url', settings.deploy.url ?? '');

  const gates = settings.gates ? await timed(steps, 'gates', () => runGates(settings, signal)) : undefined;
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

  const rollback = await timed(steps, 'rollback', () => rollBackTo(settings, opened, signal, why));
  const result = rollbackResult(rollback.value, rollback.step);
  return finish(settings, steps, result, { ...details, smoke, why, rollback: rollback.value });
}

/** The smoke test of the new release, when one is configured: outputs, annotations and its row. */
async function smokeStage(
  settings: ReleaseSettings,
  steps: ReleaseStep[],
  signal: AbortSignal,
): Promise<SmokeReport | undefined> {
  const { environment, version } = settings.deploy;
  if (!settings.smoke) {
    core.notice(
      `release: no smoke-url or smoke-checks given, so ${version} in ${environment} was not smoke-tested`,
    );
    return undefined;
  }
  const smoke = settings.smoke;
  const { value: report, step } = await timed(steps, 'smoke test', () =>
    runSmoke(smoke, { log: core, signal }),
  );
  const failed = report.checks.filter((check) => !check.passed);
  step.result = report.passed ? 'success' : signal.aborted ? 'cancelled' : 'failure';
  step.detail = report.passed
    ? `${report.checks.length} of ${report.checks.length} checks passed`
    : `${failed.length} of ${report.checks.length} checks failed: ${failed.map((c) => c.name).join(', ')}`;
  for (const check of failed) {
    core.error(`${check.name}: ${check.reasons.join('; ')}`, { title: `smoke test: ${check.name} failed` });
  }
  const p95 = Math.max(0, ...report.checks.map((check) => check.latencyMs?.p95 ?? 0));
  core.setOutput('smoke-passed', String(report.passed));
  core.setOutput('p95-ms', String(Math.round(p95)));
  return report;
}

/** What the rollback leaves: outputs, its row, and the release's result. */
function rollbackResult(rollback: RollbackRun | { refused: string }, step: ReleaseStep): ReleaseResult {
  if (!('plan' in rollback)) {
    step.result = 'failure';
    step.detail = rollback.refused;
    return 'failed';
  }
  const redeploy = rollback.outcome;
  const target = versionOf(rollback.plan.target);
  step.result = redeploy?.result ?? 'failure';
  step.detail =
    redeploy?.result === 'success'
      ? `${target} is live again (deployment ${redeploy.deployment.id})`
      : (redeploy?.reason ?? 'no redeploy');
  if (redeploy) {
    core.setOutput('rolled-back-to-version', target);
    core.setOutput('rollback-deployment-id', redeploy.deployment.id);
  }
  if (redeploy?.result === 'success') return 'rolled-back';
  return redeploy?.result === 'cancelled' ? 'cancelled' : 'failed';
}

/** Runs one stage, timing it into the steps table; its result is set by the caller from what it returns. */
async function timed<T>(
  steps: ReleaseStep[],
  name: ReleaseStep['name'],
  work: () => Promise<T>,
): Promise<{ value: T; step: ReleaseStep }> {
  const step: ReleaseStep = { name, result: 'success', durationMs: 0 };
  steps.push(step);
  const started = Date.now();
  try {
    return { value: await core.group(name, work), step };
  } catch (error) {
    step.result = 'failure';
    step.detail = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    step.durationMs = Date.now() - started;
  }
}

async function runGates(settings: ReleaseSettings, signal: AbortSignal): Promise<GatesReport> {
  const gates = settings.gates!;
  const { evaluateGates } = await import('../../gates/evaluate.js');
  const github = settings.token ? await githubClient(settings.token) : undefined;
  const report = await evaluateGates(gates.config, {
    target: gates.target,
    ...(github ? { github } : {}),
    env: settings.env,
    workspace: settings.workspace,
    log: core,
    signal,
    now: () => new Date(),
    sleep: (ms, abort) => delay(ms, undefined, abort ? { signal: abort } : {}),
    ...(gates.overrideReason !== undefined ? { overrideReason: gates.overrideReason } : {}),
  });
  for (const gate of report.gates.filter((g) => g.verdict === 'fail' || g.verdict === 'error')) {
    core.error(gate.detail, { title: `gate ${gate.gate}: ${gate.verdict}` });
  }
  return report;
}

/** The rollback action's engine run, on the ledger this step already opened; a refusal is an answer, not a crash. */
async function rollBackTo(
  settings: ReleaseSettings,
  opened: OpenedLedger,
  signal: AbortSignal,
  reason: string,
): Promise<RollbackRun | { refused: string }> {
  rememberUnfinished();
  try {
    return await rollBack(
      {
        environment: settings.deploy.environment,
        reason,
        dryRun: false,
        command: settings.rollbackCommand,
        workingDirectory: settings.deploy.workingDirectory,
        onConcurrent: settings.deploy.onConcurrent,
        ledger: settings.ledger,
        ...(settings.token ? { token: settings.token } : {}),
        owner: settings.owner,
        repo: settings.repo,
        workspace: settings.workspace,
        run: settings.deploy.run,
        baseEnv: settings.deploy.baseEnv,
      },
      opened,
      signal,
    );
  } catch (error) {
    if (!(error instanceof RollbackRefused)) throw error;
    rememberFinished();
    return { refused: `no rollback: ${error.message}` };
  }
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
    rollback?: RollbackRun | { refused: string };
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
