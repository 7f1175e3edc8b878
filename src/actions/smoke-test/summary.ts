// The smoke test's job summary (one row per check: status, latency, verdict, reason) and the step's failure.
import { formatDuration } from '../../common/durations.js';
import type { CheckResult, SmokeReport } from '../../probe/types.js';
import * as core from '../kit/core.js';
import { footer, table } from '../kit/markdown.js';

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value)} ms`;
}

function summaryMarkdown(report: SmokeReport): string {
  const failed = report.checks.filter((check) => !check.passed);
  const requests = report.checks.reduce((sum, check) => sum + check.samples.sent, 0);
  const heading = report.passed
    ? `### ✅ Smoke test passed: ${report.checks.length} of ${report.checks.length} checks`
    : `### ❌ Smoke test failed: ${failed.length} of ${report.checks.length} checks`;
  const rows = report.checks.map((check: CheckResult) => [
    check.name,
    check.status === undefined ? '–' : String(check.status),
    ms(check.latencyMs?.p50),
    ms(check.latencyMs?.p95),
    ms(check.latencyMs?.p99),
    check.passed ? '✅ pass' : '❌ fail',
    check.reasons.join('; ') ||
      (check.readiness.attempts > 1 ? `ready after ${check.readiness.attempts} attempts` : ''),
  ]);
  return [
    heading,
    '',
    table(['Check', 'Status', 'p50', 'p95', 'p99', 'Verdict', 'Reason'], rows),
    '',
    footer('smoke-test', [`${requests} requests`, formatDuration(report.durationMs)]),
    '',
  ].join('\n');
}

/** The job summary, and the step failed when a check did not pass (each failed check is annotated already). */
export async function smokeJobSummary(report: SmokeReport, failed: CheckResult[]): Promise<void> {
  await core.summary.addRaw(summaryMarkdown(report)).write();
  if (!report.passed) {
    core.setFailed(`smoke-test: ${failed.length} of ${report.checks.length} checks failed`);
  }
}
