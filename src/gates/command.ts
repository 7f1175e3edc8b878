// The `command` gate: commands that must succeed (`./scripts/check-config.sh`, `terraform plan
// -detailed-exitcode`), each run with `bash -c` through src/command/run.ts in its own process group, its
// output in a log group, under a timeout. The script is the user's own text from the gates configuration;
// the run's values reach it only as environment variables (DEPLOY_KIT_*), never spliced into it.
//
// Verdicts: exit 0 passes; any other exit, a signal or the timeout fails; a program that cannot be found
// or run (exit 127 or 126), a working directory that does not exist, or cancellation is an `error` (the
// gate could not say). The migrations gate runs its command the same way (runGateCommand).

import { type CommandResult, runCommand } from '../command/run.js';
import { formatDuration } from '../common/durations.js';
import { resolveFolderInside } from '../common/workspace-path.js';
import type {
  CommandGateConfig,
  Gate,
  GateContext,
  GateItem,
  GateName,
  GateOutcome,
  GateVerdict,
} from './types.js';

/** Lines of output kept for the report when a command fails. */
const KEEP_LINES = 20;
/** Lines quoted in the one-sentence detail. */
const DETAIL_LINES = 3;
/** Between SIGTERM and SIGKILL when a command times out or the run is cancelled. */
const KILL_GRACE_MS = 3000;

/** How one command ended, for the gate that ran it. */
export interface CommandRun {
  config: CommandGateConfig;
  /** `exited`: it ran to the end (exitCode set); the rest are why it did not. */
  ending: 'exited' | 'signal' | 'timeout' | 'cancelled' | 'not-started';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  lastLines: string[];
  durationMs: number;
  /** Why it could not start (a missing directory, spawn failing). */
  problem?: string;
}

/** The variables a gate command gets, beside the step's environment. */
export function gateCommandEnvironment(context: GateContext, gate: GateName): Record<string, string> {
  const { target } = context;
  const env: Record<string, string> = {
    DEPLOY_KIT_GATE: gate,
    DEPLOY_KIT_SHA: target.sha,
    DEPLOY_KIT_REF: target.ref,
    DEPLOY_KIT_EVENT: target.eventName,
    DEPLOY_KIT_ENVIRONMENT: target.environment ?? '',
  };
  if (target.pullNumber !== undefined) env.DEPLOY_KIT_PULL_NUMBER = String(target.pullNumber);
  return env;
}

/** The working directory inside the workspace (symlinks followed), or why it cannot be used. */
async function workingDirectory(
  config: CommandGateConfig,
  workspace: string,
): Promise<{ cwd: string } | { problem: string }> {
  try {
    return { cwd: resolveFolderInside({ what: 'its cwd' }, config.cwd ?? '.', { workspace }) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** Runs one configured command with its output in a log group named after it. */
export async function runGateCommand(
  config: CommandGateConfig,
  context: GateContext,
  gate: GateName,
): Promise<CommandRun> {
  const base = { config, exitCode: null, signal: null, lastLines: [], durationMs: 0 };
  const where = await workingDirectory(config, context.workspace);
  if ('problem' in where) return { ...base, ending: 'not-started', problem: where.problem };
  if (context.signal.aborted) return { ...base, ending: 'cancelled' };

  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), config.timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout.signal]);
  try {
    return await context.log.group(`${gate}: ${config.name}`, async () => {
      context.log.info(`$ ${config.run}`);
      let result: CommandResult;
      try {
        result = await runCommand({
          script: config.run,
          cwd: where.cwd,
          env: { ...context.env, ...gateCommandEnvironment(context, gate) },
          signal,
          keepLines: KEEP_LINES,
          killGraceMs: KILL_GRACE_MS,
          onLine: (line) => context.log.info(line),
        });
      } catch (error) {
        return { ...base, ending: 'not-started', problem: `it could not start: ${(error as Error).message}` };
      }
      const ending: CommandRun['ending'] = result.cancelled
        ? timeout.signal.aborted && !context.signal.aborted
          ? 'timeout'
          : 'cancelled'
        : result.signal
          ? 'signal'
          : 'exited';
      context.log.info(
        `${config.name}: ${describeEnding({ ...result, config, ending })} after ${formatDuration(result.durationMs)}`,
      );
      return {
        config,
        ending,
        exitCode: result.exitCode,
        signal: result.signal,
        lastLines: result.lastLines,
        durationMs: result.durationMs,
      };
    });
  } finally {
    clearTimeout(timer);
  }
}

/** `exited with 1`, `ended by SIGKILL`, `did not finish within 10m`. */
export function describeEnding(run: Pick<CommandRun, 'ending' | 'exitCode' | 'signal' | 'config'>): string {
  switch (run.ending) {
    case 'exited':
      return run.exitCode === 0 ? 'succeeded' : `exited with ${run.exitCode}`;
    case 'signal':
      return `was ended by ${run.signal}`;
    case 'timeout':
      return `did not finish within ${formatDuration(run.config.timeoutMs)} and was stopped`;
    case 'cancelled':
      return 'was cancelled';
    case 'not-started':
      return 'could not run';
  }
}

/** The last non-empty lines of output, joined for a one-line detail. */
export function outputTail(lines: readonly string[], count = DETAIL_LINES): string {
  const kept = lines
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count);
  return kept.length > 0 ? kept.join(' | ') : '';
}

/** Whether the command never really ran the user's script: bash could not find or execute the program. */
export function couldNotRun(run: CommandRun): boolean {
  return (
    run.ending === 'not-started' ||
    (run.ending === 'exited' && (run.exitCode === 127 || run.exitCode === 126))
  );
}

function verdictOf(run: CommandRun): GateVerdict {
  if (run.ending === 'exited' && run.exitCode === 0) return 'pass';
  if (couldNotRun(run) || run.ending === 'cancelled') return 'error';
  return 'fail';
}

function itemOf(run: CommandRun): GateItem {
  const tail = outputTail(run.lastLines);
  const why = run.problem ?? describeEnding(run);
  return {
    name: run.config.name,
    verdict: verdictOf(run),
    detail: `${why}${run.ending === 'not-started' ? '' : ` in ${formatDuration(run.durationMs)}`}${verdictOf(run) !== 'pass' && tail ? `: ${tail}` : ''}`,
  };
}

export async function runCommandGate(
  commands: CommandGateConfig[],
  context: GateContext,
): Promise<GateOutcome> {
  const runs: CommandRun[] = [];
  for (const config of commands) runs.push(await runGateCommand(config, context, 'command'));
  const items = runs.map(itemOf);
  const failed = items.filter((i) => i.verdict === 'fail');
  const errors = items.filter((i) => i.verdict === 'error');
  const total = items.length;
  if (failed.length === 0 && errors.length === 0) {
    return {
      verdict: 'pass',
      detail:
        total === 1
          ? `${items[0]?.name} succeeded`
          : `all ${total} commands succeeded: ${items.map((i) => i.name).join(', ')}`,
      items,
    };
  }
  const parts: string[] = [];
  if (failed.length > 0) {
    parts.push(
      `${failed.length} of ${total} command${total === 1 ? '' : 's'} failed: ${failed.map((i) => `${i.name} (${i.detail})`).join('; ')}`,
    );
  }
  if (errors.length > 0) {
    parts.push(errors.map((i) => `${i.name}: ${i.detail}`).join('; '));
  }
  return { verdict: failed.length > 0 ? 'fail' : 'error', detail: parts.join('; '), items };
}

export const commandGate: Gate<CommandGateConfig[]> = {
  name: 'command',
  run: runCommandGate,
};
