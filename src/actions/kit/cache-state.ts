// Carries a step's state file (canary-promote's rollout state) from one attempt of a workflow run to the
// next through the Actions cache, so "Re-run jobs" on a fresh runner resumes or cleans up what the last
// attempt left. Within one attempt the file in the workspace is enough (main and post share the runner).
//
// Cache keys are immutable, so each attempt saves once, from its post step (which runs after main, also
// when the job was cancelled), under `<key>-<run id>-<attempt>`; a later attempt of the same run looks for
// the newest earlier attempt's entry by exact key. Failures never fail the step: the rollout works without
// the cache, it only cannot resume across runners, and the log says so.
import { existsSync } from 'node:fs';
import { CacheArtifactStore } from './cache-artifacts.js';

export interface StateCacheOptions {
  /** What the state is about (e.g. stateKey(environment, canary version)); part of the cache key. */
  key: string;
  path: string;
  workspace: string;
  runId: string;
  attempt: number;
  log: { info(message: string): void; warning(message: string): void };
}

/** Earlier attempts looked at, newest first (a re-run is rarely attempted more often). */
const ATTEMPTS_LOOKED_AT = 5;

export function stateCacheAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean((env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL) && env.GITHUB_RUN_ID);
}

function cacheKey(options: StateCacheOptions, attempt: number): string {
  return `deploy-kit-state-${options.key}-${options.runId}-${attempt}`;
}

/** Restores the newest earlier attempt's state file when the workspace has none; true when one came back. */
export async function restoreStateFile(options: StateCacheOptions): Promise<boolean> {
  if (existsSync(options.path) || options.attempt <= 1) return false;
  const store = new CacheArtifactStore({ workspace: options.workspace });
  const oldest = Math.max(1, options.attempt - ATTEMPTS_LOOKED_AT);
  for (let attempt = options.attempt - 1; attempt >= oldest; attempt--) {
    try {
      if (await store.restore(cacheKey(options, attempt), options.path)) {
        options.log.info(`state of attempt ${attempt} restored from the Actions cache`);
        return true;
      }
    } catch (error) {
      options.log.warning(`${(error as Error).message}; starting without the earlier attempts' state`);
      return false;
    }
  }
  return false;
}

/** Saves this attempt's state file (once: keys are immutable); a failure is a warning. */
export async function saveStateFile(options: StateCacheOptions): Promise<void> {
  if (!existsSync(options.path)) return;
  try {
    await new CacheArtifactStore({ workspace: options.workspace }).save(
      cacheKey(options, options.attempt),
      options.path,
    );
  } catch (error) {
    options.log.warning(`${(error as Error).message}; a re-run on another runner cannot resume this rollout`);
  }
}
