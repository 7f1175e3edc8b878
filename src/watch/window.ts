// The release a watch looks after and its window: the environment's newest deployment that is live
// (state success), when it went live, and the release live before it (what it is compared with). Pure: it
// reads a history the ledger gave (newest first) and a clock.
import { type DeploymentEntry, versionOf } from '../ledger/types.js';
import { everSucceeded } from '../rollback/plan.js';

export type Found =
  | {
      kind: 'release';
      release: DeploymentEntry;
      /** When it first reached success (ISO 8601). */
      liveAt: string;
      /** The release live before it, when there is one. */
      previous?: { entry: DeploymentEntry; liveAt: string };
    }
  /** Nothing is live, or what is live is a rollback: nothing to watch. `reason` says which. */
  | { kind: 'none'; reason: string; live?: DeploymentEntry };

/** When a deployment first reached success (statuses are newest first), or undefined when it never did. */
export function wentLiveAt(entry: DeploymentEntry): string | undefined {
  return entry.statuses.findLast((status) => status.state === 'success')?.createdAt;
}

/**
 * The release to watch in a history (newest first). A rollback that is live is not watched: it put back a
 * release that ran before, and watching it would compare the good release with the bad one it replaced.
 */
export function findRelease(environment: string, history: DeploymentEntry[]): Found {
  const index = history.findIndex((entry) => entry.state === 'success');
  const release = history[index];
  if (!release) return { kind: 'none', reason: `no deployment of ${environment} is live (state success)` };
  const rollback = release.record?.rollback;
  if (rollback)
    return {
      kind: 'none',
      live: release,
      reason: `the live deployment of ${environment}, ${release.id} (${versionOf(release)}), is a rollback from ${rollback.fromVersion} (deployment ${rollback.fromDeploymentId}): ${rollback.reason}`,
    };
  const liveAt = wentLiveAt(release)!;
  const before = history
    .slice(index + 1)
    .find((entry) => everSucceeded(entry) && versionOf(entry) !== versionOf(release));
  return {
    kind: 'release',
    release,
    liveAt,
    ...(before ? { previous: { entry: before, liveAt: wentLiveAt(before)! } } : {}),
  };
}

export interface WatchWindow {
  /** When the release went live, and when its window closes: ms since the epoch. */
  startMs: number;
  endMs: number;
  elapsedMs: number;
  inside: boolean;
  /** The release's time live within its window (at least a second). */
  liveMs: number;
  /**
   * How far back the metric sources look (their `{{window}}`): the release's time live and as long before it
   * (no further back than the previous release went live), so a query by version sees each release over
   * an equally long time live.
   */
  lookbackMs: number;
}

export function windowOf(
  liveAt: string,
  windowMs: number,
  nowMs: number,
  previousLiveAt?: string,
): WatchWindow {
  const startMs = Date.parse(liveAt);
  const endMs = startMs + windowMs;
  const elapsedMs = Math.max(0, nowMs - startMs);
  const live = Math.min(elapsedMs, windowMs);
  const before = previousLiveAt === undefined ? 0 : Math.max(0, startMs - Date.parse(previousLiveAt));
  return {
    startMs,
    endMs,
    elapsedMs,
    inside: nowMs < endMs,
    liveMs: Math.max(1000, live),
    lookbackMs: Math.max(1000, live + Math.min(live, before)),
  };
}
