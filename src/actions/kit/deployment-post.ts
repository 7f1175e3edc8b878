// The post step of every action that records a deployment: whatever main left open (a cancelled job, a
// killed process) is closed with `error`, so nothing stays in_progress. When main sent GitHub writes that
// got no answer, post first waits until GitHub can no longer apply them, and closes the duplicates a retried
// create made, so its closing status is the last word.
import { replacedBy, replacedDescription } from '../../deploy/deploy.js';
import { endGroup, hostKey, leaseOf, onThisHost } from '../../deploy/lease.js';
import { type DeploymentEntry, type Ledger, OPEN_STATES } from '../../ledger/types.js';
import { runContext } from './context.js';
import * as core from './core.js';
import { InputReader } from './inputs.js';
import { LATE_WRITES_STATE, openLedger, parseLedgerSpec } from './ledger.js';

const STATE_ID = 'deployment-id';
const STATE_FINISHED = 'finished';
const STATE_GROUP = 'command-group';
/** The longest post waits for main's unanswered writes (GitHub gives up on a request after 10 s). */
const MAX_LATE_WAIT_MS = 60_000;

export function rememberDeployment(id: string): void {
  core.saveState(STATE_ID, id);
}

/** The deploy command's process group, on this host: post ends it before it frees the environment. */
export function rememberGroup(pgid: number): void {
  core.saveState(STATE_GROUP, `${hostKey()}:${pgid}`);
}

export function rememberFinished(): void {
  core.saveState(STATE_FINISHED, 'true');
}

/** Before a step records a second deployment (the root action's rollback), so post watches that one too. */
export function rememberUnfinished(): void {
  core.saveState(STATE_FINISHED, '');
}

export async function closeLeftOpen(action: string): Promise<void> {
  const id = core.getState(STATE_ID);
  if (!id || core.getState(STATE_FINISHED) === 'true') return;
  const context = runContext();
  // The runner gives post the same inputs as main.
  const input = new InputReader();
  const token = input.secret('token');
  const spec = parseLedgerSpec('ledger', input.string('ledger'), token, context.roots);
  const opened = await openLedger(spec, { token, ...context });

  const lateUntil = Number(core.getState(LATE_WRITES_STATE)) || 0;
  if (lateUntil > 0) {
    const wait = Math.min(lateUntil - Date.now(), MAX_LATE_WAIT_MS);
    if (wait > 0) {
      core.info(
        `${action}: waiting ${Math.ceil(wait / 100) / 10} s for writes GitHub never answered to land`,
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const duplicates = (await opened.ledger.sweepDuplicates?.(id)) ?? [];
    if (duplicates.length > 0) {
      core.warning(
        `${action}: closed ${duplicates.join(', ')}, duplicate(s) of deployment ${id} that GitHub made late`,
      );
    }
  }

  const deployment = await opened.ledger.get(id);
  if (deployment?.state === 'success') return retireReplaced(action, opened.ledger, deployment);
  if (!deployment || !OPEN_STATES.includes(deployment.state)) return;
  const lease = leaseOf(deployment);
  await endCommandGroup(action, lease.holder && onThisHost(lease.holder) ? lease.pgid : undefined);
  // Closed once already, then reopened by a write that landed late: the closing status is the true one.
  const closed = deployment.statuses.find((status) => !OPEN_STATES.includes(status.state));
  if (closed) {
    await opened.ledger.setStatus(id, {
      state: closed.state,
      ...(closed.description ? { description: closed.description } : {}),
      ...(closed.environmentUrl ? { environmentUrl: closed.environmentUrl } : {}),
      ...(closed.logUrl ? { logUrl: closed.logUrl } : {}),
    });
    core.warning(
      `${action}: deployment ${id} was reopened (${deployment.state}) by a late write after it was ${closed.state}; ${closed.state} again`,
    );
    return;
  }
  await opened.ledger.setStatus(id, {
    state: 'error',
    description: `the job was cancelled or the ${action} step ended before it finished`,
    logUrl: context.runUrl || undefined,
  });
  core.warning(`${action}: deployment ${id} was left ${deployment.state}; marked error by the post step`);
}

/**
 * Main was killed after the closing `success` was sent (GitHub applied it, answered or not) and before it
 * marked what the deployment replaced inactive: post does that, or the environment shows two live releases
 * until a later deploy, which a watch that finds nothing left to watch never makes.
 */
async function retireReplaced(action: string, ledger: Ledger, deployment: DeploymentEntry): Promise<void> {
  const history = await ledger.history(deployment.environment, { limit: 100 });
  const at = history.findIndex((entry) => entry.id === deployment.id);
  // Newest first: what came before it, never a deployment that went live after it.
  const earlier =
    at >= 0
      ? history.slice(at + 1)
      : history.filter((entry) => Date.parse(entry.createdAt) < Date.parse(deployment.createdAt));
  const record = deployment.record;
  const replaced = replacedBy(deployment.id, earlier, record?.rollback);
  if (replaced.length === 0) return;
  const ids = replaced.map((entry) => entry.id);
  await ledger.deactivate(
    ids,
    replacedDescription(deployment.id, record?.version ?? deployment.ref, record?.rollback),
  );
  core.warning(
    `${action}: deployment ${deployment.id} went live as the step ended; marked what it replaced (${ids.join(', ')}) inactive`,
  );
}

/**
 * A killed step leaves its deploy command running in its own process group: it is ended (SIGTERM, then
 * SIGKILL after a grace) before the environment is freed, so the next deploy never runs beside it.
 */
async function endCommandGroup(action: string, fromLedger: number | undefined): Promise<void> {
  const saved = /^([0-9a-f]+):(\d+)$/.exec(core.getState(STATE_GROUP));
  const pgid = saved && onThisHost({ key: saved[1]! }) ? Number(saved[2]) : fromLedger;
  if (pgid === undefined) return;
  const ended = await endGroup(pgid);
  if (ended === 'gone') return;
  if (ended === 'survived') {
    throw new Error(
      `${action}: the deploy command (process group ${pgid}) survived SIGKILL; the deployment stays open so no other deploy runs beside it`,
    );
  }
  core.warning(
    `${action}: the deploy command (process group ${pgid}) was still running; ${ended === 'terminated' ? 'ended it with SIGTERM' : 'killed it (SIGKILL) after it ignored SIGTERM'}`,
  );
}
