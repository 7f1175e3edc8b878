// preflight-gates: evaluate every configured gate (all of them, even when one fails), show why in one table
// in the job summary and in the `deploy-kit / preflight` check run, and fail the step when a gate did not pass.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GatesReport } from '../../gates/types.js';
import { completeCheckRunLeftOpen, startCheckRun } from '../kit/check-run.js';
import * as core from '../kit/core.js';
import { CHECK_RUN_NAME } from '../kit/gates.js';
import type { StepContext } from '../kit/run.js';
import { gatesClient, runGatesStage } from '../kit/stages/gates.js';
import { readSettings } from './inputs.js';
import { checkRunOutput, gatesJobSummary, gatesNotPassed, redact } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  if (settings.checkRun && settings.token === undefined)
    core.warning(`preflight-gates: no token given, so no ${CHECK_RUN_NAME} check run`);
  const github = await gatesClient(settings.config, settings.token, settings.checkRun);
  // Until it is completed, post completes it: a killed step or a failed write never leaves it in progress.
  const checkRun =
    github && settings.checkRun
      ? await startCheckRun(github, { ...settings.target, runUrl: settings.runUrl, now: settings.now })
      : undefined;
  let report: GatesReport;
  try {
    report = redact(await runGatesStage(settings, github, signal), settings.secretValues);
  } catch (error) {
    // Never leave the check run in progress on a pull request.
    await checkRun?.abandon(error);
    throw error;
  }

  mkdirSync(dirname(settings.reportPath), { recursive: true });
  writeFileSync(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  core.setOutput('passed', String(report.passed));
  core.setOutput('failed-gates', JSON.stringify(gatesNotPassed(report).map((gate) => gate.gate)));
  core.setOutput('report', JSON.stringify(report));
  core.setOutput('report-path', settings.reportPath);
  const conclusion = report.passed ? 'success' : signal.aborted ? 'cancelled' : 'failure';
  await checkRun?.complete(conclusion, checkRunOutput(report, settings.runUrl));
  const calls = github?.callCount();
  await gatesJobSummary(report, calls ? [`${calls.rest + calls.graphql} API calls`] : ['no API calls']);
}

export function post(): Promise<void> {
  return completeCheckRunLeftOpen();
}
