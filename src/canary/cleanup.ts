// Cleanup after a job that did not finish (a cancelled job, a killed process), for the action's post step:
// the canary's weight goes back to 0 and a running rollout is recorded as cancelled, so the next run
// resumes from a true state (resume.ts).
import { type Clock, systemClock } from './clock.js';
import { errorMessage, type RolloutLog, silentLog } from './log.js';
import { storeKey } from './resume.js';
import { freshState, type RolloutState } from './state.js';
import { CanaryTraffic } from './traffic.js';
import type { RolloutDeps, RolloutSettings } from './types.js';

export interface CleanupResult {
  /** The state as it was found (undefined when none was saved). */
  found?: RolloutState;
  /** Whether the router was asked for weight 0. */
  returned: boolean;
  restored: boolean;
}

/**
 * Weight 0, and a running state is recorded as cancelled. Asks for weight 0 even when no state was found
 * (main may have died before saving). A promoted rollout keeps its traffic. Does nothing in a dry run.
 */
export async function returnTrafficAfterCancel(
  settings: Pick<RolloutSettings, 'environment' | 'baselineVersion' | 'canaryVersion' | 'dryRun'>,
  deps: Pick<RolloutDeps, 'router' | 'store' | 'key' | 'clock' | 'log' | 'run'>,
  why: string,
): Promise<CleanupResult> {
  if (settings.dryRun) return { returned: false, restored: true };
  const clock: Clock = deps.clock ?? systemClock;
  const log: RolloutLog = deps.log ?? silentLog;
  const run = deps.run ?? '';
  const iso = () => new Date(clock.now()).toISOString();
  const key = storeKey(deps.key, false);
  const found = await deps.store.load(key).catch((error: unknown) => {
    log.warning(`could not read the saved rollout state: ${errorMessage(error)}`);
    return undefined;
  });
  if (found?.status === 'promoted') {
    // main promoted the canary and was stopped before it could say so: its traffic stays.
    log.info(`${settings.canaryVersion} was promoted; traffic is left as it is`);
    return { found, returned: false, restored: true };
  }
  const state = found ? structuredClone(found) : freshState(settings, run, iso());
  const traffic = new CanaryTraffic(settings, deps.router, clock, log, (weight) => {
    state.weight = weight;
  });
  const save = () => {
    state.updatedAt = iso();
    state.run = run;
    return deps.store.save(key, state);
  };
  await traffic.returnToBaseline(state.step + 1);
  if (!found || found.status === 'running') {
    state.status = 'cancelled';
    state.reason = why + (traffic.restored ? '' : "; the canary's weight could not be set back to 0");
    state.verdict = 'cancelled';
    await save().catch((error: unknown) =>
      log.warning(`could not save the rollout state: ${errorMessage(error)}`),
    );
  } else if (traffic.restored) {
    await save().catch(() => {});
  }
  return { found, returned: true, restored: traffic.restored };
}
