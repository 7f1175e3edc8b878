// Which release to roll back to, judged from the recorded history: pure, so every rule is tested fast.
import type { DeploymentEntry } from '../ledger/types.js';

export class RollbackRefused extends Error {
  override name = 'RollbackRefused';
}

export interface RollbackPlan {
  /** What is deployed now: the newest deployment of the environment (it may have failed half-way). */
  current?: DeploymentEntry;
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

export function versionOf(entry: DeploymentEntry): string {
  return entry.record?.version ?? entry.sha.slice(0, 7);
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
export function planRollback(history: DeploymentEntry[], to?: string): RollbackPlan {
  const current = history[0];
  const live = history.find((entry) => entry.state === 'success');
  if (to !== undefined) {
    const target = findTarget(history, to);
    if (!target) {
      throw new RollbackRefused(
        `'to' ${to} names no deployment of this environment that reached success (looked for an id, a version and a commit in ${history.length} deployments)`,
      );
    }
    if (!everSucceeded(target)) {
      throw new RollbackRefused(`'to' ${to} names ${describe(target)}, which never reached success`);
    }
    if (current && target.id === current.id) {
      throw new RollbackRefused(
        `'to' ${to} names ${describe(target)}, which is the current deployment: nothing to roll back`,
      );
    }
    if (current?.state === 'success' && versionOf(target) === versionOf(current)) {
      throw new RollbackRefused(
        `'to' ${to} names ${versionOf(target)}, which is live already: nothing to roll back`,
      );
    }
    return { current, live, target, why: `named by 'to' (${to})`, skipped: [] };
  }

  // Versions that were rolled back from must not come back by themselves: that is how rollbacks loop.
  const rolledBackFrom = new Set(
    history.flatMap((entry) => (entry.record?.rollback ? [entry.record.rollback.fromVersion] : [])),
  );
  const currentVersion = current ? versionOf(current) : undefined;
  const skipped: RollbackPlan['skipped'] = [];
  for (const entry of history.slice(1)) {
    if (!everSucceeded(entry)) {
      skipped.push({ entry, why: `never reached success (${entry.state})` });
      continue;
    }
    if (versionOf(entry) === currentVersion) {
      skipped.push({ entry, why: 'the same version as the current deployment' });
      continue;
    }
    if (rolledBackFrom.has(versionOf(entry))) {
      skipped.push({
        entry,
        why: `${versionOf(entry)} was rolled back from before (name it with 'to' to force it)`,
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
    current
      ? `no earlier good deployment to roll back to: none before ${describe(current)} reached success without being rolled back from (looked at ${looked})`
      : `no deployment of this environment to roll back to (looked at ${looked})`,
  );
}
