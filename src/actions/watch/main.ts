// watch: one look at the release live in an environment, as a scheduled workflow makes every few minutes.
// Inside the release's window it compares the release's metrics with the previous release's (or limits) and,
// on a breach, rolls it back through the rollback engine, once however many watches overlap.
import { versionOf } from '../../ledger/types.js';
import { rollbackSettings } from '../../rollback/run.js';
import { watchRollbackResult } from '../../watch/rollback-result.js';
import { type WatchRollbackRequest, type WatchRollbackResult, watch } from '../../watch/watch.js';
import * as core from '../kit/core.js';
import { closeLeftOpen } from '../kit/deployment-post.js';
import { type OpenedLedger, openLedger } from '../kit/ledger.js';
import { openMetricSource } from '../kit/metric-inputs.js';
import { rollBack } from '../kit/rollback.js';
import type { StepContext } from '../kit/run.js';
import { readSettings, type WatchActionSettings } from './inputs.js';
import { annotate, watchSummary } from './summary.js';

/** Rolls back the watched release: a press *from* it, so a second watch pressing for the same breach is a no-op. */
async function rollBackRelease(
  settings: WatchActionSettings,
  opened: OpenedLedger,
  signal: AbortSignal,
  { from, reason }: WatchRollbackRequest,
): Promise<WatchRollbackResult> {
  const { environment } = settings.watch;
  const { command, workingDirectory, onConcurrent, run, baseEnv } = settings.rollback;
  const outcome = await rollBack(
    rollbackSettings({
      environment,
      reason,
      rollbackOf: from.id,
      command,
      workingDirectory,
      onConcurrent,
      workspace: settings.workspace,
      run,
      baseEnv,
    }),
    opened,
    signal,
  );
  return watchRollbackResult(outcome);
}

export async function main({ signal }: StepContext): Promise<void> {
  const settings = readSettings();
  const source = openMetricSource(settings.metrics);
  const opened = await openLedger(settings.ledger, settings);
  try {
    const report = await watch(settings.watch, {
      ledger: opened.ledger,
      source,
      rollBack: (request) => rollBackRelease(settings, opened, signal, request),
      signal,
      log: core.info,
    });
    const { release, previous, window, judgment, rollback } = report;
    core.setOutput('status', report.status);
    core.setOutput('verdict', judgment?.verdict ?? '');
    core.setOutput('reason', report.message);
    core.setOutput('deployment-id', release?.id ?? '');
    core.setOutput('version', release ? versionOf(release) : '');
    core.setOutput('previous-version', previous ? versionOf(previous) : '');
    core.setOutput('window-start', window ? new Date(window.startMs).toISOString() : '');
    core.setOutput('window-end', window ? new Date(window.endMs).toISOString() : '');
    core.setOutput('elapsed-seconds', window ? String(Math.round(window.elapsedMs / 1000)) : '');
    core.setOutput('rolled-back', String(report.status === 'rolled-back'));
    core.setOutput('rollback-deployment-id', rollback?.deploymentId ?? '');
    const facts = [opened.describe, `metrics: ${source.kind}`, opened.apiCalls() ?? ''].filter(Boolean);
    await core.summary.addRaw(watchSummary(report, facts)).write();
    annotate(report);
  } finally {
    await source.close();
  }
}

/** A rollback cut short (cancelled, killed) leaves no deployment open. */
export function post(): Promise<void> {
  return closeLeftOpen('watch');
}
