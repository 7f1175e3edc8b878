// The rollout engine: step the canary's weight up through a Router, and at each step look every `interval`,
// collect what both sides did from a MetricSource, feed the step's sequential StepAnalysis and act on its
// judgment. Pure of @actions/*: the router, the source, the analysis, the state store, the clock and the log
// come in as small interfaces, so every path runs in milliseconds under test and the CLI reuses it.
//
// A step:
//   1. the weight is set (not in a dry run) and saved in the state;
//   2. every interval: collect → add → judge. `fail` aborts at once, whenever it comes;
//   3. once the step's hold is over: `pass` passes the step (rule `evidence`). `continue` passes it too
//      when every compared metric has min-samples per side and no comparison leans toward harm (z below
//      HARM_LEANING_Z) (rule `hold`: the hold elapsed, the samples were seen, no test found harm; passing
//      before max-samples only leaves α unspent, so false aborts stay within 1 − confidence); one leaning
//      toward harm keeps judging, and below min-samples it counts as inconclusive. `no-data`, `inconclusive` and a
//      failed last look go to their policies (src/analysis/policy.ts): hold, extend, abort or promote.
//      A healthy canary is so promoted in about the sum of its holds.
// max-duration bounds the whole rollout: reaching it aborts. The 100% step is the promotion: set, not judged.
// A control (control.ts), read before every judgment, can pause the rollout at its weight, abort it, or
// promote it at once.
//
// Abort: the weight goes to 0 first, before anything else (state, report, rollback). Cancellation (the
// signal) does the same and records `cancelled`.
//
// Resume, from the state saved under environment + canary version after every change:
//   none        a fresh rollout from the first step.
//   running     the previous run ended without finishing (runner lost, job timed out before post ran):
//               the steps it passed stand (while they match this run's first steps); the step it was judging
//               starts over at its weight, with a new analysis. The max-duration budget is this run's own.
//               A failure mid-rollout (the state store) returns traffic to the baseline before it is thrown.
//   cancelled   traffic is set back to 0 again (idempotent cleanup), then the rollout starts over from the
//               first step: traffic went back to the baseline, so it ramps up again from the smallest weight.
//   aborted     the canary was judged bad (or undecided by policy): traffic is set back to 0 again and the
//               run ends aborted with the saved verdict, without judging again. A new canary version (or a
//               cleared state) starts a new rollout.
//   promoted    nothing changes (traffic is left where the promotion put it): the run reports the promotion.
// A saved state for another baseline version is set aside: the rollout starts fresh. A dry run keeps its
// state under its own key, so it never resumes or cleans up a real rollout (and the other way round).
import { decide, type Undecided } from '../analysis/policy.js';
import type { Judgment, OutcomePolicies, StepAnalysis } from '../analysis/types.js';
import { formatDuration } from '../common/durations.js';
import type { MetricSource, Observation } from '../metrics/types.js';
import type { Router } from '../traffic/types.js';
import type { ControlReading, RolloutControl } from './control.js';
import {
  type ControlRecord,
  PASS_RULES,
  type PassRule,
  type PolicyRecord,
  type RolloutReport,
  type RolloutVerdict,
  reportLines,
  type StepReport,
  type TrafficCheck,
} from './report.js';
import { type RolloutState, type RolloutStateStore, STATE_SCHEMA } from './state.js';
import type { CanaryStep } from './steps.js';

export interface RolloutSettings {
  environment: string;
  baselineVersion: string;
  canaryVersion: string;
  steps: CanaryStep[];
  intervalMs: number;
  maxDurationMs: number;
  policies: OutcomePolicies;
  /** How many times `extend` may lengthen one step (default 1). */
  maxExtensions?: number;
  /** Below this many samples on a side, a step still undecided when its hold ends is inconclusive. */
  minSamples: number;
  dryRun: boolean;
}

