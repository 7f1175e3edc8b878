// smoke-test: wire inputs to the probe engine (the smoke stage), then the report files, outputs and the job
// summary.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { toJUnitXml } from '../../probe/junit.js';
import * as core from '../kit/core.js';
import type { StepContext } from '../kit/run.js';
import { runSmokeStage } from '../kit/stages/smoke.js';
import { readSettings } from './inputs.js';
import { smokeJobSummary } from './summary.js';

function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  const { report, failed, p95Ms } = await runSmokeStage(settings.smoke, signal, 'smoke-test');

  writeFile(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  if (settings.junitPath) writeFile(settings.junitPath, toJUnitXml(report));
  core.setOutput('passed', String(report.passed));
  core.setOutput('failed-checks', JSON.stringify(failed.map((check) => check.name)));
  core.setOutput('p95-ms', String(p95Ms));
  core.setOutput('report', settings.reportPath);
  if (settings.junitPath) core.setOutput('junit', settings.junitPath);
  await smokeJobSummary(report, failed);
}
