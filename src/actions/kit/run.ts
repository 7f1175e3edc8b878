// The shared run wrapper of every action entry: one place for failure, cancellation and exit.
import { redactUrl } from '../../http/safe-url.js';
import * as core from './core.js';

export interface StepContext {
  /** Aborted when the runner cancels the job (SIGINT, then SIGTERM). */
  signal: AbortSignal;
}

export interface ActionEntry {
  name: string;
  main: (context: StepContext) => Promise<void>;
  /** Runs as the action's `post` step (also after cancellation), with the state main saved. */
  post?: (context: StepContext) => Promise<void>;
}

const POST_MARKER = 'isPost';
/** After a cancel signal, how long a step may take to wind down before it is ended. */
const CANCEL_GRACE_MS = 5000;

/** A value quoted in a message is cut past this many characters; a whole message past MAX_MESSAGE. */
const MAX_QUOTED = 160;
const MAX_MESSAGE = 2000;

/** Names a huge value instead of echoing it: a 100 kB input must not become a 100 kB annotation. */
export function clipMessage(message: string): string {
  const quoted = message.replace(
    new RegExp(`'([^']{${MAX_QUOTED + 1},})'`, 'g'),
    (_, value: string) => `'${value.slice(0, 80)}…' (${value.length} characters)`,
  );
  if (quoted.length <= MAX_MESSAGE) return quoted;
  const cut = quoted.length - MAX_MESSAGE;
  return `${quoted.slice(0, MAX_MESSAGE - 300)} … [${cut} characters cut] … ${quoted.slice(-250)}`;
}

/** Errors users cause carry the input's name; anything else is a bug and says so without a stack trace. */
export function describeFailure(actionName: string, error: unknown): string {
  // A message may quote a URL input (a parse error does): never with its credentials.
  const message = clipMessage(redactUrl(error instanceof Error ? error.message : String(error)));
  const prefix = `${actionName}: `;
  return message.startsWith(prefix) ? message : prefix + message;
}

/**
 * The entry of an action bundle (its index.ts): runs `main`, or `post` when the runner calls the bundle a
 * second time, with cancellation wired to SIGINT/SIGTERM. (Not the runner's runAction, which starts a bundle.)
 */
export function startAction(entry: ActionEntry): void {
  const controller = new AbortController();
  const fail = (error: unknown) => {
    if (error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(describeFailure(entry.name, error));
  };
  process.on('unhandledRejection', fail);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!controller.signal.aborted) core.warning(`${entry.name}: cancelled (${signal}), winding down`);
      controller.abort(new Error(`cancelled by ${signal}`));
      setTimeout(() => process.exit(process.exitCode ?? 1), CANCEL_GRACE_MS).unref();
    });
  }

  const isPost = entry.post !== undefined && core.getState(POST_MARKER) === 'true';
  if (entry.post && !isPost) core.saveState(POST_MARKER, 'true');
  const step = isPost && entry.post ? entry.post : entry.main;

  step({ signal: controller.signal })
    .catch(fail)
    .finally(() => {
      // Keep-alive sockets or stray timers must never hold a finished step open.
      setTimeout(() => process.exit(), 100).unref();
    });
}
