// The root action's stages beside its main: each runs one engine and sets its outputs and its row of the
// steps table; main.ts decides which run, in order.
import { setTimeout as delay } from 'node:timers/promises';
import type { GatesReport } from '../../gates/types.js';
import { versionOf } from '../../ledger/types.js';
import { runSmoke } from '../../probe/smoke.js';
import type { SmokeReport } from '../../probe/types.js';
import { type RollbackOutcome, whyNoRollback } from '../../rollback/run.js';
import * as core from '../kit/core.js';
import { gatesReadGitHub } from '../kit/gates.js';
import { githubClient } from '../kit/github.js';
import type { OpenedLedger } from '../kit/ledger.js';
import { rollBack } from '../kit/rollback.js';
import type { ReleaseSettings } from './inputs.js';
import type { ReleaseResult, ReleaseStep } from './summary.js';

/** Runs one stage, timing it into the steps table; its result is set by the caller from what it returns. */
export async function timed<T>(
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

export async function runGates(settings: ReleaseSettings, signal: AbortSignal): Promise<GatesReport> {
  const gates = settings.gates!;
  const { evaluateGates } = await import('../../gates/evaluate.js');
  const github =
    settings.token && gatesReadGitHub(gates.config) ? await githubClient(settings.token) : undefined;
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

/** The smoke test of the new release, when one is configured: outputs, annotations and its row. */
export async function smokeStage(
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
export function rollbackResult(rollback: RollbackOutcome, step: ReleaseStep): ReleaseResult {
  if (rollback.kind === 'refused' || rollback.kind === 'no-op') {
    step.result = 'failure';
    step.detail = `no rollback: ${whyNoRollback(rollback)}`;
    return 'failed';
  }
  const redeploy = rollback.kind === 'ran' ? rollback.redeploy : undefined;
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

/** The rollback engine on the ledger this step already opened, undoing the release's own deployment. */
export function rollBackTo(
  settings: ReleaseSettings,
  opened: OpenedLedger,
  signal: AbortSignal,
  reason: string,
  /** The release's own deployment, the one rolled back. */
  deploymentId: string,
): Promise<RollbackOutcome> {
  return rollBack({ ...settings.rollback, reason, rollbackOf: deploymentId }, opened, signal);
}
