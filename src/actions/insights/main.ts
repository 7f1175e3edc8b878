// insights: read the record of one environment for the period, compute the four keys, then outputs, the job
// summary (with a small chart) and, when asked, the report page.
import type { CommitHistory } from '../../insights/commit-graph.js';
import { GitHistory } from '../../insights/git-history.js';
import { deliveryInsights } from '../../insights/insights.js';
import { writeReportPage } from '../../insights/report-html.js';
import * as core from '../kit/core.js';
import { openLedger } from '../kit/ledger.js';
import type { StepContext } from '../kit/run.js';
import { readSettings } from './inputs.js';
import { annotate, insightsSummary, writeOutputs } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = readSettings();
  const { context } = settings;
  const opened = await openLedger(settings.ledger, {
    ...(settings.token !== undefined ? { token: settings.token } : {}),
    owner: context.owner,
    repo: context.repo,
    workspace: context.workspace,
  });
  const histories: CommitHistory[] = [];
  const local = GitHistory.at(context.workspace);
  if (local) histories.push(local);
  if (opened.github) {
    const { GitHubHistory } = await import('../../insights/github-history.js');
    histories.push(new GitHubHistory(opened.github.client, opened.github.owner, opened.github.repo));
  }
  const insights = await core.group(`Delivery insights of ${settings.environment}`, () =>
    deliveryInsights(opened.ledger, settings.environment, settings.period, {
      histories,
      lookbackDays: settings.lookbackDays,
      limit: settings.limit,
      signal,
    }),
  );
  // Cancelled while reading: nothing half-read is reported as the period's keys.
  if (signal.aborted) throw new Error('cancelled while reading the record; no insights reported');
  if (settings.report) {
    writeReportPage(settings.report, insights);
    core.info(`report page written to ${settings.report}`);
  }
  writeOutputs(insights, settings.report);
  annotate(insights);
  await core.summary.addRaw(insightsSummary(insights, [opened.describe, opened.apiCalls() ?? ''])).write();
}
