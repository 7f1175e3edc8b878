// One rollback per press: a press of rollback means "roll back what was live when I was pressed". Two presses
// of the same button (five people, two chat commands, a retry racing the original) must step back once; a
// press made after the first rollback went live is a deliberate second one, and steps back again.
// Pure, so each rule is tested fast; the rollback action applies them when it plans and again once its
// turn comes (after the wait), when the runs pressed before it have finished.
import { type DeploymentEntry, OPEN_STATES, versionOf } from '../ledger/types.js';
import { everSucceeded } from './plan.js';

/** When the rollback was asked for, and how that is known (for the log and the summary). */
export interface Press {
  /** An ISO 8601 time. */
  at: string;
  source: string;
  /**
   * The deployment to roll back, when the caller knows it (the release's and canary's own rollbacks of the
   * deployment they just made): then what was live at the press is that deployment, whatever the clocks say.
   */
  from?: string;
}

/** Whether an ISO time carries fractions of a second (the file ledger's and this machine's clock do). */
function precise(iso: string): boolean {
  return /\.\d+(Z|[+-]\d{2}:?\d{2})?$/.test(iso);
}

/**
 * Whether a status may have gone before the press. GitHub records times to the second: when either time is
 * whole seconds, a status in the press's own second may have gone either side of it (`sameSecond` says which
 * side to take); with both to the millisecond (the file ledger, this machine's clock) there is no doubt.
 */
export function wentBefore(
  statusAt: string,
  pressAt: string,
  sameSecond: 'before' | 'after' = 'after',
): boolean {
  if (precise(statusAt) && precise(pressAt)) return Date.parse(statusAt) < Date.parse(pressAt);
  const status = Math.floor(Date.parse(statusAt) / 1000);
  const pressed = Math.floor(Date.parse(pressAt) / 1000);
  return status < pressed || (sameSecond === 'before' && status === pressed);
}

/**
 * The deployment live when the rollback was pressed: the newest that had reached success by then. When times
 * are whole seconds, every deployment that went live in the press's own second may have been live at the
 * press too: all of them are returned (newest first), so a rule holds whichever side of the press each fell
 * (a rollback that went live that second answers this press, never a second step back).
 */
export function liveAtPress(history: DeploymentEntry[], press: Press): DeploymentEntry[] {
  if (press.from !== undefined) return history.filter((entry) => entry.id === press.from);
  const wentLive = (entry: DeploymentEntry, sameSecond: 'before' | 'after') =>
    entry.statuses.some(
      (status) => status.state === 'success' && wentBefore(status.createdAt, press.at, sameSecond),
    );
  const before = history.find((entry) => wentLive(entry, 'after'));
  const inPressSecond = history.filter((entry) => wentLive(entry, 'before') && !wentLive(entry, 'after'));
  return [...inPressSecond, ...(before ? [before] : [])];
}

/** Rollbacks (other than `own`) from those deployments, newest first. */
function rollbacksFrom(history: DeploymentEntry[], from: DeploymentEntry[], own?: string): DeploymentEntry[] {
  const ids = new Set(from.map((entry) => entry.id));
  return history.filter(
    (entry) => entry.id !== own && ids.has(entry.record?.rollback?.fromDeploymentId ?? ''),
  );
}

export interface Answered {
  /** What was live at the press. */
  live: DeploymentEntry;
  /** The other run's rollback that rolled it back and went live. */
  rollback: DeploymentEntry;
  /** In a sentence, naming the run. */
  message: string;
}

/**
 * Whether another rollback has already answered this press: it rolled back the deployment that was live at
 * the press and went live. (It must have gone live after the press, or that deployment would not have been
 * the live one.) `own` is this run's own rollback deployment, once it exists.
 */
export function answeredBy(
  history: DeploymentEntry[],
  press: Press,
  environment: string,
  own?: string,
): Answered | undefined {
  const lives = liveAtPress(history, press);
  const rollback = rollbacksFrom(history, lives, own).find(everSucceeded);
  if (!rollback) return undefined;
  const record = rollback.record!;
  const live = lives.find((entry) => entry.id === record.rollback?.fromDeploymentId)!;
  const run = record.run?.url || (record.run?.id ? `run ${record.run.id}` : 'another run');
  return {
    live,
    rollback,
    message:
      `${environment} was already rolled back from ${versionOf(live)} (deployment ${live.id}, live when this rollback was asked for at ${press.at}) ` +
      `to ${versionOf(rollback)} by deployment ${rollback.id} (${run}, ${record.actor}): nothing to do, no second step back`,
  };
}

/**
 * The history to plan from: without other runs' rollbacks of what was live at the press that are still at
 * work. Each either goes live (and answers this press: once this run's turn comes it finds so and does
 * nothing) or fails (and this run redoes it): either way this run's plan is the one the press asked for.
 */
export function withoutRollbacksInFlight(
  history: DeploymentEntry[],
  press: Press,
  own?: string,
): { history: DeploymentEntry[]; inFlight: DeploymentEntry[] } {
  const inFlight = rollbacksFrom(history, liveAtPress(history, press), own).filter((entry) =>
    OPEN_STATES.includes(entry.state),
  );
  return { history: history.filter((entry) => !inFlight.includes(entry)), inFlight };
}
