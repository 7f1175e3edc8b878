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
 * weight could not be set), cancelled.
 */
export type RolloutVerdict =
  | 'pass'
  | 'fail'
  | 'no-data'
  | 'inconclusive'
  | 'error'
  | 'timeout'
  | 'router'
  | 'cancelled';

export interface PolicyRecord {
  input: 'on-no-data' | 'on-inconclusive' | 'on-error';
  policy: Policy;
  effect: 'keep-judging' | 'extend' | 'abort' | 'pass';
  reason: string;
}

export interface TrafficCheck {
  /** The weight asked for, as a share 0..1. */
  asked: number;
  /** The share the metrics saw the canary serve (the last look that could tell). */
  observed: number;
  /** Far from the weight asked for: the comparison may not reflect real traffic. */
  far: boolean;
}

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
  reason: string;
  /** The last judgment, per metric: samples, values, statistic, threshold, verdict and reason. */
  metrics: MetricJudgment[];
  policies: PolicyRecord[];
  extensions: number;
  traffic?: TrafficCheck;
  /** What the metric source said was missing or odd, and source errors, deduplicated. */
  notes: string[];
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
