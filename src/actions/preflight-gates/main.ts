// preflight-gates: evaluate every configured gate (all of them, even when one fails), show why in one table
// in the job summary and in the `deploy-kit / preflight` check run, and fail the step when a gate did not pass.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration } from '../../common/durations.js';
import {
  CheckRun,
  type CheckRunMemo,
  type CheckRunTarget,
  completeLeftOpen,
  leftOpen,
} from '../../gates/check-run.js';
import { evaluateGates } from '../../gates/evaluate.js';
import type { GateContext, GateLog, GatesReport } from '../../gates/types.js';
import type { GitHubClient } from '../../github/client.js';
import { runContext } from '../kit/context.js';
import * as core from '../kit/core.js';
import { gatesReadGitHub } from '../kit/gates.js';
import { githubClient } from '../kit/github.js';
import { InputReader } from '../kit/inputs.js';
import type { StepContext } from '../kit/run.js';
import { CHECK_RUN_NAME, type PreflightSettings, readSettings } from './inputs.js';
import { annotationOf, checkRunOutput, gatesNotPassed, headline, jobSummary, redact } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  const github = await clientFor(settings);
  // Until it is completed, post completes it: a killed step or a failed write never leaves it in progress.
  const checkRun =
    github && settings.checkRun ? await CheckRun.start(checkRunTarget(github, settings)) : undefined;
  let report: GatesReport;
  try {
    report = redact(await evaluate(settings, github, signal), settings.secretValues);
  } catch (error) {
    // Never leave the check run in progress on a pull request.
    await checkRun?.abandon(error);
    throw error;
  }

  mkdirSync(dirname(settings.reportPath), { recursive: true });
  writeFileSync(settings.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  const failed = gatesNotPassed(report);
  core.setOutput('passed', String(report.passed));
  core.setOutput('failed-gates', JSON.stringify(failed.map((gate) => gate.gate)));
  core.setOutput('report', JSON.stringify(report));
  core.setOutput('report-path', settings.reportPath);
  for (const gate of failed) {
    const { title, message } = annotationOf(gate);
    core.error(message, { title });
  }
  const conclusion = report.passed ? 'success' : signal.aborted ? 'cancelled' : 'failure';
  await checkRun?.complete(conclusion, checkRunOutput(report, settings.runUrl));
  const calls = github?.callCount();
  const facts = calls ? [`${calls.rest + calls.graphql} API calls`] : ['no API calls'];
  await core.summary.addRaw(jobSummary(report, facts)).write();
  if (!report.passed) core.setFailed(`preflight-gates: ${headline(report)}`);
}

/** Every configured gate, each in its own log group. */
function evaluate(
  settings: PreflightSettings,
  github: GitHubClient | undefined,
  signal: AbortSignal,
): Promise<GatesReport> {
  const context: GateContext = {
    target: settings.target,
    ...(github ? { github } : {}),
    env: settings.env,
    workspace: settings.workspace,
    log: gateLog,
    signal,
    now: settings.now,
    sleep: (ms, abort) => delay(ms, undefined, abort ? { signal: abort } : {}),
    ...(settings.overrideReason !== undefined ? { overrideReason: settings.overrideReason } : {}),
  };
  return evaluateGates(settings.config, context, {
    onGateStart: (gate) => core.startGroup(`${gate} gate`),
    onGateResult: (result) => {
      core.info(`${result.gate}: ${result.verdict}: ${result.detail} (${formatDuration(result.durationMs)})`);
      core.endGroup();
    },
  });
}

/** The gates' log. GitHub does not nest groups: a gate's own group becomes a titled part of the gate's group. */
const gateLog: GateLog = {
  info: core.info,
  warning: core.warning,
  group: async (name, fn) => {
    core.info(`── ${name}`);
    return fn();
  },
};

/** The client, only when a gate or the check run needs the API (branch, freeze and env gates never do). */
async function clientFor(settings: PreflightSettings): Promise<GitHubClient | undefined> {
  const { config } = settings;
  const needed = settings.checkRun || gatesReadGitHub(config);
  if (!needed) return undefined;
  if (settings.token === undefined) {
    if (settings.checkRun) core.warning(`preflight-gates: no token given, so no ${CHECK_RUN_NAME} check run`);
    return undefined;
  }
  return githubClient(settings.token);
}

const memo: CheckRunMemo = { save: core.saveState, read: core.getState };
const checkRunLog = { info: core.info, warning: core.warning, debug: core.debug };

function checkRunTarget(client: GitHubClient, settings: PreflightSettings): CheckRunTarget {
  const { owner, repo, sha } = settings.target;
  return {
    client,
    owner,
    repo,
    sha,
    name: CHECK_RUN_NAME,
    detailsUrl: settings.runUrl || undefined,
    now: settings.now,
    log: checkRunLog,
    memo,
  };
}

/** Completes the check run main left in progress (killed, or GitHub failed the completing write). */
export async function post(): Promise<void> {
  if (!leftOpen(memo)) return;
  const token = new InputReader().secret('token');
  if (!token) return;
  const { owner, repo, runUrl } = runContext();
  const client = await githubClient(token);
  await completeLeftOpen({
    client,
    owner,
    repo,
    name: CHECK_RUN_NAME,
    detailsUrl: runUrl || undefined,
    now: () => new Date(),
    log: checkRunLog,
    memo,
  });
}