export interface Clock {
  now(): number;
  /** Resolves after ms, or early when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface RolloutLog {
  info(message: string): void;
  warning(message: string): void;
  /** Logs of one step together (core.group on GitHub). */
  group?<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface RolloutDeps {
  router: Router;
  source: MetricSource;
  /** A fresh sequential analysis for each step judged. */
  createAnalysis(step: CanaryStep, index: number): StepAnalysis;
  store: RolloutStateStore;
  /** stateKey(environment, canary version). */
  key: string;
  clock?: Clock;
  /** Cancellation: traffic goes back to the baseline and the state records `cancelled`. */
  signal?: AbortSignal;
  log?: RolloutLog;
  /** Who is running, recorded in the state and each step (`<run id>.<attempt>`). */
  run?: string;
  /** Called after every weight the router applied, before anything else is done. */
  onWeight?(weight: number): void;
  /** Commands at run time (pause, resume, abort, promote), read before every judgment. */
  control?: RolloutControl;
}

const RESTORE_ATTEMPTS = 3;
const RESTORE_BACKOFF_MS = 1000;

const silent: RolloutLog = { info() {}, warning() {} };

/** The key a rollout is saved under: a dry run keeps its own. */
export function storeKey(key: string, dryRun: boolean): string {
  return dryRun ? `${key}-dry-run` : key;
}

/**
 * Whether the canary's observed share of traffic is far from the weight asked for: more than 2 points plus a
 * quarter of the weight away (5% asked: 1.75% to 8.25% is near; 50%: 35.5% to 64.5%).
 */
export function checkTraffic(weight: number, observed: number): TrafficCheck {
  const asked = weight / 100;
  return { asked, observed, far: Math.abs(observed - asked) > 0.02 + 0.25 * asked };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The fewest samples on any side of any metric in a judgment. An aggregate's samples are looks, and its
 * own rule says when it has enough (it is `continue` until then), so it is left out.
 */
function fewestSamples(judgment: Judgment): number {
  const counts = judgment.metrics
    .filter((metric) => !metric.aggregate)
    .flatMap((metric) => [metric.samples.baseline, metric.samples.canary]);
  return counts.length === 0 ? 0 : Math.min(...counts);
}

/**
 * The z above which a comparison is taken to lean toward harm (one-sided 5%): short of the boundary that
 * aborts, but not "no harm found", so the hold rule does not pass it and the sequential test keeps judging.
 * A healthy canary is above it in about 5% of its comparisons; a canary failing half its requests, judged
 * on 20 of them, is far above it.
 */
export const HARM_LEANING_Z = 1.645;

/** The metrics of a judgment whose comparison leans toward harm (z ≥ HARM_LEANING_Z). */
export function leaningToHarm(judgment: Judgment): string[] {
  return judgment.metrics
    .filter(
      (metric) =>
        !metric.aggregate && (metric.statistic?.value ?? Number.NEGATIVE_INFINITY) >= HARM_LEANING_Z,
    )
    .map((metric) => metric.metric);
}

type StepEnd =
  | { kind: 'passed'; reason: string; rule?: PassRule }
  | { kind: 'promote'; reason: string }
  | { kind: 'abort'; verdict: RolloutVerdict; reason: string }
  | { kind: 'cancelled'; reason: string };

/** Settings the engine cannot run with (the inputs check them first; this guards other callers). */
function checkSettings(settings: RolloutSettings): void {
  if (settings.steps.length === 0) throw new Error('canary rollout: no steps');
  if (!(settings.intervalMs > 0))
    throw new Error(`canary rollout: interval must be positive, got ${settings.intervalMs} ms`);
  if (!(settings.maxDurationMs > 0))
    throw new Error(`canary rollout: max-duration must be positive, got ${settings.maxDurationMs} ms`);
}

class Rollout {
  readonly clock: Clock;
  readonly log: RolloutLog;
  readonly key: string;
  readonly run: string;
  readonly started: number;
  readonly deadline: number;
  state!: RolloutState;
  resumed?: RolloutReport['resumed'];
  trafficRestored = true;
  /** Set while the control says pause: steps cannot pass and the weight does not rise. */
  paused: ControlRecord | undefined;
  /** Control problems already logged (each is logged once, not at every look). */
  readonly controlProblems = new Set<string>();

  constructor(
    readonly settings: RolloutSettings,
    readonly deps: RolloutDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silent;
    this.key = storeKey(deps.key, settings.dryRun);
    this.run = deps.run ?? '';
    this.started = this.clock.now();
    this.deadline = this.started + settings.maxDurationMs;
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

  /** Sets a weight through the router (never in a dry run) and records it. */
  async setWeight(weight: number, step: number, signal?: AbortSignal): Promise<void> {
    if (this.settings.dryRun) {
      this.log.info(`dry run: the canary's weight would be set to ${weight}% (traffic is not moved)`);
      return;
    }
    await this.deps.router.setWeight({
      weight,
      step,
      baselineVersion: this.settings.baselineVersion,
      canaryVersion: this.settings.canaryVersion,
      ...(signal ? { signal } : {}),
    });
    this.state.weight = weight;
    this.deps.onWeight?.(weight);
  }

  /** Weight 0, at once, retried a few times; never cut short by the cancel signal. */
  async returnToBaseline(step: number): Promise<void> {
    if (this.settings.dryRun) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.setWeight(0, step);
        this.log.info(`traffic is back on the baseline ${this.settings.baselineVersion} (canary weight 0%)`);
        this.trafficRestored = true;
        return;
      } catch (error) {
        if (attempt >= RESTORE_ATTEMPTS) {
          this.trafficRestored = false;
          this.log.warning(
            `could not set the canary's weight back to 0 after ${attempt} attempts: ${errorMessage(error)}`,
          );
          return;
        }
        this.log.warning(
          `setting the canary's weight to 0 failed (attempt ${attempt}): ${errorMessage(error)}`,
        );
        await this.clock.sleep(RESTORE_BACKOFF_MS * attempt);
      }
    }
  }

  fresh(): RolloutState {
    const { environment, baselineVersion, canaryVersion, dryRun } = this.settings;
    const now = this.iso();
    return {
      schema: STATE_SCHEMA,
      environment,
      baselineVersion,
      canaryVersion,
      status: 'running',
      step: 0,
      weight: 0,
      steps: [],
      dryRun,
      run: this.run,
      startedAt: now,
      updatedAt: now,
    };
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
      trafficRestored: this.trafficRestored,
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

  /** Reads the saved state and decides where this run begins; returns a report when there is nothing to do. */
  async begin(): Promise<RolloutReport | undefined> {
    const previous = await this.deps.store.load(this.key);
    this.state = this.fresh();
    if (!previous) return undefined;
    const from = (fromStep: number, note: string) => {
      this.resumed = { previousStatus: previous.status, fromStep, previousRun: previous.run, note };
      this.log.info(note);
    };
    if (previous.baselineVersion !== this.settings.baselineVersion) {
      from(
        0,
        `a saved rollout of ${previous.canaryVersion} against baseline ${previous.baselineVersion} is set aside: this one is against ${this.settings.baselineVersion}; starting from the first step`,
      );
      return undefined;
    }
    switch (previous.status) {
      case 'promoted': {
        this.state = previous;
        from(
          previous.step,
          `${this.settings.canaryVersion} was promoted already (run ${previous.run}); traffic is left as it is`,
        );
        return this.logged(this.report('promoted', 'pass', previous.reason ?? 'promoted in an earlier run'));
      }
      case 'aborted': {
        this.state = { ...previous, status: 'aborted' };
        from(
          previous.step,
          `${this.settings.canaryVersion} was aborted in run ${previous.run} (${previous.reason ?? 'no reason saved'}); setting its weight to 0 again and not judging it again`,
        );
        await this.returnToBaseline(previous.step + 1);
        await this.save();
        const last = previous.steps.at(-1);
        const verdict: RolloutVerdict = previous.verdict ?? (last?.verdict === 'fail' ? 'fail' : 'error');
        return this.logged(
          this.report(
            'aborted',
            verdict,
            `aborted in an earlier run: ${previous.reason ?? 'no reason saved'}`,
          ),
        );
      }
      case 'cancelled': {
        this.state.weight = previous.weight;
        from(
          0,
          `the rollout of ${this.settings.canaryVersion} was cancelled in run ${previous.run}; its weight is set to 0 again and the rollout starts over from the first step`,
        );
        await this.returnToBaseline(previous.step + 1);
        return undefined;
      }
      case 'running': {
        // The steps passed stand while they are this run's first steps (the steps input may have changed).
        const passed: StepReport[] = [];
        for (const step of previous.steps) {
          if (step.outcome !== 'passed' || this.settings.steps[passed.length]?.weight !== step.weight) break;
          passed.push(step);
        }
        const at = passed.length;
        this.state = {
          ...this.fresh(),
          steps: passed,
          step: at,
          weight: previous.weight,
          startedAt: previous.startedAt,
        };
        const step = this.settings.steps[at];
        const next = step
          ? `step ${at + 1} (${step.weight}%) is judged again from the start`
          : 'every step had passed, so the rollout ends promoted';
        from(
          at,
          `resuming the rollout of ${this.settings.canaryVersion} left running by run ${previous.run}: ${passed.length} step${passed.length === 1 ? '' : 's'} passed; ${next}`,
        );
        return undefined;
      }
    }
  }

  async execute(): Promise<RolloutReport> {
    const done = await this.begin();
    if (done) return done;
    try {
      return await this.walk();
    } catch (error) {
      // A state store that fails mid-rollout must not leave the canary holding traffic nobody judges.
      if (this.state.status === 'running') {
        this.log.warning(`the rollout failed (${errorMessage(error)}); returning traffic to the baseline`);
        await this.returnToBaseline(this.state.step + 1);
      }
      throw error;
    }
  }

  async walk(): Promise<RolloutReport> {
    await this.save();
    const { steps } = this.settings;
    for (let index = this.state.step; index < steps.length; index++) {
      const step = steps[index]!;
      this.state.step = index;
      const name = `Step ${index + 1} of ${steps.length}: ${step.weight}%${step.holdMs > 0 ? ` for at least ${formatDuration(step.holdMs)}` : ' (promotion)'}`;
      const group = this.log.group?.bind(this.log) ?? (<T>(_: string, fn: () => Promise<T>) => fn());
      const { end, report } = await group(name, () => this.runStep(step, index));
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

  /** A step's report as it starts: nothing judged yet. */
  stepReport(step: CanaryStep, index: number, startedAt: number): StepReport {
    return {
      index,
      weight: step.weight,
      holdMs: step.holdMs,
      startedAt: this.iso(startedAt),
      durationMs: 0,
      looks: 0,
      errors: 0,
      verdict: 'continue',
      outcome: 'passed',
      reason: '',
      metrics: [],
      policies: [],
      extensions: 0,
      notes: [],
      run: this.run,
    };
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
        await this.setWeight(step.weight, last + 1, this.deps.signal);
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
        ...this.stepReport(step, last, startedAt),
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

  /**
   * The control's command now, recorded on the step when it changes what the step does. A control that
   * cannot be read is logged once per distinct problem and changes nothing.
   */
  async readControl(report: StepReport, notes: Set<string>): Promise<ControlReading | undefined> {
    const control = this.deps.control;
    if (!control) return undefined;
    let reading: ControlReading | undefined;
    try {
      reading = await control.read(this.deps.signal ?? new AbortController().signal);
    } catch (error) {
      if (this.cancelled) return undefined;
      const problem = `${control.describe}: ${errorMessage(error)}; ignored`;
      if (!this.controlProblems.has(problem)) {
        this.controlProblems.add(problem);
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
      at: this.iso(),
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

  /** The decision report in the log, once the rollout has ended. */
  logged(report: RolloutReport): RolloutReport {
    for (const line of reportLines(report)) this.log.info(line);
    return report;
  }

  async finish(end: Exclude<StepEnd, { kind: 'passed' | 'promote' }>, index: number): Promise<RolloutReport> {
    // Traffic first: nothing may delay the baseline getting it back.
    await this.returnToBaseline(index + 1);
    const verdict: RolloutVerdict = end.kind === 'cancelled' ? 'cancelled' : end.verdict;
    const restored = this.trafficRestored ? '' : "; the canary's weight could not be set back to 0";
    this.state.status = end.kind === 'cancelled' ? 'cancelled' : 'aborted';
    this.state.reason = end.reason + restored;
    this.state.verdict = verdict;
    await this.save();
    return this.logged(this.report(this.state.status, verdict, this.state.reason));
  }

  async runStep(step: CanaryStep, index: number): Promise<{ end: StepEnd; report: StepReport }> {
    const { settings, clock, log } = this;
    const startedAt = clock.now();
    const report = this.stepReport(step, index, startedAt);
    const notes = new Set<string>();
    const end = (result: StepEnd, verdict?: StepReport['verdict']): { end: StepEnd; report: StepReport } => {
      report.durationMs = clock.now() - startedAt;
      report.outcome =
        result.kind === 'passed' || result.kind === 'promote'
          ? 'passed'
          : result.kind === 'cancelled'
            ? 'cancelled'
            : 'failed';
      report.reason = result.reason;
      if (result.kind === 'passed' && result.rule) report.passedBy = result.rule;
      if (result.kind === 'promote') report.passedBy = 'manual';
      if (verdict) report.verdict = verdict;
      report.notes = [...notes];
      const line = `step ${index + 1} (${step.weight}%) ${report.outcome}: ${result.reason}`;
      if (result.kind === 'passed' || result.kind === 'promote') log.info(line);
      else log.warning(line);
      return { end: result, report };
    };
    const cancelled = () =>
      end({ kind: 'cancelled', reason: `cancelled at step ${index + 1} (${step.weight}%)` }, report.verdict);

    if (this.cancelled) return cancelled();
    if (clock.now() >= this.deadline) {
      return end(
        {
          kind: 'abort',
          verdict: 'timeout',
          reason: `max-duration ${formatDuration(settings.maxDurationMs)} reached before step ${index + 1} (${step.weight}%)`,
        },
        'not-judged',
      );
    }
    try {
      await this.setWeight(step.weight, index + 1, this.deps.signal);
    } catch (error) {
      if (this.cancelled) return cancelled();
      return end(
        {
          kind: 'abort',
          verdict: 'router',
          reason: `the ${this.deps.router.kind} router could not set the canary's weight to ${step.weight}%: ${errorMessage(error)}`,
        },
        'error',
      );
    }
    // Outside the router's try: a store failure is not the router's, and execute() answers it.
    await this.save();
    if (step.weight === 100) {
      return end(
        {
          kind: 'passed',
          reason:
            'the promotion: all traffic is on the canary (not judged: the baseline serves nothing to compare with)',
        },
        'not-judged',
      );
    }

    const analysis = this.deps.createAnalysis(step, index);
    let holdEnds = startedAt + step.holdMs;
    let lastLook = startedAt;
    let judgment: Judgment | undefined;
    let lastError: string | undefined;
    let warnedTraffic = false;
    const holding = new Set<Undecided>();
    const record = (decision: ReturnType<typeof decide>) => {
      const entry: PolicyRecord = {
        input: decision.input,
        policy: decision.policy,
        effect: decision.effect,
        reason: decision.reason,
      };
      report.policies.push(entry);
      log.info(`step ${index + 1}: ${decision.reason}`);
    };
    const adopt = (j: Judgment) => {
      report.verdict = j.verdict;
      report.metrics = j.metrics;
    };

    for (let look = 1; ; look++) {
      const now = clock.now();
      if (now >= this.deadline) {
        const where = judgment
          ? `the last judgment was ${judgment.verdict}: ${judgment.reason}`
          : 'nothing was judged yet';
        return end({
          kind: 'abort',
          verdict: 'timeout',
          reason: `max-duration ${formatDuration(settings.maxDurationMs)} reached at step ${index + 1} (${step.weight}%); ${where}`,
        });
      }
      await clock.sleep(Math.min(settings.intervalMs, this.deadline - now), this.deps.signal);
      if (this.cancelled) return cancelled();
      const command = await this.readControl(report, notes);
      if (this.cancelled) return cancelled();
      const byHand = (what: string) =>
        `${what} by hand through ${this.deps.control!.describe} at step ${index + 1} (${step.weight}%)${command?.reason ? `: ${command.reason}` : ''}`;
      if (command?.command === 'abort')
        return end({ kind: 'abort', verdict: 'manual', reason: byHand('aborted') }, report.verdict);
      if (command?.command === 'promote')
        return end({ kind: 'promote', reason: byHand('promoted') }, report.verdict);

      const lookedAt = clock.now();
      let observation: Observation | undefined;
      try {
        observation = await this.deps.source.collect({
          step: index + 1,
          weight: step.weight,
          baselineVersion: settings.baselineVersion,
          canaryVersion: settings.canaryVersion,
          windowMs: lookedAt - lastLook,
          signal: this.deps.signal ?? new AbortController().signal,
        });
        if (this.cancelled) return cancelled();
        lastError = undefined;
        // The next window starts here; after a failed look it still covers that look's time.
        lastLook = lookedAt;
      } catch (error) {
        if (this.cancelled) return cancelled();
        lastError = errorMessage(error);
        report.errors += 1;
        report.verdict = 'error';
        notes.add(`${this.deps.source.kind} source: ${lastError}`);
        log.warning(
          `step ${index + 1}, look ${look}: the ${this.deps.source.kind} source failed: ${lastError}`,
        );
        const decision = decide({
          outcome: 'error',
          when: 'look',
          policies: settings.policies,
          extensionsUsed: report.extensions,
          maxExtensions: settings.maxExtensions,
        });
        if (decision.effect !== 'keep-judging') record(decision);
        if (decision.effect === 'abort')
          return end(
            { kind: 'abort', verdict: 'error', reason: `${lastError}; ${decision.reason}` },
            'error',
          );
        if (decision.effect === 'extend') {
          holdEnds += step.holdMs;
          report.extensions += 1;
        }
      }

      if (observation) {
        analysis.add(observation);
        judgment = analysis.judge();
        report.looks += 1;
        adopt(judgment);
        for (const note of observation.notes) notes.add(note);
        if (observation.canaryShare !== undefined && !settings.dryRun) {
          report.traffic = checkTraffic(step.weight, observation.canaryShare);
          if (report.traffic.far && !warnedTraffic) {
            warnedTraffic = true;
            const message = `the canary served ${percent(observation.canaryShare)} of traffic while ${step.weight}% was asked for: the router may not be applying the weight`;
            notes.add(message);
            log.warning(`step ${index + 1}: ${message}`);
          }
        }
        log.info(`step ${index + 1}, look ${look}: ${judgment.verdict}: ${judgment.reason}`);
        for (const metric of judgment.metrics)
          log.info(`  ${metric.metric}: ${metric.verdict}: ${metric.reason}`);
        if (judgment.verdict === 'fail')
          return end({ kind: 'abort', verdict: 'fail', reason: judgment.reason });
      }

      if (clock.now() < holdEnds) continue;
      // Paused: nothing moves on (no pass, no policy) until the control says continue.
      if (this.paused) continue;
      // The hold is over.
      if (lastError === undefined && judgment?.verdict === 'pass')
        return end({
          kind: 'passed',
          rule: 'evidence',
          reason: `${PASS_RULES.evidence}: ${judgment.reason}`,
        });
      let outcome: Undecided;
      let detail: string | undefined;
      if (lastError !== undefined) {
        outcome = 'error';
        detail = lastError;
      } else if (!judgment || judgment.verdict === 'no-data') {
        outcome = 'no-data';
        detail = judgment?.reason;
      } else if (judgment.verdict === 'inconclusive') {
        outcome = 'inconclusive';
        detail = judgment.reason;
      } else {
        // `continue` with min-samples on both sides: it passes when no test found harm in what the hold
        // brought; one leaning toward harm keeps judging (up to max-samples, where its test decides).
        const fewest = fewestSamples(judgment);
        const leaning = leaningToHarm(judgment);
        if (fewest >= settings.minSamples && leaning.length > 0) continue;
        if (fewest >= settings.minSamples)
          return end({
            kind: 'passed',
            rule: 'hold',
            reason: `${PASS_RULES.hold} (hold ${formatDuration(step.holdMs * (report.extensions + 1))}, ${fewest} or more samples per side, ${settings.minSamples} needed): ${judgment.reason}`,
          });
        outcome = 'inconclusive';
        detail = `${fewest} samples on a side when the hold ended, ${settings.minSamples} needed`;
      }
      if (holding.has(outcome)) continue;
      const decision = decide({
        outcome,
        when: 'hold-ended',
        policies: settings.policies,
        extensionsUsed: report.extensions,
        maxExtensions: settings.maxExtensions,
        detail,
      });
      record(decision);
      switch (decision.effect) {
        case 'abort':
          return end({ kind: 'abort', verdict: outcome, reason: decision.reason });
        case 'pass':
          return end({ kind: 'passed', rule: 'policy', reason: decision.reason });
        case 'extend':
          holdEnds = clock.now() + step.holdMs;
          report.extensions += 1;
          break;
        case 'keep-judging':
          holding.add(outcome);
          break;
      }
    }
  }
}

/** Runs (or resumes) a rollout to its end: promoted, aborted or cancelled. Throws only on a state-store failure. */
export async function runRollout(settings: RolloutSettings, deps: RolloutDeps): Promise<RolloutReport> {
  checkSettings(settings);
  return new Rollout(settings, deps).execute();
}

export interface CleanupResult {
  /** The state as it was found (undefined when none was saved). */
  found?: RolloutState;
  /** Whether the router was asked for weight 0. */
  returned: boolean;
  restored: boolean;
}

/**
 * For a post step, after main did not finish (a cancelled job, a killed process): weight 0, and a running
 * state is recorded as cancelled. Asks for weight 0 even when no state was found (main may have died before
 * saving). A promoted rollout keeps its traffic. Does nothing in a dry run.
 */
export async function returnTrafficAfterCancel(
  settings: Pick<RolloutSettings, 'environment' | 'baselineVersion' | 'canaryVersion' | 'dryRun'>,
  deps: Pick<RolloutDeps, 'router' | 'store' | 'key' | 'clock' | 'log' | 'run'>,
  why: string,
): Promise<CleanupResult> {
  if (settings.dryRun) return { returned: false, restored: true };
  const rollout = new Rollout(
    {
      ...settings,
      steps: [],
      intervalMs: 0,
      maxDurationMs: 0,
      policies: { onNoData: 'abort', onInconclusive: 'abort', onError: 'abort' },
      minSamples: 0,
    },
    { ...deps, source: undefined as never, createAnalysis: undefined as never },
  );
  const key = storeKey(deps.key, false);
  const found = await deps.store.load(key).catch((error: unknown) => {
    rollout.log.warning(`could not read the saved rollout state: ${errorMessage(error)}`);
    return undefined;
  });
  if (found?.status === 'promoted') {
    // main promoted the canary and was stopped before it could say so: its traffic stays.
    rollout.log.info(`${settings.canaryVersion} was promoted; traffic is left as it is`);
    return { found, returned: false, restored: true };
  }
  rollout.state = found ? structuredClone(found) : rollout.fresh();
  await rollout.returnToBaseline(rollout.state.step + 1);
  if (!found || found.status === 'running') {
    rollout.state.status = 'cancelled';
    rollout.state.reason =
      why + (rollout.trafficRestored ? '' : "; the canary's weight could not be set back to 0");
    rollout.state.verdict = 'cancelled';
    await rollout
      .save()
      .catch((error: unknown) =>
        rollout.log.warning(`could not save the rollout state: ${errorMessage(error)}`),
      );
  } else if (rollout.trafficRestored) {
    await rollout.save().catch(() => {});
  }
  return { found, returned: true, restored: rollout.trafficRestored };
}
