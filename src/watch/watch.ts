// The post-release watch: one look, as a scheduled workflow makes every few minutes. It finds the release live
// in an environment (window.ts), and while the release is inside its window collects its metrics and the
// previous release's from a metric source (any, through its interface), judges them (judge.ts) and, on a
// breach, rolls the release back through the rollback function it is given. That function presses rollback
// *from this release* (rollback/press.ts' `from`): two watches that overlap press the same button, and the
// rollback engine steps back once. Pure of @actions/*.
import type { AnalysisSettings } from '../analysis/types.js';
import type { DeploymentEntry, Ledger } from '../ledger/types.js';
import { versionOf } from '../ledger/types.js';
import type { MetricSource, Observation } from '../metrics/types.js';
import { judgeLook, looksIn, type WatchCompare, type WatchJudgment } from './judge.js';
import { findRelease, type WatchWindow, windowOf } from './window.js';

export interface WatchSettings {
  environment: string;
  /** How long after going live a release is watched. */
  windowMs: number;
  /** How often the watch runs (the schedule): the window's false-alarm budget is split over its looks. */
  everyMs: number;
  compare: WatchCompare;
  analysis: AnalysisSettings;
  /** false: report a breach, change nothing. */
  rollback: boolean;
  /** How many of the newest deployments are read (default 100). */
  historyLimit?: number;
}

export interface WatchRollbackRequest {
  /** The release rolled back: what was live when this watch pressed rollback. */
  from: DeploymentEntry;
  reason: string;
}

export type WatchRollbackResult =
  | { result: 'rolled-back'; deploymentId: string; toVersion: string }
  /** Another run (an overlapping watch, a person) rolled this release back already. */
  | { result: 'answered'; deploymentId: string; toVersion: string; message: string }
  | { result: 'failed'; reason: string; deploymentId?: string };

export interface WatchDeps {
  ledger: Pick<Ledger, 'history'>;
  source: MetricSource;
  rollBack(request: WatchRollbackRequest): Promise<WatchRollbackResult>;
  now?: () => number;
  signal: AbortSignal;
  log?: (message: string) => void;
}

export type WatchStatus =
  /** Nothing live, or a rollback is live. */
  | 'nothing-to-watch'
  | 'outside-window'
  | 'healthy'
  /** Not decided at this look (too few requests, no data yet). */
  | 'watching'
  | 'rolled-back'
  /** A breach, and `rollback: false`. */
  | 'breached'
  /** A breach whose rollback did not go live. */
  | 'rollback-failed'
  /** The metric source could not answer. */
  | 'source-error';

export interface WatchReport {
  status: WatchStatus;
  /** One sentence: what happened and why. */
  message: string;
  environment: string;
  release?: DeploymentEntry;
  previous?: DeploymentEntry;
  window?: WatchWindow;
  observation?: Observation;
  judgment?: WatchJudgment;
  rollback?: WatchRollbackResult;
}

const DEFAULT_HISTORY_LIMIT = 100;

export async function watch(settings: WatchSettings, deps: WatchDeps): Promise<WatchReport> {
  const log = deps.log ?? (() => {});
  const now = deps.now ?? Date.now;
  const { environment } = settings;
  const history = await deps.ledger.history(environment, {
    limit: settings.historyLimit ?? DEFAULT_HISTORY_LIMIT,
  });
  const found = findRelease(environment, history);
  if (found.kind === 'none')
    return { status: 'nothing-to-watch', message: `${found.reason}: nothing to watch`, environment };
  const { release } = found;
  const previous = found.previous?.entry;
  const version = versionOf(release);
  const window = windowOf(found.liveAt, settings.windowMs, now(), found.previous?.liveAt);
  const base = { environment, release, ...(previous ? { previous } : {}), window };
  if (!window.inside)
    return {
      ...base,
      status: 'outside-window',
      message: `${version} (deployment ${release.id}) went live at ${found.liveAt}; its window closed at ${new Date(window.endMs).toISOString()}: nothing to do`,
    };
  if (settings.compare === 'previous' && !previous)
    return {
      ...base,
      status: 'nothing-to-watch',
      message: `${version} (deployment ${release.id}) has no earlier release of ${environment} to be compared with: set limits and compare with them instead`,
    };
  const previousVersion = previous ? versionOf(previous) : version;
  log(
    `watching ${version} (deployment ${release.id}), live since ${found.liveAt}, against ${settings.compare === 'previous' ? previousVersion : 'the limits'}`,
  );
  let observation: Observation;
  try {
    observation = await deps.source.collect({
      step: 0,
      weight: 100,
      baselineVersion: previousVersion,
      canaryVersion: version,
      // Limits judge the live release alone: only its time live, which a source without versions (a load
      // balancer's counts) would otherwise mix with the previous release's.
      windowMs: settings.compare === 'limits' ? window.liveMs : window.lookbackMs,
      signal: deps.signal,
    });
  } catch (error) {
    if (deps.signal.aborted) throw error;
    return {
      ...base,
      status: 'source-error',
      message: `the ${deps.source.kind} metric source could not answer: ${(error as Error).message}`,
    };
  }
  const judgment = judgeLook({
    observation,
    compare: settings.compare,
    settings: settings.analysis,
    looks: looksIn(settings.windowMs, settings.everyMs),
    releaseVersion: version,
    ...(previous ? { previousVersion } : {}),
  });
  const judged = { ...base, observation, judgment };
  if (judgment.verdict === 'pass')
    return { ...judged, status: 'healthy', message: `${version} is healthy so far: ${judgment.reason}` };
  if (judgment.verdict !== 'fail')
    return { ...judged, status: 'watching', message: `${version} is not judged yet: ${judgment.reason}` };
  const reason = `watch: ${version} breached inside its window: ${judgment.reason}`;
  if (!settings.rollback)
    return { ...judged, status: 'breached', message: `${reason} (rollback: false, nothing changed)` };
  log(`rolling back ${version} (deployment ${release.id}): ${judgment.reason}`);
  const rollback = await deps.rollBack({ from: release, reason });
  switch (rollback.result) {
    case 'rolled-back':
      return {
        ...judged,
        rollback,
        status: 'rolled-back',
        message: `${environment} rolled back from ${version} to ${rollback.toVersion} (deployment ${rollback.deploymentId}): ${judgment.reason}`,
      };
    case 'answered':
      return { ...judged, rollback, status: 'rolled-back', message: rollback.message };
    case 'failed':
      return {
        ...judged,
        rollback,
        status: 'rollback-failed',
        message: `${version} breached (${judgment.reason}) but its rollback did not go live: ${rollback.reason}`,
      };
  }
}
