// The decision report of a canary rollout: per step, the weight, the samples per side, the values of both
// sides, the statistic with its interval or p-value, the threshold, and the verdict with its reason. The
// same typed object feeds the job summary, the `report` JSON file and the logs, and (as the steps judged so
// far) the saved state a re-run resumes from.
import type { MetricJudgment, OutcomePolicies, Policy, Verdict } from '../analysis/types.js';
import type { CanaryStep } from './steps.js';

export type RolloutStatus = 'running' | 'promoted' | 'aborted' | 'cancelled';

/**
 * The rollout's verdict (the `verdict` output): pass (promoted), fail (the analysis found the canary worse),
 * no-data / inconclusive / error (a policy aborted an undecided step), timeout (max-duration), router (a
 * weight could not be set), cancelled, manual (aborted or promoted by a command from the rollout's control).
 */
export type RolloutVerdict =
  | 'pass'
  | 'fail'
  | 'no-data'
  | 'inconclusive'
  | 'error'
  | 'timeout'
  | 'router'
  | 'cancelled'
  | 'manual';

export interface PolicyRecord {
  input: 'on-no-data' | 'on-inconclusive' | 'on-error';
  policy: Policy;
  effect: 'keep-judging' | 'extend' | 'abort' | 'pass';
  reason: string;
}

/** A command read from the rollout's control that changed what the step did. */
export interface ControlRecord {
  command: 'pause' | 'continue' | 'abort' | 'promote';
  reason?: string;
  /** Where it came from: `control-file ops/canary.txt`. */
  from: string;
  at: string;
}

export interface TrafficCheck {
  /** The weight asked for, as a share 0..1. */
  asked: number;
  /** The share the metrics saw the canary serve (the last look that could tell). */
  observed: number;
  /** Far from the weight asked for: the comparison may not reflect real traffic. */
  far: boolean;
}

/**
 * What passed a step:
 *   evidence  every metric passed on its own: its confidence interval is inside the allowance
 *             (non-inferiority shown), or its test reached max-samples without finding harm;
 *   hold      the hold elapsed, every compared metric had min-samples per side (an aggregate: its looks),
 *             and no test found harm (no boundary crossed, no threshold broken);
 *   policy    an on-no-data, on-inconclusive or on-error policy of `promote`;
 *   manual    the control said promote.
 */
export type PassRule = 'evidence' | 'hold' | 'policy' | 'manual';

export const PASS_RULES: Record<PassRule, string> = {
  evidence: 'every metric passed on its evidence (non-inferiority shown or max-samples without harm)',
  hold: 'hold elapsed, min-samples seen, no harm found',
  policy: 'passed by its on-* policy (promote)',
  manual: 'promoted by hand through the control',
};

export interface StepReport {
  /** 0-based position in `steps`. */
  index: number;
  weight: number;
  holdMs: number;
  startedAt: string;
  durationMs: number;
  /** Judgments made (looks whose collection failed count in `errors`, not here). */
  looks: number;
  errors: number;
  /** The last judgment's verdict; `error` when the last look failed; `not-judged` for the 100% promotion step. */
  verdict: Verdict | 'error' | 'not-judged';
  /** passed: on to the next step. failed: the rollout was aborted here. cancelled: the job was cancelled here. */
  outcome: 'passed' | 'failed' | 'cancelled';
  /** Which rule passed the step (PASS_RULES says each); absent when it did not pass or was not judged. */
  passedBy?: PassRule;
  reason: string;
  /** The last judgment, per metric: samples, values, statistic, threshold, verdict and reason. */
  metrics: MetricJudgment[];
  policies: PolicyRecord[];
  extensions: number;
  traffic?: TrafficCheck;
  /** What the metric source said was missing or odd, and source errors, deduplicated. */
  notes: string[];
  /** Commands from the rollout's control that took effect at this step (pause, resume, abort, promote). */
  controls?: ControlRecord[];
  /** The run that judged the step (a re-run carries the steps judged before it). */
  run: string;
}

