// The root action's stages beside its main: each runs a stage shared with the other actions (kit/stages,
// kit/rollback) and sets its outputs and its row of the steps table; main.ts decides which run, in order.
import type { GatesReport } from '../../gates/types.js';
import { versionOf } from '../../ledger/types.js';
import type { SmokeReport } from '../../probe/types.js';
import { type RollbackOutcome, whyNoRollback } from '../../rollback/run.js';
import * as core from '../kit/core.js';
import type { OpenedLedger } from '../kit/ledger.js';
import { rollBack } from '../kit/rollback.js';
import { type GatesStageSettings, gatesClient, runGatesStage } from '../kit/stages/gates.js';
import { runSmokeStage } from '../kit/stages/smoke.js';
import type { ReleaseSettings } from './inputs.js';
import type { ReleaseResult, ReleaseStep } from './summary.js';

/**
 * Runs one stage, timing it into the steps table, in a log group of its name unless it groups its own log
 * (the gates: one group per gate); its result is set by the caller from what it returns.
 */
export async function timed<T>(
  steps: ReleaseStep[],
  name: ReleaseStep['name'],
  work: () => Promise<T>,
  { group = true }: { group?: boolean } = {},
): Promise<{ value: T; step: ReleaseStep }> {
  const step: ReleaseStep = { name, result: 'success', durationMs: 0 };
  steps.push(step);
  const started = Date.now();
  try {
    return { value: await (group ? core.group(name, work) : work()), step };
  } catch (error) {
    step.result = 'failure';
    step.detail = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    step.durationMs = Date.now() - started;
  }
}

/** The gates stage, with an error annotation per gate that did not pass. */
export async function runGates(
  gates: GatesStageSettings,
  token: string | undefined,
  signal: AbortSignal,
): Promise<GatesReport> {
  const report = await runGatesStage(gates, await gatesClient(gates.config, token), signal);
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
  const { value, step } = await timed(steps, 'smoke test', () => runSmokeStage(smoke, signal, 'smoke test'));
  const { report, failed, p95Ms } = value;
  step.result = report.passed ? 'success' : signal.aborted ? 'cancelled' : 'failure';
  step.detail = report.passed
    ? `${report.checks.length} of ${report.checks.length} checks passed`
    : `${failed.length} of ${report.checks.length} checks failed: ${failed.map((c) => c.name).join(', ')}`;
  core.setOutput('smoke-passed', String(report.passed));
  core.setOutput('p95-ms', String(p95Ms));
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
