// Which release to roll back to, judged from the recorded history: pure, so every rule is tested fast.
import { type DeploymentEntry, OPEN_STATES, versionOf } from '../ledger/types.js';

export class RollbackRefused extends Error {
  override name = 'RollbackRefused';
  /** True when the target was not among the deployments read: an older page of the history may hold it. */
  readonly notFound: boolean;

  constructor(message: string, options: { notFound?: boolean } = {}) {
    super(message);
    this.notFound = options.notFound ?? false;
  }
}

/**
 * Nothing to do: what the rollback was asked for is live already (the target named by `to`, or another run's
 * rollback of what was live when this one was asked for). A refusal to the automatic rollbacks of
 * canary-promote and the release; the rollback action ends it as a success, result `no-op`.
 */
export class RollbackNoOp extends RollbackRefused {
  override name = 'RollbackNoOp';
  /** The deployment that stands for what was asked. */
  readonly standing: DeploymentEntry;
  /** This run's own deployment, when it was made before the no-op was known (closed `inactive`). */
  readonly closed?: DeploymentEntry;

  constructor(message: string, standing: DeploymentEntry, closed?: DeploymentEntry) {
    super(message);
    this.standing = standing;
    if (closed) this.closed = closed;
  }
}

export interface RollbackPlan {
  /** What is deployed now: the newest deployment of the environment (it may have failed half-way). */
  current: DeploymentEntry;
  /** The newest deployment whose latest status is success, if any. */
  live?: DeploymentEntry;
  target: DeploymentEntry;
  /** How the target was chosen, in a sentence for the summary. */
  why: string;
  /** Candidates passed over on the way, and why. */
  skipped: { entry: DeploymentEntry; why: string }[];
}

/** A deployment that once reached success; a good one later superseded reads `inactive` now. */
export function everSucceeded(entry: DeploymentEntry): boolean {
  return entry.statuses.some((status) => status.state === 'success');
}

/** The same release: the same version, or the same commit (GitHub's own deployments carry no version). */
export function sameRelease(a: DeploymentEntry, b: DeploymentEntry): boolean {
  return (
    versionOf(a) === versionOf(b) ||
    (a.record === undefined || b.record === undefined ? a.sha === b.sha : false)
  );
}

function describe(entry: DeploymentEntry): string {
  return `${versionOf(entry)} (deployment ${entry.id}, ${entry.sha.slice(0, 7)})`;
}

/** Finds what `to` names: a deployment id, then a version, then a commit (7 to 40 hex characters). */
export function findTarget(history: DeploymentEntry[], to: string): DeploymentEntry | undefined {
  const byId = history.find((entry) => entry.id === to);
  if (byId) return byId;
  const byVersion = history.find((entry) => entry.record?.version === to && everSucceeded(entry));
  if (byVersion) return byVersion;
  if (/^[0-9a-f]{7,40}$/i.test(to)) {
    return history.find((entry) => entry.sha.startsWith(to.toLowerCase()) && everSucceeded(entry));
  }
  return undefined;
}

/**
 * @param history the environment's deployments, newest first, with their status histories.
 * @param to optional: a deployment id, a version or a commit; it overrides the loop guard.
 */
export function planRollback(fullHistory: DeploymentEntry[], to?: string): RollbackPlan {
  // GitHub opens a deployment (no deploy-kit record) for every job that names an environment, the rollback
  // job included: while open it says nothing about what is live.
  // A rollback that ended without reaching success changed nothing for sure: the next rollback retries it,
  // rather than taking it for the current release or letting its 'from' version guard against the retry.
  const history = fullHistory.filter(
    (entry) =>
      (entry.record !== undefined || !OPEN_STATES.includes(entry.state)) &&
      !(entry.record?.rollback && !everSucceeded(entry) && !OPEN_STATES.includes(entry.state)),
  );
  const current = history[0];
  if (!current) {
    throw new RollbackRefused(
      to !== undefined
        ? `'to' ${to} names no deployment of this environment that reached success (looked for an id, a version and a commit in 0 deployments)`
        : 'no deployment of this environment to roll back to (looked at 0 deployments)',
      { notFound: true },
    );
  }
  const live = history.find((entry) => entry.state === 'success');
  if (to !== undefined) {
    const target = findTarget(history, to);
    if (!target) {
      throw new RollbackRefused(
        `'to' ${to} names no deployment of this environment that reached success (looked for an id, a version and a commit in ${history.length} deployments)`,
        { notFound: true },
      );
    }
    if (!everSucceeded(target)) {
      throw new RollbackRefused(`'to' ${to} names ${describe(target)}, which never reached success`);
    }
    if (current.state === 'success' && (target.id === current.id || sameRelease(target, current))) {
      throw new RollbackNoOp(
        `'to' ${to} names ${versionOf(target)}, which is live already (${describe(current)}): nothing to roll back`,
        current,
      );
    }
    if (target.id === current.id) {
      throw new RollbackRefused(
        `'to' ${to} names ${describe(target)}, which is the current deployment: nothing to roll back`,
      );
    }
    return { current, live, target, why: `named by 'to' (${to})`, skipped: [] };
  }

  // A version rolled back from must not come back by itself (that is how rollbacks loop), unless it was
  // deployed again after that rollback: only rollbacks newer than a candidate count against it.
  const skipped: RollbackPlan['skipped'] = [];
  const guard = new Set<string>();
  for (const [index, entry] of history.entries()) {
    if (index === 0) {
      if (entry.record?.rollback) guard.add(entry.record.rollback.fromVersion);
      continue;
    }
    const blockedBy = guard.has(versionOf(entry));
    if (entry.record?.rollback) guard.add(entry.record.rollback.fromVersion);
    if (!everSucceeded(entry)) {
      skipped.push({ entry, why: `never reached success (${entry.state})` });
      continue;
    }
    if (sameRelease(entry, current)) {
      skipped.push({ entry, why: 'the same release as the current deployment' });
      continue;
    }
    if (blockedBy) {
      skipped.push({
        entry,
        why: `${versionOf(entry)} was rolled back from since (name it with 'to' to force it)`,
      });
      continue;
    }
    return {
      current,
      live,
      target: entry,
      why: 'the newest earlier deployment that reached success',
      skipped,
    };
  }
  const looked = `${history.length} deployment${history.length === 1 ? '' : 's'}`;
  throw new RollbackRefused(
    `no earlier good deployment to roll back to: none before ${describe(current)} reached success without being rolled back from (looked at ${looked})`,
    { notFound: true },
  );
}