export interface RolloutReport {
  environment: string;
  baselineVersion: string;
  canaryVersion: string;
  dryRun: boolean;
  status: Exclude<RolloutStatus, 'running'>;
  verdict: RolloutVerdict;
  /** Why it ended so, in a sentence. */
  reason: string;
  /** Where the canary's weight stands now (0 after an abort or cancel; what was last set otherwise). */
  finalWeight: number;
  /** false when the canary's weight could not be set back to 0 after an abort or cancel. */
  trafficRestored: boolean;
  steps: StepReport[];
  /** How this run began from a saved state, when it did. */
  resumed?: { previousStatus: RolloutStatus; fromStep: number; previousRun: string; note: string };
  startedAt: string;
  durationMs: number;
  settings: { steps: CanaryStep[]; intervalMs: number; maxDurationMs: number; policies: OutcomePolicies };
}

function round(value: number, digits = 3): string {
  return String(Number(value.toPrecision(digits)));
}

/** A side's value as the logs show it: p95 in ms for latency, a percentage for the error rate. */
export function formatMetricValue(metric: MetricJudgment['metric'], value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'no data';
  return metric === 'latency' ? `${round(value)} ms` : `${round(value * 100)}%`;
}

/** The statistic in words: `mann-whitney z = 2.1 (boundary 2.8), p = 0.04, shift 1.12× [1.05×, 1.2×]`. */
export function formatStatistic(metric: MetricJudgment): string {
  const stat = metric.statistic;
  if (!stat) return 'no statistic';
  const parts: string[] = [];
  let head = stat.test;
  if (stat.value !== undefined && Number.isFinite(stat.value)) head += ` z = ${round(stat.value)}`;
  if (stat.boundary !== undefined && Number.isFinite(stat.boundary))
    head += ` (boundary ${round(stat.boundary)})`;
  parts.push(head);
  if (stat.pValue !== undefined && Number.isFinite(stat.pValue)) parts.push(`p = ${round(stat.pValue, 2)}`);
  const effect = (x: number) =>
    metric.metric === 'latency' ? `${round(x)}×` : `${x >= 0 ? '+' : ''}${round(x * 100)} pt`;
  if (stat.estimate !== undefined && Number.isFinite(stat.estimate)) {
    const interval = stat.interval ? ` [${effect(stat.interval[0])}, ${effect(stat.interval[1])}]` : '';
    parts.push(`${metric.metric === 'latency' ? 'shift' : 'difference'} ${effect(stat.estimate)}${interval}`);
  }
  return parts.join(', ');
}

/** The decision report for the log: the outcome, then per step its judgment and per metric its numbers. */
export function reportLines(report: RolloutReport): string[] {
  const mode = report.dryRun ? ' (dry run)' : '';
  const lines = [
    `canary ${report.canaryVersion} against ${report.baselineVersion} in ${report.environment}${mode}: ${report.status} (${report.verdict}): ${report.reason}`,
  ];
  if (report.resumed) lines.push(`  resumed: ${report.resumed.note}`);
  for (const step of report.steps) {
    const looks = `${step.looks} look${step.looks === 1 ? '' : 's'}${step.errors > 0 ? `, ${step.errors} failed` : ''}`;
    const extended = step.extensions > 0 ? `, extended ${step.extensions}×` : '';
    lines.push(
      `  step ${step.index + 1} (${step.weight}%) ${step.outcome} after ${looks}${extended}: ${step.reason}`,
    );
    for (const metric of step.metrics) {
      lines.push(
        `    ${metric.metric}: baseline ${formatMetricValue(metric.metric, metric.baseline)}, canary ${formatMetricValue(metric.metric, metric.canary)} (${metric.samples.baseline} / ${metric.samples.canary} samples); ${formatStatistic(metric)}; limit ${metric.threshold} → ${metric.verdict}`,
      );
    }
    for (const policy of step.policies)
      lines.push(`    ${policy.input}: ${policy.policy} → ${policy.effect}`);
    if (step.traffic?.far)
      lines.push(
        `    traffic: the canary served ${round(step.traffic.observed * 100)}% where ${round(step.traffic.asked * 100)}% was asked for`,
      );
  }
  if (!report.dryRun)
    lines.push(
      report.trafficRestored
        ? `  the canary's weight is ${report.finalWeight}%`
        : `  the canary's weight could NOT be set back to 0: it may still serve ${report.finalWeight}% of traffic`,
    );
  return lines;
}
