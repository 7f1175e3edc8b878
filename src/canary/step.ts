// One step of a rollout, the look loop:
//   1. enter: the weight is set (not in a dry run) and saved in the state; the 100% step is the promotion:
//      set, not judged;
//   2. every interval: heed the control, then look (collect → add → judge). `fail` aborts at once, whenever
//      it comes;
//   3. once the step's hold is over: `pass` passes the step (rule `evidence`). `continue` passes it too
//      when every compared metric has min-samples per side and no comparison leans toward harm (z below
//      HARM_LEANING_Z) (rule `hold`: the hold elapsed, the samples were seen, no test found harm; passing
//      before max-samples only leaves α unspent, so false aborts stay within 1 − confidence); one leaning
//      toward harm keeps judging, and below min-samples it counts as inconclusive. `no-data`, `inconclusive` and a
//      failed last look go to their policies (src/analysis/policy.ts): hold, extend, abort or promote.
//      A healthy canary is so promoted in about the sum of its holds.
// max-duration bounds the whole rollout: reaching it aborts. While the control says pause, nothing moves on.
import { decide, type Undecided } from '../analysis/policy.js';
import type { Judgment, StepAnalysis } from '../analysis/types.js';
import { formatDuration } from '../common/durations.js';
import type { Observation } from '../metrics/types.js';
import type { Clock } from './clock.js';
import type { ControlReader } from './control-reader.js';
import { errorMessage, type RolloutLog } from './log.js';
import {
  PASS_RULES,
  type PassRule,
  type PolicyRecord,
  type RolloutVerdict,
  type StepReport,
} from './report.js';
import type { CanaryStep } from './steps.js';
import { type CanaryTraffic, checkTraffic } from './traffic.js';
import type { RolloutDeps, RolloutSettings } from './types.js';

export type StepEnd =
  | { kind: 'passed'; reason: string; rule?: PassRule }
  | { kind: 'promote'; reason: string }
  | { kind: 'abort'; verdict: RolloutVerdict; reason: string }
  | { kind: 'cancelled'; reason: string };

interface StepResult {
  end: StepEnd;
  report: StepReport;
}

/** What a step uses of the rollout it is part of. */
export interface StepHost {
  readonly settings: RolloutSettings;
  readonly deps: RolloutDeps;
  readonly clock: Clock;
  readonly log: RolloutLog;
  readonly run: string;
  /** When max-duration is reached (ms since the epoch). */
  readonly deadline: number;
  readonly cancelled: boolean;
  readonly traffic: CanaryTraffic;
  readonly control: ControlReader;
  iso(ms?: number): string;
  /** Saves the rollout's state. */
  save(): Promise<void>;
}

/**
 * The z above which a comparison is taken to lean toward harm (one-sided 5%): short of the boundary that
 * aborts, but not "no harm found", so the hold rule does not pass it and the sequential test keeps judging.
 * A healthy canary is above it in about 5% of its comparisons; a canary failing half its requests, judged
 * on 20 of them, is far above it.
 */
const HARM_LEANING_Z = 1.645;

