// The `migrations` gate: a command that exits 0 when no database migration is pending (`alembic check`,
// `prisma migrate status`, `rails db:migrate:status`-style scripts), run like the command gate's (bash -c,
// own process group, output in a log group, DEPLOY_KIT_* variables, a timeout).
//
// Any non-zero exit means "pending" (that is what these tools answer), except 127/126 (the program is not
// there or not executable) and a directory that does not exist: those mean the check never ran, so the
// verdict is `error`. A timeout is an `error` too: a hung migration check says nothing about pending ones.

import { formatDuration } from '../common/durations.js';
import { couldNotRun, describeEnding, outputTail, runGateCommand } from './command.js';
import type { CommandGateConfig, Gate, GateContext, GateOutcome } from './types.js';

export async function runMigrationsGate(
  config: CommandGateConfig,
  context: GateContext,
): Promise<GateOutcome> {
  const run = await runGateCommand(config, context, 'migrations');
  const tail = outputTail(run.lastLines);
  const said = tail ? `: ${tail}` : '';
  const took = formatDuration(run.durationMs);
  if (run.ending === 'exited' && run.exitCode === 0) {
    return {
      verdict: 'pass',
      detail: `no migration pending (${config.name} exited 0 in ${took})`,
      items: [{ name: config.name, verdict: 'pass', detail: `exited 0 in ${took}` }],
    };
  }
  if (couldNotRun(run) || run.ending === 'cancelled' || run.ending === 'timeout') {
    const why =
      run.problem ??
      (run.ending === 'exited'
        ? `${describeEnding(run)} (${run.exitCode === 127 ? 'command not found' : 'not executable'})`
        : describeEnding(run));
    return {
      verdict: 'error',
      detail: `migrations could not be checked: ${config.name} ${why}${said}`,
      items: [{ name: config.name, verdict: 'error', detail: `${why}${said}` }],
    };
  }
  return {
    verdict: 'fail',
    detail: `migrations pending: ${config.name} ${describeEnding(run)}${said}`,
    items: [{ name: config.name, verdict: 'fail', detail: `${describeEnding(run)} in ${took}${said}` }],
  };
}

export const migrationsGate: Gate<CommandGateConfig> = {
  name: 'migrations',
  run: runMigrationsGate,
};
