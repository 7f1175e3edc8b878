// A rollback redeploys the same bytes when the target kept a release bundle: restore it before the command,
// or say plainly that it is gone and the command gets only the commit.
import { resolve } from 'node:path';
import { type PathRoots, resolveInside } from '../common/workspace-path.js';
import type { ArtifactStore, DeploymentEntry } from '../ledger/types.js';

export interface BundleLog {
  info(message: string): void;
  warning(message: string): void;
}

/**
 * The bundle path the target's record names, checked before anything is created: a record is data anyone
 * with write access to the ledger could have edited, so a path leading outside the workspace or RUNNER_TEMP
 * (`../outside/secret.txt`) is refused like such an input.
 */
export function recordedBundlePath(target: DeploymentEntry, roots: PathRoots): string | undefined {
  const path = target.record?.artifactPath;
  if (path === undefined) return undefined;
  resolveInside({ what: `the release bundle path recorded by deployment ${target.id}` }, path, roots);
  return path;
}

/** Variables for the redeploy command: DEPLOY_KIT_ARTIFACT_PATH, restored or emptied; undefined when none was kept. */
export async function restoreBundle(
  target: DeploymentEntry,
  artifacts: ArtifactStore | undefined,
  workspace: string,
  log: BundleLog,
): Promise<Record<string, string> | undefined> {
  const key = target.record?.artifactKey;
  const path = target.record?.artifactPath;
  if (!key || !path) return undefined;
  if (!artifacts) {
    log.warning(
      `rollback: no artifact store here to restore ${key}; the command redeploys commit ${target.sha}`,
    );
    return undefined;
  }
  const restored = await artifacts.restore(key, path).catch((error: Error) => {
    log.warning(`rollback: could not restore ${key}: ${error.message}`);
    return false;
  });
  if (!restored) {
    log.warning(
      `rollback: the release bundle ${key} is gone from the ${artifacts.kind} store (evicted or never saved). ` +
        `Falling back to the command with the target's commit ${target.sha} (DEPLOY_KIT_SHA); rebuild the bundle from it if your deploy needs one.`,
    );
    return { DEPLOY_KIT_ARTIFACT_PATH: '' };
  }
  log.info(`restored ${key} to ${path}`);
  return { DEPLOY_KIT_ARTIFACT_PATH: resolve(workspace, path) };
}
