// The rollout engine: step the canary's weight up through a Router, judging each step (step.ts: the look
// loop) until the last one, the 100% promotion. Pure of @actions/*: the router, the source, the analysis,
// the state store, the clock and the log come in as small interfaces (types.ts).
//
// A rollout begins where the saved state says (resume.ts), walks its steps, and ends promoted, aborted or
// cancelled. max-duration bounds the whole rollout: reaching it aborts. A control (control.ts), read before
// every judgment, can pause the rollout at its weight, abort it, or promote it at once.
//
// Abort: the weight goes to 0 first, before anything else (state, report, rollback). Cancellation (the
// signal) does the same and records `cancelled`. A failure mid-rollout (the state store) returns traffic to
// the baseline before it is thrown. After a job that did not finish, cleanup.ts returns traffic in post.
import { formatDuration } from '../common/durations.js';
import { type Clock, systemClock } from './clock.js';
import { ControlReader } from './control-reader.js';
import { errorMessage, type RolloutLog, silentLog } from './log.js';
import { type RolloutReport, type RolloutVerdict, reportLines } from './report.js';
import { planResume, storeKey } from './resume.js';
import { freshState, type RolloutState } from './state.js';
import { newStepReport, runStep, type StepEnd, type StepHost } from './step.js';
import { CanaryTraffic } from './traffic.js';
import type { RolloutDeps, RolloutSettings } from './types.js';

/** Settings the engine cannot run with (the inputs check them first; this guards other callers). */
function checkSettings(settings: RolloutSettings): void {
  if (settings.steps.length === 0) throw new Error('canary rollout: no steps');
  if (!(settings.intervalMs > 0))
    throw new Error(`canary rollout: interval must be positive, got ${settings.intervalMs} ms`);
  if (!(settings.maxDurationMs > 0))
    throw new Error(`canary rollout: max-duration must be positive, got ${settings.maxDurationMs} ms`);
}

class Rollout implements StepHost {
  readonly clock: Clock;
  readonly log: RolloutLog;
  readonly key: string;
  readonly run: string;
  readonly started: number;
  readonly deadline: number;
  readonly traffic: CanaryTraffic;
  readonly control: ControlReader;
  state!: RolloutState;
  resumed?: RolloutReport['resumed'];

  constructor(
    readonly settings: RolloutSettings,
    readonly deps: RolloutDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silentLog;
    this.key = storeKey(deps.key, settings.dryRun);
    this.run = deps.run ?? '';
    this.started = this.clock.now();
    this.deadline = this.started + settings.maxDurationMs;
    this.traffic = new CanaryTraffic(settings, deps.router, this.clock, this.log, (weight) => {
      this.state.weight = weight;
      deps.onWeight?.(weight);
    });
    this.control = new ControlReader(deps.control, this.log, () => this.iso(), deps.signal);
  }

  get cancelled(): boolean {
    return this.deps.signal?.aborted === true;
  }

  iso(ms = this.clock.now()): string {
    return new Date(ms).toISOString();
  }

  async save(): Promise<void> {
    this.state.updatedAt = this.iso();
    this.state.run = this.run;
    await this.deps.store.save(this.key, this.state);
  }

  report(status: RolloutReport['status'], verdict: RolloutVerdict, reason: string): RolloutReport {
    const { settings } = this;
    return {
      environment: settings.environment,
      baselineVersion: settings.baselineVersion,
      canaryVersion: settings.canaryVersion,
      dryRun: settings.dryRun,
      status,
      verdict,
      reason,
      finalWeight: this.state.weight,
      trafficRestored: this.traffic.restored,
      steps: this.state.steps,
      ...(this.resumed ? { resumed: this.resumed } : {}),
      startedAt: this.iso(this.started),
      durationMs: this.clock.now() - this.started,
      settings: {
        steps: settings.steps,
        intervalMs: settings.intervalMs,
        maxDurationMs: settings.maxDurationMs,
        policies: settings.policies,
      },
    };
  }

  /** The decision report in the log, once the rollout has ended. */
  logged(report: RolloutReport): RolloutReport {
    for (const line of reportLines(report)) this.log.info(line);
    return report;
  }

  async execute(): Promise<RolloutReport> {
    const done = await this.resume();
    if (done) return done;
    try {
      return await this.walk();
    } catch (error) {
      // A state store that fails mid-rollout must not leave the canary holding traffic nobody judges.
      if (this.state.status === 'running') {
        this.log.warning(`the rollout failed (${errorMessage(error)}); returning traffic to the baseline`);
        await this.traffic.returnToBaseline(this.state.step + 1);
      }
      throw error;
    }
  }

