// preflight-gates: evaluate every configured gate (all of them, even when one fails), show why in one table
// in the job summary and in the `deploy-kit / preflight` check run, and fail the step when a gate did not pass.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration } from '../../common/units.js';
import { evaluateGates } from '../../gates/evaluate.js';
import type { GateContext, GateLog, GatesReport } from '../../gates/types.js';
import type { GitHubClient } from '../../github/client.js';
import { runContext } from '../kit/context.js';
import * as core from '../kit/core.js';
import { githubClient } from '../kit/github.js';
import { InputReader } from '../kit/inputs.js';
import type { StepContext } from '../kit/run.js';
import { CHECK_RUN_NAME, type PreflightSettings, readSettings } from './inputs.js';
import { annotationOf, checkRunOutput, gatesNotPassed, headline, jobSummary, redact } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  const github = await clientFor(settings);
  const checkRunId = settings.checkRun ? await startCheckRun(github, settings) : undefined;
  // Until it is completed, post completes it: a killed step or a failed write never leaves it in progress.
  if (checkRunId !== undefined) core.saveState(STATE_CHECK_RUN, String(checkRunId));
  let report: GatesReport;
  try {
    report = redact(await evaluate(settings, github, signal), settings.secretValues);
  } catch (error) {
    // Never leave the check run in progress on a pull request.
    if (github && checkRunId !== undefined) await abandonCheckRun(github, settings, checkRunId, error);
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
  if (github && checkRunId !== undefined) {
    await finishCheckRun(github, settings, checkRunId, report, signal.aborted);
  }
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
  const needed = settings.checkRun || config.checks || config.reviews || config.vulnerabilities?.dependabot;
  if (!needed) return undefined;
  if (settings.token === undefined) {
    if (settings.checkRun) core.warning(`preflight-gates: no token given, so no ${CHECK_RUN_NAME} check run`);
    return undefined;
  }
  return githubClient(settings.token);
}

/**
 * Creates the check run in progress, so a pull request shows the gates running. A token that may not create
 * check runs (a fork's pull request, `checks: write` not granted) costs the check run, never the gates.
 */
async function startCheckRun(
  github: GitHubClient | undefined,
  settings: PreflightSettings,
): Promise<number | undefined> {
  if (!github) return undefined;
  const { owner, repo, sha } = settings.target;
  try {
    const { data } = await github.request('POST /repos/{owner}/{repo}/check-runs', {
      owner,
      repo,
      name: CHECK_RUN_NAME,
      head_sha: sha,
      status: 'in_progress',
      started_at: settings.now().toISOString(),
      ...(settings.runUrl ? { details_url: settings.runUrl } : {}),
      output: { title: 'Evaluating the gates', summary: 'The preflight gates are being evaluated.' },
    });
    return Number(data.id);
  } catch (error) {
    await warnCheckRun(error, 'create');
    return undefined;
  }
}

async function finishCheckRun(
  github: GitHubClient,
  settings: PreflightSettings,
  id: number,
  report: GatesReport,
  cancelled: boolean,
): Promise<void> {
  const conclusion = report.passed ? 'success' : cancelled ? 'cancelled' : 'failure';
  await completeCheckRun(github, settings, id, conclusion, checkRunOutput(report, settings.runUrl));
}

async function abandonCheckRun(
  github: GitHubClient,
  settings: PreflightSettings,
  id: number,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await completeCheckRun(github, settings, id, 'failure', {
    title: 'The gates could not be evaluated',
    summary: `preflight-gates stopped: ${message}`,
  });
}

async function completeCheckRun(
  github: GitHubClient,
  settings: PreflightSettings,
  id: number,
  conclusion: 'success' | 'failure' | 'cancelled',
  output: { title: string; summary: string; text?: string },
): Promise<void> {
  const { owner, repo } = settings.target;
  try {
    await github.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo,
      check_run_id: id,
      status: 'completed',
      conclusion,
      completed_at: settings.now().toISOString(),
      output,
    });
    core.saveState(STATE_COMPLETED, 'true');
  } catch (error) {
    core.saveState(STATE_CONCLUSION, conclusion);
    core.saveState(STATE_TITLE, output.title);
    await warnCheckRun(error, 'complete');
  }
}

const STATE_CHECK_RUN = 'check-run-id';
const STATE_COMPLETED = 'check-run-completed';
const STATE_CONCLUSION = 'check-run-conclusion';
const STATE_TITLE = 'check-run-title';

/** Completes the check run main left in progress (killed, or GitHub failed the completing write). */
export async function post(): Promise<void> {
  const id = Number(core.getState(STATE_CHECK_RUN));
  if (!id || core.getState(STATE_COMPLETED) === 'true') return;
  const token = new InputReader().secret('token');
  if (!token) return;
  const { owner, repo, runUrl } = runContext();
  const saved = core.getState(STATE_CONCLUSION);
  const conclusion = saved === 'success' || saved === 'failure' ? saved : 'cancelled';
  const title = core.getState(STATE_TITLE) || 'preflight-gates ended before the gates were evaluated';
  const github = await githubClient(token);
  try {
    await github.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo,
      check_run_id: id,
      status: 'completed',
      conclusion,
      completed_at: new Date().toISOString(),
      ...(runUrl ? { details_url: runUrl } : {}),
      output: {
        title,
        summary: saved
          ? 'Completed by the post step: GitHub failed the first attempt. The table of the gates is in the job summary.'
          : 'Completed by the post step: the job was cancelled or the step ended before the gates were evaluated.',
      },
    });
    core.info(
      `preflight-gates: the ${CHECK_RUN_NAME} check run was completed by the post step (${conclusion})`,
    );
  } catch (error) {
    await warnCheckRun(error, 'complete');
  }
}

async function warnCheckRun(error: unknown, what: 'create' | 'complete'): Promise<void> {
  const { toGitHubApiError } = await import('../../github/errors.js');
  const explained = toGitHubApiError(error, {
    action: `${what} the ${CHECK_RUN_NAME} check run`,
    permission: 'checks: write',
  });
  core.warning(
    `preflight-gates: no ${CHECK_RUN_NAME} check run (${explained.message}); the gates are still evaluated and reported here`,
  );
}
