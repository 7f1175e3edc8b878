// The smoke stage, alike in smoke-test and the root release action: the probe engine's run, an error
// annotation per failed check, and the figures both report (the failed checks, the worst p95).
import { runSmoke } from '../../../probe/smoke.js';
import type { CheckResult, SmokeReport, SmokeSettings } from '../../../probe/types.js';
import * as core from '../core.js';

export interface SmokeStageResult {
  report: SmokeReport;
  failed: CheckResult[];
  /** The highest p95 latency of any check, whole milliseconds (0 when none was measured). */
  p95Ms: number;
}

/** `titlePrefix` names who speaks in the annotations' titles (`smoke-test`, `smoke test`). */
export async function runSmokeStage(
  settings: SmokeSettings,
  signal: AbortSignal,
  titlePrefix: string,
): Promise<SmokeStageResult> {
  const report = await runSmoke(settings, { log: core, signal });
  const failed = report.checks.filter((check) => !check.passed);
  for (const check of failed) {
    core.error(`${check.name}: ${check.reasons.join('; ')}`, {
      title: `${titlePrefix}: ${check.name} failed`,
    });
  }
  const p95Ms = Math.round(Math.max(0, ...report.checks.map((check) => check.latencyMs?.p95 ?? 0)));
  return { report, failed, p95Ms };
}