  /** Reads the saved state and begins where it says; returns a report when there is nothing left to do. */
  async resume(): Promise<RolloutReport | undefined> {
    const previous = await this.deps.store.load(this.key);
    const plan = planResume(previous, this.settings, freshState(this.settings, this.run, this.iso()));
    this.state = plan.state;
    this.resumed = plan.resumed;
    if (plan.resumed) this.log.info(plan.resumed.note);
    if (plan.returnToBaseline !== undefined) await this.traffic.returnToBaseline(plan.returnToBaseline);
    if (!plan.ended) return undefined;
    if (plan.ended.status === 'aborted') await this.save();
    return this.logged(this.report(plan.ended.status, plan.ended.verdict, plan.ended.reason));
  }

  /** Runs the steps left, in order, until one ends the rollout or the last one promotes it. */
  async walk(): Promise<RolloutReport> {
    await this.save();
    const { steps } = this.settings;
    for (let index = this.state.step; index < steps.length; index++) {
      const step = steps[index]!;
      this.state.step = index;
      const name = `Step ${index + 1} of ${steps.length}: ${step.weight}%${step.holdMs > 0 ? ` for at least ${formatDuration(step.holdMs)}` : ' (promotion)'}`;
      const group = this.log.group?.bind(this.log) ?? (<T>(_: string, fn: () => Promise<T>) => fn());
      const { end, report } = await group(name, () => runStep(this, step, index));
      this.state.steps.push(report);
      if (end.kind === 'passed') {
        await this.save();
        continue;
      }
      if (end.kind === 'promote') return this.promoteByHand(end.reason, index);
      return this.finish(end, index);
    }
    this.state.status = 'promoted';
    this.state.verdict = 'pass';
    const last = steps.at(-1)!;
    const reason = this.settings.dryRun
      ? `dry run: the canary passed every step (${steps.length}); traffic was not moved`
      : `the canary passed every step and stands at ${last.weight}%`;
    this.state.reason = reason;
    await this.save();
    return this.logged(this.report('promoted', 'pass', reason));
  }

  /**
   * A promote command: the steps left are skipped and the last step's weight is set, not judged. A router
   * that cannot set it aborts the rollout as at any step.
   */
  async promoteByHand(reason: string, index: number): Promise<RolloutReport> {
    const { steps } = this.settings;
    const last = steps.length - 1;
    if (index < last) {
      const step = steps[last]!;
      const startedAt = this.clock.now();
      try {
        await this.traffic.setWeight(step.weight, last + 1, this.deps.signal);
      } catch (error) {
        return this.finish(
          {
            kind: 'abort',
            verdict: 'router',
            reason: `${reason}, but the ${this.deps.router.kind} router could not set the canary's weight to ${step.weight}%: ${errorMessage(error)}`,
          },
          last,
        );
      }
      this.state.step = last;
      this.state.steps.push({
        ...newStepReport(step, last, this.iso(startedAt), this.run),
        durationMs: this.clock.now() - startedAt,
        verdict: 'not-judged',
        reason: `set by hand (${reason}), not judged`,
      });
    }
    this.state.status = 'promoted';
    this.state.verdict = 'manual';
    const where = this.settings.dryRun
      ? 'dry run: traffic was not moved'
      : `the canary stands at ${steps[last]!.weight}%`;
    this.state.reason = `${reason}; ${where}`;
    await this.save();
    return this.logged(this.report('promoted', 'manual', this.state.reason));
  }

  /** An abort or a cancel: traffic back to the baseline first, then the state and the report. */
  async finish(end: Exclude<StepEnd, { kind: 'passed' | 'promote' }>, index: number): Promise<RolloutReport> {
    // Traffic first: nothing may delay the baseline getting it back.
    await this.traffic.returnToBaseline(index + 1);
    const verdict: RolloutVerdict = end.kind === 'cancelled' ? 'cancelled' : end.verdict;
    const restored = this.traffic.restored ? '' : "; the canary's weight could not be set back to 0";
    this.state.status = end.kind === 'cancelled' ? 'cancelled' : 'aborted';
    this.state.reason = end.reason + restored;
    this.state.verdict = verdict;
    await this.save();
    return this.logged(this.report(this.state.status, verdict, this.state.reason));
  }
}

/** Runs (or resumes) a rollout to its end: promoted, aborted or cancelled. Throws only on a state-store failure. */
export async function runRollout(settings: RolloutSettings, deps: RolloutDeps): Promise<RolloutReport> {
  checkSettings(settings);
  return new Rollout(settings, deps).execute();
}
