// canary-promote: build the router, the metric source and the state store from the inputs, run (or resume)
// the rollout engine, then outputs, the job summary and, after an abort with `rollback: true`, the rollback
// engine. `post` returns traffic to the baseline when main did not finish (a cancelled job, a killed step).
import { createStepAnalysis } from '../../analysis/step-analysis.js';
import { returnTrafficAfterCancel } from '../../canary/cleanup.js';
import { runRollout } from '../../canary/rollout.js';
import { FileStateStore } from '../../canary/state.js';
import { whyNoRollback } from '../../rollback/run.js';
import type { Router } from '../../traffic/types.js';
import {
  restoreStateFile,
  type StateCacheOptions,
  saveStateFile,
  stateCacheAvailable,
} from '../kit/cache-state.js';
import * as core from '../kit/core.js';
import { closeLeftOpen } from '../kit/deployment-post.js';
import { type OpenedLedger, openLedger } from '../kit/ledger.js';
import { openMetricSource } from '../kit/metric-inputs.js';
import { rollBack } from '../kit/rollback.js';
import type { StepContext } from '../kit/run.js';
import { type CanarySettings, openControl, openRouter, readSettings } from './inputs.js';
import {
  abortMessage,
  blueGreenSummary,
  type CanaryRollback,
  cleanupSummary,
  rolloutSummary,
} from './summary.js';

/** Saved for post: the rollout began (traffic may have moved), and it ended with traffic where it belongs. */
const STATE_STARTED = 'canary-started';
const STATE_FINISHED = 'canary-finished';

/** On GitHub, the state file also travels to a re-run's fresh runner through the Actions cache. */
function stateCache(settings: CanarySettings): StateCacheOptions | undefined {
  if (!stateCacheAvailable()) return undefined;
  return { key: settings.key, path: settings.stateFile, ...settings.job, log: core };
}

export async function main({ signal }: StepContext): Promise<void> {
  const settings = readSettings();
  const router = openRouter(settings);
  const source = openMetricSource(settings.metrics);
  const control = openControl(settings);
  const rollbackLedger = settings.rollback
    ? await openLedger(settings.rollback.ledger, settings.rollback)
    : undefined;
  const cache = stateCache(settings);
  if (cache) await restoreStateFile(cache);
  const store = new FileStateStore(settings.stateFile);
  core.saveState(STATE_STARTED, 'true');
  if (settings.blueGreen) {
    await source.close();
    return switchColours(settings, router, rollbackLedger, signal);
  }

  const report = await runRollout(settings.rollout, {
    router,
    source,
    createAnalysis: () => createStepAnalysis(settings.analysis),
    store,
    key: settings.key,
    signal,
    run: settings.run,
    log: core,
    onWeight: (weight) => core.info(`the canary's weight is now ${weight}%`),
    ...(control ? { control } : {}),
  }).finally(() => Promise.all([source.close(), control?.close?.()]));
  if (report.trafficRestored) core.saveState(STATE_FINISHED, 'true');

  core.setOutput('promoted', String(report.status === 'promoted'));
  core.setOutput('aborted', String(report.status === 'aborted'));
  core.setOutput('final-weight', String(report.finalWeight));
  core.setOutput('verdict', report.verdict);
  core.setOutput('report', JSON.stringify(report));

  const rollback =
    report.status === 'aborted' && settings.rollback && rollbackLedger
      ? await rollBackToBaseline(settings, rollbackLedger, signal)
      : undefined;

  const facts = [store.describe, router.kind, source.kind, rollbackLedger?.describe ?? ''];
  await core.summary.addRaw(rolloutSummary(report, rollback, settings.rollback?.rollback, facts)).write();
  if (report.status !== 'promoted') core.setFailed(abortMessage(report));
  if (rollback?.kind === 'ran' && rollback.redeploy.result !== 'success')
    core.setFailed(
      `canary-promote: the rollback to ${settings.rollout.baselineVersion} ended ${rollback.redeploy.result}: ${rollback.redeploy.reason}`,
    );
}

