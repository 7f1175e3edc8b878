// Resuming a rollout: from the state saved under environment + canary version, where this run begins.
//   none        a fresh rollout from the first step.
//   running     the previous run ended without finishing (runner lost, job timed out before post ran):
//               the steps it passed stand (while they match this run's first steps); the step it was judging
//               starts over at its weight, with a new analysis. The max-duration budget is this run's own.
//   cancelled   traffic is set back to 0 again (idempotent cleanup), then the rollout starts over from the
//               first step: traffic went back to the baseline, so it ramps up again from the smallest weight.
//   aborted     the canary was judged bad (or undecided by policy): traffic is set back to 0 again and the
//               run ends aborted with the saved verdict, without judging again. A new canary version (or a
//               cleared state) starts a new rollout.
//   promoted    nothing changes (traffic is left where the promotion put it): the run reports the promotion.
// A saved state for another baseline version is set aside: the rollout starts fresh. A dry run keeps its
// state under its own key, so it never resumes or cleans up a real rollout (and the other way round).
import type { RolloutReport, RolloutVerdict, StepReport } from './report.js';
import type { RolloutState } from './state.js';
import type { CanaryStep } from './steps.js';

type Resumed = NonNullable<RolloutReport['resumed']>;

/** Where a run begins, decided from the saved state; the rollout carries it out. */
interface ResumePlan {
  /** The state this run starts from. */
  state: RolloutState;
  /** What was found, for the log and the report (none when nothing was saved). */
  resumed?: Resumed;
  /** Set the weight back to 0 first, telling the router this step number. */
  returnToBaseline?: number;
  /** The rollout had ended already: report this without judging again. */
  ended?: { status: 'promoted' | 'aborted'; verdict: RolloutVerdict; reason: string };
}

/** The key a rollout is saved under: a dry run keeps its own. */
export function storeKey(key: string, dryRun: boolean): string {
  return dryRun ? `${key}-dry-run` : key;
}

/** Plans where this run begins from the previous run's state; `fresh` is the state of a new rollout. */
export function planResume(
  previous: RolloutState | undefined,
  settings: { baselineVersion: string; canaryVersion: string; steps: CanaryStep[] },
  fresh: RolloutState,
): ResumePlan {
  if (!previous) return { state: fresh };
  const resumed = (fromStep: number, note: string): Resumed => ({
    previousStatus: previous.status,
    fromStep,
    previousRun: previous.run,
    note,
  });
  if (previous.baselineVersion !== settings.baselineVersion) {
    return {
      state: fresh,
      resumed: resumed(
        0,
        `a saved rollout of ${previous.canaryVersion} against baseline ${previous.baselineVersion} is set aside: this one is against ${settings.baselineVersion}; starting from the first step`,
      ),
    };
  }
  switch (previous.status) {
    case 'promoted':
      return {
        state: previous,
        resumed: resumed(
          previous.step,
          `${settings.canaryVersion} was promoted already (run ${previous.run}); traffic is left as it is`,
        ),
        ended: {
          status: 'promoted',
          verdict: 'pass',
          reason: previous.reason ?? 'promoted in an earlier run',
        },
      };
    case 'aborted': {
      const last = previous.steps.at(-1);
      const verdict: RolloutVerdict = previous.verdict ?? (last?.verdict === 'fail' ? 'fail' : 'error');
      return {
        state: { ...previous, status: 'aborted' },
        resumed: resumed(
          previous.step,
          `${settings.canaryVersion} was aborted in run ${previous.run} (${previous.reason ?? 'no reason saved'}); setting its weight to 0 again and not judging it again`,
        ),
        returnToBaseline: previous.step + 1,
        ended: {
          status: 'aborted',
          verdict,
          reason: `aborted in an earlier run: ${previous.reason ?? 'no reason saved'}`,
        },
      };
    }
    case 'cancelled':
      return {
        state: { ...fresh, weight: previous.weight },
        resumed: resumed(
          0,
          `the rollout of ${settings.canaryVersion} was cancelled in run ${previous.run}; its weight is set to 0 again and the rollout starts over from the first step`,
        ),
        returnToBaseline: previous.step + 1,
      };
    case 'running': {
      // The steps passed stand while they are this run's first steps (the steps input may have changed).
      const passed: StepReport[] = [];
      for (const step of previous.steps) {
        if (step.outcome !== 'passed' || settings.steps[passed.length]?.weight !== step.weight) break;
        passed.push(step);
      }
      const at = passed.length;
      const step = settings.steps[at];
      const next = step
        ? `step ${at + 1} (${step.weight}%) is judged again from the start`
        : 'every step had passed, so the rollout ends promoted';
      return {
        state: { ...fresh, steps: passed, step: at, weight: previous.weight, startedAt: previous.startedAt },
        resumed: resumed(
          at,
          `resuming the rollout of ${settings.canaryVersion} left running by run ${previous.run}: ${passed.length} step${passed.length === 1 ? '' : 's'} passed; ${next}`,
        ),
      };
    }
  }
}
