// The post step of every action that records a deployment: whatever main left open (a cancelled job, a
// killed process) is closed with `error`, so nothing stays in_progress.
import { OPEN_STATES } from '../../ledger/types.js';
import { runContext } from './context.js';
import * as core from './core.js';
import { InputReader } from './inputs.js';
import { openLedger, parseLedgerSpec } from './ledger.js';

const STATE_ID = 'deployment-id';
const STATE_FINISHED = 'finished';

export function rememberDeployment(id: string): void {
  core.saveState(STATE_ID, id);
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
  const spec = parseLedgerSpec('ledger', input.string('ledger'), token);
  const opened = await openLedger(spec, { token, ...context });
  const deployment = await opened.ledger.get(id);
  if (deployment && OPEN_STATES.includes(deployment.state)) {
    await opened.ledger.setStatus(id, {
      state: 'error',
      description: `the job was cancelled or the ${action} step ended before it finished`,
      logUrl: context.runUrl || undefined,
    });
    core.warning(`${action}: deployment ${id} was left ${deployment.state}; marked error by the post step`);
  }
}
