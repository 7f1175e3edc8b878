// smoke-test: wire inputs to the probe engine, then outputs, annotations, report and the job summary.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatDuration } from '../../common/durations.js';
import { toJUnitXml } from '../../probe/junit.js';
import { runSmoke } from '../../probe/smoke.js';
import type { CheckResult, SmokeReport } from '../../probe/types.js';
import * as core from '../kit/core.js';
import { footer, table } from '../kit/markdown.js';
import type { StepContext } from '../kit/run.js';
import { readSettings } from './inputs.js';

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value)} ms`;
}

function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
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

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  const report = await runSmoke(settings.smoke, { log: core, signal });

  writeFile(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  if (settings.junitPath) writeFile(settings.junitPath, toJUnitXml(report));

  const failed = report.checks.filter((check) => !check.passed);
  for (const check of failed) {
    core.error(`${check.name}: ${check.reasons.join('; ')}`, { title: `smoke-test: ${check.name} failed` });
  }
  const p95 = Math.max(0, ...report.checks.map((check) => check.latencyMs?.p95 ?? 0));
  core.setOutput('passed', String(report.passed));
  core.setOutput('failed-checks', JSON.stringify(failed.map((check) => check.name)));
  core.setOutput('p95-ms', String(Math.round(p95)));
  core.setOutput('report', settings.reportPath);
  if (settings.junitPath) core.setOutput('junit', settings.junitPath);
  await core.summary.addRaw(summaryMarkdown(report)).write();

  if (!report.passed) {
    core.setFailed(`smoke-test: ${failed.length} of ${report.checks.length} checks failed`);
  }
}
