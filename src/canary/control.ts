// Control at run time: someone watching a rollout can pause it, abort it or promote it at once, without
// cancelling the job. The rollout reads its control before every judgment (one `interval` at most until a
// command takes effect) from a file or a URL (control-file.ts, control-http.ts). Commands, by first word,
// any case, the rest of the text being the reason shown in the report:
//
//   continue | resume   carry on (so does an empty or missing control)
//   pause               keep judging at this weight, but do not move on: the step cannot pass, and the
//                       weight does not rise, until resumed. A failed judgment still aborts, and
//                       max-duration still counts (a paused job must end).
//   abort               traffic back to the baseline at once; the rollout ends aborted (verdict `manual`),
//                       and with `rollback: true` the rollback runs as after any abort.
//   promote             skip the steps left: the last step's weight is set, not judged (verdict `manual`).
//
// A control that cannot be read (the URL down, the file unreadable) or that says something else is logged
// once and ignored: only the metrics can judge the canary, and a typo must not end a release.

export const CONTROL_COMMANDS = ['continue', 'resume', 'pause', 'abort', 'promote'] as const;
export type ControlCommand = 'continue' | 'pause' | 'abort' | 'promote';

export interface ControlReading {
  command: ControlCommand;
  /** The rest of the text after the command word, when given. */
  reason?: string;
}

export interface RolloutControl {
  /** Where commands come from, for the report: `control-file ops/canary.txt`. */
  readonly describe: string;
  /**
   * The command now: undefined when there is none (no file, 404). Throws ControlError when the control
   * cannot be read or says something that is not a command; the rollout logs it and carries on.
   */
  read(signal: AbortSignal): Promise<ControlReading | undefined>;
  close?(): Promise<void>;
}

export class ControlError extends Error {
  override name = 'ControlError';
}

const MAX_REASON = 200;

/** A command from text: its first word, the rest as the reason. Undefined for empty text. */
export function parseControl(text: string): ControlReading | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const [word = '', ...rest] = trimmed.split(/\s+/);
  const name = word.toLowerCase();
  if (!(CONTROL_COMMANDS as readonly string[]).includes(name)) {
    const shown = word.length > 40 ? `${word.slice(0, 37)}...` : word;
    throw new ControlError(`'${shown}' is not a command: expected one of ${CONTROL_COMMANDS.join(', ')}`);
  }
  const command: ControlCommand = name === 'resume' ? 'continue' : (name as ControlCommand);
  const reason = rest.join(' ').replace(/[\x00-\x1f\x7f]/g, ' ');
  return reason === ''
    ? { command }
    : { command, reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 3)}...` : reason };
}
