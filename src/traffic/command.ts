// The command router: runs the user's script (`bash -c`, in its own process group) with the weight and the
// versions in its environment — never in the script's text:
//   DEPLOY_KIT_CANARY_WEIGHT    the canary's weight in percent, 0..100
//   DEPLOY_KIT_BASELINE_WEIGHT  100 minus that
//   DEPLOY_KIT_STEP             the step number
//   DEPLOY_KIT_BASELINE_VERSION, DEPLOY_KIT_CANARY_VERSION
// Exit code 0 means traffic follows the weight; anything else is a RouterError with the last lines.
import { runCommand } from '../command/run.js';
import { type Router, RouterError, type RouterLog, type WeightChange } from './types.js';

export interface CommandRouterSettings {
  /** The script, as the user wrote it; passed to `bash -c` untouched. */
  script: string;
  /** Working directory (default process.cwd()). */
  cwd?: string;
  /** The environment the DEPLOY_KIT_* variables are added to (default process.env). */
  env?: Record<string, string | undefined>;
  /** The script is ended (its whole process group) after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Lines of output quoted in an error (default 10). */
  keepLines?: number;
}

export interface CommandRouterDeps {
  /** Receives each line the script prints. */
  log?: RouterLog;
}

/** The variables a router command gets, by name. */
export function routerEnvironment(change: WeightChange): Record<string, string> {
  return {
    DEPLOY_KIT_CANARY_WEIGHT: String(change.weight),
    DEPLOY_KIT_BASELINE_WEIGHT: String(Math.round((100 - change.weight) * 1e6) / 1e6),
    DEPLOY_KIT_STEP: String(change.step),
    DEPLOY_KIT_BASELINE_VERSION: change.baselineVersion,
    DEPLOY_KIT_CANARY_VERSION: change.canaryVersion,
  };
}

export function createCommandRouter(settings: CommandRouterSettings, deps: CommandRouterDeps = {}): Router {
  if (settings.script.trim() === '')
    throw new RouterError('command router: the command is empty', 'command', 'script');
  const timeoutMs = settings.timeoutMs ?? 300_000;
  const keepLines = settings.keepLines ?? 10;
  const fail = (message: string): never => {
    throw new RouterError(`command router: ${message}`, 'command');
  };
  let queue: Promise<void> = Promise.resolve();

  const apply = async (change: WeightChange): Promise<void> => {
    if (!(change.weight >= 0 && change.weight <= 100))
      fail(`weight must be within 0..100, got ${change.weight}`);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = change.signal ? AbortSignal.any([change.signal, timeout.signal]) : timeout.signal;
    try {
      const result = await runCommand({
        script: settings.script,
        cwd: settings.cwd ?? process.cwd(),
        env: { ...(settings.env ?? process.env), ...routerEnvironment(change) },
        signal,
        keepLines,
        killGraceMs: 2000,
        onLine: deps.log ? (line) => deps.log?.info(line) : undefined,
      });
      const tail = result.lastLines.length > 0 ? `; last lines: ${result.lastLines.join(' | ')}` : '';
      if (result.cancelled)
        fail(
          timeout.signal.aborted && !change.signal?.aborted
            ? `the command did not finish within ${timeoutMs} ms setting weight ${change.weight}%${tail}`
            : `cancelled while setting weight ${change.weight}%`,
        );
      if (result.exitCode !== 0)
        fail(
          `the command failed with ${result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`} setting weight ${change.weight}% (step ${change.step})${tail}`,
        );
    } catch (error) {
      if (error instanceof RouterError) throw error;
      fail(`the command could not start: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    kind: 'command',
    setWeight(change) {
      const next = queue.then(() => apply(change));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