/** The metrics of a judgment whose comparison leans toward harm (z ≥ HARM_LEANING_Z). */
function leaningToHarm(judgment: Judgment): string[] {
  return judgment.metrics
    .filter(
      (metric) =>
        !metric.aggregate && (metric.statistic?.value ?? Number.NEGATIVE_INFINITY) >= HARM_LEANING_Z,
    )
    .map((metric) => metric.metric);
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

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** A step's report as it starts: nothing judged yet. */
export function newStepReport(step: CanaryStep, index: number, startedAt: string, run: string): StepReport {
  return {
    index,
    weight: step.weight,
    holdMs: step.holdMs,
    startedAt,
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
    run,
  };
}

/** Runs one step to its end: passed, promoted by hand, aborted or cancelled. */
export function runStep(host: StepHost, step: CanaryStep, index: number): Promise<StepResult> {
  return new StepRun(host, step, index).run();
}

/** One step's look loop and what it has seen so far. */
class StepRun {
  private readonly startedAt: number;
  private readonly report: StepReport;
  private readonly notes = new Set<string>();
  private analysis!: StepAnalysis;
  private holdEnds: number;
  /** When the last successful look was taken: the next window starts there. */
  private lastLook: number;
  private judgment: Judgment | undefined;
  /** The error of the last look, when it failed. */
  private lastError: string | undefined;
  private warnedTraffic = false;
  /** Undecided outcomes whose policy said keep judging: not asked again in this step. */
  private readonly holding = new Set<Undecided>();

  constructor(
    private readonly host: StepHost,
    private readonly step: CanaryStep,
    private readonly index: number,
  ) {
    this.startedAt = host.clock.now();
    this.report = newStepReport(step, index, host.iso(this.startedAt), host.run);
    this.holdEnds = this.startedAt + step.holdMs;
    this.lastLook = this.startedAt;
  }

  private get where(): string {
    return `step ${this.index + 1} (${this.step.weight}%)`;
  }

  async run(): Promise<StepResult> {
    const entered = await this.enter();
    if (entered) return entered;
    this.analysis = this.host.deps.createAnalysis(this.step, this.index);
    for (let look = 1; ; look++) {
      const ended =
        (await this.waitForLook()) ??
        (await this.heedControl()) ??
        (await this.look(look)) ??
        this.afterHold();
      if (ended) return ended;
    }
  }

  /** Closes the step's report with how it ended, and logs it. */
  private end(result: StepEnd, verdict?: StepReport['verdict']): StepResult {
    const { report } = this;
    report.durationMs = this.host.clock.now() - this.startedAt;
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
    report.notes = [...this.notes];
    const line = `step ${this.index + 1} (${this.step.weight}%) ${report.outcome}: ${result.reason}`;
    if (result.kind === 'passed' || result.kind === 'promote') this.host.log.info(line);
    else this.host.log.warning(line);
    return { end: result, report };
  }

  private cancelled(): StepResult {
    return this.end({ kind: 'cancelled', reason: `cancelled at ${this.where}` }, this.report.verdict);
  }

  /** Sets the step's weight and saves it; ends the step when it cannot start, or when it is the promotion. */
  private async enter(): Promise<StepResult | undefined> {
    const { host, step } = this;
    if (host.cancelled) return this.cancelled();
    if (host.clock.now() >= host.deadline) {
      return this.end(
        {
          kind: 'abort',
          verdict: 'timeout',
          reason: `max-duration ${formatDuration(host.settings.maxDurationMs)} reached before ${this.where}`,
        },
        'not-judged',
      );
    }
    try {
      await host.traffic.setWeight(step.weight, this.index + 1, host.deps.signal);
    } catch (error) {
      if (host.cancelled) return this.cancelled();
      return this.end(
        {
          kind: 'abort',
          verdict: 'router',
          reason: `the ${host.deps.router.kind} router could not set the canary's weight to ${step.weight}%: ${errorMessage(error)}`,
        },
        'error',
      );
    }
    // Outside the router's try: a store failure is not the router's, and the rollout answers it.
    await host.save();
    if (step.weight === 100) {
      return this.end(
        {
          kind: 'passed',
          reason:
            'the promotion: all traffic is on the canary (not judged: the baseline serves nothing to compare with)',
        },
        'not-judged',
      );
    }
    return undefined;
  }

  /** Sleeps until the next look; ends the step at max-duration or on cancel. */
  private async waitForLook(): Promise<StepResult | undefined> {
    const { host, judgment } = this;
    const now = host.clock.now();
    if (now >= host.deadline) {
      const where = judgment
        ? `the last judgment was ${judgment.verdict}: ${judgment.reason}`
        : 'nothing was judged yet';
      return this.end({
        kind: 'abort',
        verdict: 'timeout',
        reason: `max-duration ${formatDuration(host.settings.maxDurationMs)} reached at ${this.where}; ${where}`,
      });
    }
    await host.clock.sleep(Math.min(host.settings.intervalMs, host.deadline - now), host.deps.signal);
    if (host.cancelled) return this.cancelled();
    return undefined;
  }

  /** Reads the control: abort and promote end the step (pause is kept by the reader). */
  private async heedControl(): Promise<StepResult | undefined> {
    const { host } = this;
    const command = await host.control.read(this.report, this.notes);
    if (host.cancelled) return this.cancelled();
    const byHand = (what: string) =>
      `${what} by hand through ${host.control.control?.describe} at ${this.where}${command?.reason ? `: ${command.reason}` : ''}`;
    if (command?.command === 'abort')
      return this.end({ kind: 'abort', verdict: 'manual', reason: byHand('aborted') }, this.report.verdict);
    if (command?.command === 'promote')
      return this.end({ kind: 'promote', reason: byHand('promoted') }, this.report.verdict);
    return undefined;
  }

  /** Collects what both sides did since the last look and judges it; ends the step on `fail`. */
  private async look(look: number): Promise<StepResult | undefined> {
    const { host, step, index, report } = this;
    const lookedAt = host.clock.now();
    let observation: Observation;
    try {
      observation = await host.deps.source.collect({
        step: index + 1,
        weight: step.weight,
        baselineVersion: host.settings.baselineVersion,
        canaryVersion: host.settings.canaryVersion,
        windowMs: lookedAt - this.lastLook,
        signal: host.deps.signal ?? new AbortController().signal,
      });
    } catch (error) {
      if (host.cancelled) return this.cancelled();
      return this.lookFailed(look, errorMessage(error));
    }
    if (host.cancelled) return this.cancelled();
    this.lastError = undefined;
    // The next window starts here; after a failed look it still covers that look's time.
    this.lastLook = lookedAt;

    this.analysis.add(observation);
    const judgment = this.analysis.judge();
    this.judgment = judgment;
    report.looks += 1;
    report.verdict = judgment.verdict;
    report.metrics = judgment.metrics;
    for (const note of observation.notes) this.notes.add(note);
    this.checkShare(observation);
    host.log.info(`step ${index + 1}, look ${look}: ${judgment.verdict}: ${judgment.reason}`);
    for (const metric of judgment.metrics)
      host.log.info(`  ${metric.metric}: ${metric.verdict}: ${metric.reason}`);
    if (judgment.verdict === 'fail')
      return this.end({ kind: 'abort', verdict: 'fail', reason: judgment.reason });
    return undefined;
  }

  /** A look whose source failed: counted, and the on-error policy asked what a failed look does. */
  private lookFailed(look: number, message: string): StepResult | undefined {
    const { host, step, index, report } = this;
    this.lastError = message;
    report.errors += 1;
    report.verdict = 'error';
    this.notes.add(`${host.deps.source.kind} source: ${message}`);
    host.log.warning(
      `step ${index + 1}, look ${look}: the ${host.deps.source.kind} source failed: ${message}`,
    );
    const decision = decide({
      outcome: 'error',
      when: 'look',
      policies: host.settings.policies,
      extensionsUsed: report.extensions,
      maxExtensions: host.settings.maxExtensions,
    });
    if (decision.effect !== 'keep-judging') this.record(decision);
    if (decision.effect === 'abort')
      return this.end({ kind: 'abort', verdict: 'error', reason: `${message}; ${decision.reason}` }, 'error');
    if (decision.effect === 'extend') {
      this.holdEnds += step.holdMs;
      report.extensions += 1;
    }
    return undefined;
  }

  /** Warns once per step when the canary's share of traffic is far from its weight (not in a dry run). */
  private checkShare(observation: Observation): void {
    const { host, step, report } = this;
    if (observation.canaryShare === undefined || host.settings.dryRun) return;
    report.traffic = checkTraffic(step.weight, observation.canaryShare);
    if (report.traffic.far && !this.warnedTraffic) {
      this.warnedTraffic = true;
      const message = `the canary served ${percent(observation.canaryShare)} of traffic while ${step.weight}% was asked for: the router may not be applying the weight`;
      this.notes.add(message);
      host.log.warning(`step ${this.index + 1}: ${message}`);
    }
  }

  private record(decision: ReturnType<typeof decide>): void {
    const entry: PolicyRecord = {
      input: decision.input,
      policy: decision.policy,
      effect: decision.effect,
      reason: decision.reason,
    };
    this.report.policies.push(entry);
    this.host.log.info(`step ${this.index + 1}: ${decision.reason}`);
  }

  /** Once the hold is over (and not paused): pass on evidence or on the hold rule, or ask the policies. */
  private afterHold(): StepResult | undefined {
    const { host, step, report, judgment, lastError } = this;
    const { settings } = host;
    if (host.clock.now() < this.holdEnds) return undefined;
    // Paused: nothing moves on (no pass, no policy) until the control says continue.
    if (host.control.paused) return undefined;
    if (lastError === undefined && judgment?.verdict === 'pass')
      return this.end({
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
      if (fewest >= settings.minSamples && leaning.length > 0) return undefined;
      if (fewest >= settings.minSamples)
        return this.end({
          kind: 'passed',
          rule: 'hold',
          reason: `${PASS_RULES.hold} (hold ${formatDuration(step.holdMs * (report.extensions + 1))}, ${fewest} or more samples per side, ${settings.minSamples} needed): ${judgment.reason}`,
        });
      outcome = 'inconclusive';
      detail = `${fewest} samples on a side when the hold ended, ${settings.minSamples} needed`;
    }
    if (this.holding.has(outcome)) return undefined;
    const decision = decide({
      outcome,
      when: 'hold-ended',
      policies: settings.policies,
      extensionsUsed: report.extensions,
      maxExtensions: settings.maxExtensions,
      detail,
    });
    this.record(decision);
    switch (decision.effect) {
      case 'abort':
        return this.end({ kind: 'abort', verdict: outcome, reason: decision.reason });
      case 'pass':
        return this.end({ kind: 'passed', rule: 'policy', reason: decision.reason });
      case 'extend':
        this.holdEnds = host.clock.now() + step.holdMs;
        report.extensions += 1;
        return undefined;
      case 'keep-judging':
        this.holding.add(outcome);
        return undefined;
    }
  }
}