/** After an abort: the rollback engine. Refused (nothing to go back to) is a warning; a crash fails the step
 * after the summary. */
async function rollBackToBaseline(
  settings: CanarySettings,
  opened: OpenedLedger,
  signal: AbortSignal,
): Promise<CanaryRollback> {
  const rollbackSettings = settings.rollback!.rollback;
  return core.group(`Rollback of ${settings.rollout.environment}`, async () => {
    try {
      const outcome = await rollBack(rollbackSettings, opened, signal);
      if (outcome.kind === 'refused' || outcome.kind === 'no-op')
        core.warning(`canary-promote: no rollback: ${whyNoRollback(outcome)}`);
      return outcome;
    } catch (error) {
      const reason = (error as Error).message;
      core.setFailed(`canary-promote: the rollback to ${settings.rollout.baselineVersion} failed: ${reason}`);
      return { kind: 'failed', reason };
    }
  });
}

/** strategy: blue-green: all traffic at once after the idle colour's smoke test; back at once on failure. */
async function switchColours(
  settings: CanarySettings,
  router: Router,
  rollbackLedger: OpenedLedger | undefined,
  signal: AbortSignal,
): Promise<void> {
  const { idleUrl, frontUrl } = settings.blueGreen!;
  const { environment, baselineVersion, canaryVersion } = settings.rollout;
  // Loaded only for this strategy: the smoke runner it brings would slow every canary's start-up.
  const { runBlueGreen, urlSmoke } = await import('../../canary/blue-green.js');
  const report = await runBlueGreen(
    { environment, liveVersion: baselineVersion, idleVersion: canaryVersion },
    {
      router,
      smoke: {
        idle: urlSmoke(idleUrl, {}, core),
        // Traffic is on the release while the front door is checked: a short wait, not a start-up's.
        ...(frontUrl ? { front: urlSmoke(frontUrl, { waitTimeoutMs: 10_000 }, core) } : {}),
      },
      signal,
      log: core,
    },
  );
  // Traffic is where it belongs unless even the switch back failed: then post tries weight 0 once more.
  if (report.status !== 'stuck') core.saveState(STATE_FINISHED, 'true');
  core.setOutput('promoted', String(report.status === 'switched'));
  core.setOutput('aborted', String(report.status !== 'switched'));
  core.setOutput('final-weight', report.finalWeight === null ? '' : String(report.finalWeight));
  core.setOutput('verdict', report.status === 'switched' ? 'pass' : 'fail');
  core.setOutput('report', JSON.stringify(report));
  const rollback =
    report.status !== 'switched' && settings.rollback && rollbackLedger
      ? await rollBackToBaseline(settings, rollbackLedger, signal)
      : undefined;
  await core.summary
    .addRaw(
      blueGreenSummary(report, rollback, settings.rollback?.rollback, [
        router.kind,
        rollbackLedger?.describe ?? '',
      ]),
    )
    .write();
  if (report.status !== 'switched') core.setFailed(`canary-promote: blue-green: ${report.reason}`);
}

/**
 * After main, also when it was cancelled or killed: the canary's weight back to 0 from the saved state when
 * main did not finish, the state kept for a re-run, and no deployment left open.
 */
export async function post(): Promise<void> {
  if (core.getState(STATE_STARTED) === 'true') {
    const settings = readSettings();
    if (core.getState(STATE_FINISHED) !== 'true') await returnTraffic(settings);
    const cache = stateCache(settings);
    if (cache) await saveStateFile(cache);
  }
  await closeLeftOpen('canary-promote');
}

async function returnTraffic(settings: CanarySettings): Promise<void> {
  const result = await returnTrafficAfterCancel(
    settings.rollout,
    {
      router: openRouter(settings),
      store: new FileStateStore(settings.stateFile),
      key: settings.key,
      log: core,
      run: settings.run,
    },
    'the job was cancelled or the canary-promote step ended before the rollout finished',
  );
  await core.summary.addRaw(cleanupSummary(settings.rollout, result)).write();
  if (!result.restored) core.setFailed("canary-promote: the canary's weight could not be set back to 0");
}
