// Reading the rollout's control before every judgment (control.ts says what the commands mean): a command
// that changes what the step does is recorded on the step; pause is remembered across looks and steps
// until the control says continue. A control that cannot be read is logged once per distinct problem and
// changes nothing.
import type { ControlReading, RolloutControl } from './control.js';
import { errorMessage, type RolloutLog } from './log.js';
import type { ControlRecord, StepReport } from './report.js';

export class ControlReader {
  /** Set while the control says pause: steps cannot pass and the weight does not rise. */
  paused: ControlRecord | undefined;
  /** Control problems already logged (each is logged once, not at every look). */
  private readonly problems = new Set<string>();

  constructor(
    readonly control: RolloutControl | undefined,
    private readonly log: RolloutLog,
    private readonly at: () => string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private get cancelled(): boolean {
    return this.signal?.aborted === true;
  }

  /** The control's command now, recorded on the step when it changes what the step does. */
  async read(report: StepReport, notes: Set<string>): Promise<ControlReading | undefined> {
    const { control } = this;
    if (!control) return undefined;
    let reading: ControlReading | undefined;
    try {
      reading = await control.read(this.signal ?? new AbortController().signal);
    } catch (error) {
      if (this.cancelled) return undefined;
      const problem = `${control.describe}: ${errorMessage(error)}; ignored`;
      if (!this.problems.has(problem)) {
        this.problems.add(problem);
        this.log.warning(problem);
      }
      notes.add(problem);
      return undefined;
    }
    const command = reading?.command ?? 'continue';
    if (command === 'continue' && !this.paused) return reading;
    if (command === 'pause' && this.paused) return reading;
    const entry: ControlRecord = {
      command,
      ...(reading?.reason ? { reason: reading.reason } : {}),
      from: control.describe,
      at: this.at(),
    };
    report.controls = [...(report.controls ?? []), entry];
    const why = reading?.reason ? ` (${reading.reason})` : '';
    if (command === 'pause') {
      this.paused = entry;
      this.log.warning(
        `${control.describe} says pause${why}: the canary stays at ${report.weight}% and is still judged; the rollout moves on when it says continue`,
      );
    } else if (command === 'continue') {
      this.paused = undefined;
      this.log.info(`${control.describe} no longer says pause${why}: the rollout carries on`);
    } else {
      this.paused = undefined;
    }
    return reading;
  }
}
