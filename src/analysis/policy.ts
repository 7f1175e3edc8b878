// Outcome policies: what a canary step does when its judgment ends undecided. Pure: the rollout engine asks,
// this answers, and the answer carries the sentence the report shows.
//
// A step is undecided in three ways, each with its own input:
//   on-no-data       a side had no observations at all when the step's hold ended
//   on-inconclusive  the hold ended with the analysis undecided (too few samples, or max-samples spent)
//   on-error         the metric source could not answer a look
// and each takes one of four policies:
//   hold     stay at this weight and keep judging; the rollout's max-duration is the bound
//   extend   give the step one more hold period (at most `maxExtensions`, 1 by default); if it is still
//            undecided after that, abort
//   abort    set the canary's weight to 0 and stop
//   promote  treat the step as passed and go on
//
// on-error is asked at the look that failed: `abort` aborts at once, `extend` lengthens the hold at once (and
// an error after the extension aborts), `hold` and `promote` let the step carry on; if the hold ends with
// the last look failed, the policy then decides like the others (`promote` passes the step).
import type { OutcomePolicies, Policy } from './types.js';

export const POLICIES: readonly Policy[] = ['hold', 'extend', 'abort', 'promote'];

export type Undecided = 'no-data' | 'inconclusive' | 'error';

/** The input each undecided outcome is governed by, for messages. */
export const POLICY_INPUT: Record<Undecided, 'on-no-data' | 'on-inconclusive' | 'on-error'> = {
  'no-data': 'on-no-data',
  inconclusive: 'on-inconclusive',
  error: 'on-error',
};

export const DEFAULT_POLICIES: OutcomePolicies = {
  onNoData: 'hold',
  onInconclusive: 'extend',
  onError: 'hold',
};

/** What the step does next. */
export type PolicyEffect =
  /** Keep judging at this weight (until max-duration). */
  | 'keep-judging'
  /** The step's deadline moves one hold period later. */
  | 'extend'
  | 'abort'
  /** The step counts as passed. */
  | 'pass';

export interface PolicyDecision {
  effect: PolicyEffect;
  policy: Policy;
  input: (typeof POLICY_INPUT)[Undecided];
  /** One sentence for the report and the log. */
  reason: string;
}

export interface PolicyRequest {
  outcome: Undecided;
  policies: OutcomePolicies;
  /** Extensions this step has had already. */
  extensionsUsed: number;
  /** Default 1. */
  maxExtensions?: number;
  /**
   * `hold-ended`: the step's hold (with extensions) is over and it is undecided.
   * `look`: only for errors, at the look that failed, while the hold still runs.
   */
  when: 'hold-ended' | 'look';
  /** What was undecided, in words ("the canary had 3 samples, 20 needed"), added to the reason. */
  detail?: string;
}

export function policyFor(outcome: Undecided, policies: OutcomePolicies): Policy {
  if (outcome === 'no-data') return policies.onNoData;
  if (outcome === 'inconclusive') return policies.onInconclusive;
  return policies.onError;
}

const WHAT: Record<Undecided, string> = {
  'no-data': 'no data',
  inconclusive: 'inconclusive',
  error: 'the metric source failed',
};

/** The policy's answer for an undecided step. */
export function decide(request: PolicyRequest): PolicyDecision {
  const { outcome, when } = request;
  const policy = policyFor(outcome, request.policies);
  const input = POLICY_INPUT[outcome];
  const maxExtensions = request.maxExtensions ?? 1;
  const what = request.detail ? `${WHAT[outcome]} (${request.detail})` : WHAT[outcome];
  const decision = (effect: PolicyEffect, then: string): PolicyDecision => ({
    effect,
    policy,
    input,
    reason: `${what}; ${input}: ${policy} → ${then}`,
  });
  if (when === 'look' && outcome !== 'error') {
    throw new Error(`policy: only errors are decided at a look, not ${outcome}`);
  }

  switch (policy) {
    case 'abort':
      return decision('abort', 'abort');
    case 'promote':
      // An error while the hold runs skips that look; at the hold's end the step passes.
      return when === 'look'
        ? decision('keep-judging', 'skip this look')
        : decision('pass', 'the step passes');
    case 'hold':
      return decision(
        'keep-judging',
        when === 'look' ? 'skip this look' : 'stay at this weight and keep judging until max-duration',
      );
    case 'extend':
      if (request.extensionsUsed < maxExtensions) {
        const left = maxExtensions - request.extensionsUsed - 1;
        return decision(
          'extend',
          `one more hold period (extension ${request.extensionsUsed + 1} of ${maxExtensions}${left === 0 ? ', the last' : ''})`,
        );
      }
      return decision(
        'abort',
        `abort: still undecided after ${maxExtensions} extension${maxExtensions === 1 ? '' : 's'}`,
      );
  }
}
