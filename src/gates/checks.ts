// The `checks` gate: the commit's check runs and commit statuses must have passed — all of them, only those
// branch protection requires, or named ones (names or glob patterns, `test (*)` for matrix jobs) — with an
// ignore list and a set of allowed conclusions.
//
// One GraphQL request per poll (checks-rollup.ts reads the commit's `statusCheckRollup`). A grace period
// lets checks appear; then it polls with back-off while anything is pending, paced by the rate-limit headers, under a
// hard timeout. It never waits on its own job: the names in `target.selfCheckNames`, the check run
// `deploy-kit / preflight`, and any check run of this workflow run (its details URL or workflow run id).
//
// Choices:
// - A failed check ends the wait at once (`failFast`, default true): the verdict cannot turn to pass.
// - In `all` mode the grace period is waited out only while no check has appeared at all; in `required` and
//   `named` modes while an expected one is missing. A check still missing when the rest are done (after the
//   grace period) is reported as missing, apart from failed ones.
// - `required` reads the branch protection that applies: the pull request's base branch on PR events (plus
//   `isRequired` of each context), the pushed branch on pushes, the default branch for tags.
// - Patterns match the check's name or `Workflow / name` (as pull requests show it); case matters, as it
//   does for GitHub's required checks. `*` is any text, `?` one character.
import { formatDuration } from '../common/durations.js';
import { toGitHubApiError } from '../github/errors.js';
import { type ChecksSnapshot, displayName, type ObservedCheck, readChecks } from './checks-rollup.js';
import { rateLimitResumeAt } from './github-queries.js';
import type {
  CheckConclusion,
  ChecksGateConfig,
  Gate,
  GateContext,
  GateItem,
  GateOutcome,
  GateTarget,
} from './types.js';

/** The check run deploy-kit publishes its own verdict as; never waited on. */
export const PREFLIGHT_CHECK_NAME = 'deploy-kit / preflight';
export const DEFAULT_ALLOWED_CONCLUSIONS: readonly CheckConclusion[] = ['success', 'neutral', 'skipped'];
/** Back-off factor of the poll interval. */
const BACKOFF = 1.5;

/** A glob (`*` any text, `?` one character) as an anchored RegExp; everything else is literal. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Whether a name or pattern matches a check by its name or `Workflow / name`. */
export function matchesCheck(pattern: string, check: ObservedCheck): boolean {
  const regex = globToRegExp(pattern);
  return regex.test(check.name) || (check.workflow !== undefined && regex.test(displayName(check)));
}

function pending(check: ObservedCheck): boolean {
  return check.conclusion === undefined;
}

// ---- judging ----

export interface Judgement {
  /** Contexts the gate judges. */
  judged: ObservedCheck[];
  passed: ObservedCheck[];
  failed: ObservedCheck[];
  pending: ObservedCheck[];
  /** Contexts never waited on, with why (this job, this workflow run, ignored). */
  excluded: { check: ObservedCheck; reason: string }[];
  /** Required names or named patterns no context answers (yet). */
  missing: string[];
  /** Whether anything is expected at all (`required` with no required check: nothing). */
  expectsSomething: boolean;
}

function selfReason(check: ObservedCheck, target: GateTarget): string | undefined {
  const own = new Set([PREFLIGHT_CHECK_NAME, ...target.selfCheckNames]);
  if (own.has(check.name) || own.has(displayName(check))) return 'this job';
  if (check.kind === 'check-run' && target.runId) {
    const runPath = new RegExp(`/actions/runs/${target.runId.replace(/\D/g, '')}(?:[/?#]|$)`);
    if ((check.url && runPath.test(check.url)) || String(check.workflowRunId) === target.runId) {
      return 'this workflow run';
    }
  }
  return undefined;
}

export function judgeChecks(
  snapshot: Pick<ChecksSnapshot, 'contexts' | 'protection'>,
  config: ChecksGateConfig,
  target: GateTarget,
): Judgement {
  const allowed = new Set<string>(
    config.allowedConclusions.length > 0 ? config.allowedConclusions : DEFAULT_ALLOWED_CONCLUSIONS,
  );
  const excluded: Judgement['excluded'] = [];
  const candidates: ObservedCheck[] = [];
  for (const check of snapshot.contexts) {
    const self = selfReason(check, target);
    if (self) excluded.push({ check, reason: self });
    else if (config.ignore.some((pattern) => matchesCheck(pattern, check)))
      excluded.push({ check, reason: 'ignored' });
    else candidates.push(check);
  }
  const present = (name: string, list: ObservedCheck[]) =>
    list.some((c) => c.name === name || displayName(c) === name);

  let judged: ObservedCheck[];
  let missing: string[] = [];
  let expectsSomething = true;
  if (config.mode === 'all') {
    judged = candidates;
  } else if (config.mode === 'required') {
    const requiredNames = new Set(snapshot.protection?.contexts ?? []);
    for (const check of snapshot.contexts) if (check.required) requiredNames.add(check.name);
    judged = candidates.filter((c) => c.required || requiredNames.has(c.name));
    missing = [...requiredNames].filter(
      (name) =>
        !present(name, judged) &&
        !excluded.some((e) => e.check.name === name) &&
        !config.ignore.some((pattern) => globToRegExp(pattern).test(name)),
    );
    expectsSomething = judged.length > 0 || missing.length > 0;
  } else {
    judged = candidates.filter((c) => config.names.some((pattern) => matchesCheck(pattern, c)));
    missing = config.names.filter((pattern) => !snapshot.contexts.some((c) => matchesCheck(pattern, c)));
    expectsSomething = config.names.length > 0;
  }
  const passed: ObservedCheck[] = [];
  const failed: ObservedCheck[] = [];
  const waiting: ObservedCheck[] = [];
  for (const check of judged) {
    if (pending(check)) waiting.push(check);
    else if (allowed.has(check.conclusion ?? '')) passed.push(check);
    else failed.push(check);
  }
  return { judged, passed, failed, pending: waiting, excluded, missing, expectsSomething };
}

/** Whether the wait is over: nothing pending, nothing expected missing (or the grace period is over). */
export function settled(judgement: Judgement, config: ChecksGateConfig, graceOver: boolean): boolean {
  if (judgement.failed.length > 0 && config.failFast !== false) return true;
  if (judgement.pending.length > 0) return false;
  if (graceOver) return true;
  if (judgement.missing.length > 0) return false;
  // `all`: while nothing has appeared, checks may still be on their way.
  if (config.mode === 'all' && judgement.judged.length === 0) return false;
  return true;
}

// ---- the verdict ----

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const list = (names: string[], max = 6) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

function describeState(check: ObservedCheck): string {
  return check.state.replace(/_/g, ' ');
}

interface Ending {
  graceMs: number;
  timedOut?: { afterMs: number };
  /** Set when the wait ended at a failure with checks still pending. */
  stoppedEarly?: boolean;
}

export function checksOutcome(
  judgement: Judgement,
  config: ChecksGateConfig,
  snapshot: Pick<ChecksSnapshot, 'protection'>,
  target: GateTarget,
  ending: Ending,
): GateOutcome {
  const { passed, failed, pending: waiting, missing, excluded, judged } = judgement;
  const items: GateItem[] = [];
  const missingWhat = config.mode === 'required' ? 'required check missing' : 'expected check missing';
  for (const check of failed) {
    items.push({
      name: displayName(check),
      verdict: 'fail',
      detail: check.conclusion ?? 'failed',
      ...(check.url ? { url: check.url } : {}),
    });
  }
  for (const name of missing) {
    items.push({
      name,
      verdict: 'fail',
      detail: `${missingWhat}: no check ${config.mode === 'named' ? 'matching it ' : ''}appeared within ${formatDuration(ending.timedOut ? ending.timedOut.afterMs : ending.graceMs)}`,
    });
  }
  for (const check of waiting) {
    items.push({
      name: displayName(check),
      verdict: ending.stoppedEarly ? 'skipped' : 'fail',
      detail: ending.stoppedEarly
        ? `still ${describeState(check)} (not waited on after a failure)`
        : `still ${describeState(check)} at the ${formatDuration(ending.timedOut?.afterMs ?? 0)} timeout`,
      ...(check.url ? { url: check.url } : {}),
    });
  }
  for (const check of passed) {
    items.push({
      name: displayName(check),
      verdict: 'pass',
      detail: check.conclusion ?? 'success',
      ...(check.url ? { url: check.url } : {}),
    });
  }
  for (const { check, reason } of excluded) {
    items.push({
      name: displayName(check),
      verdict: 'skipped',
      detail: reason === 'ignored' ? 'ignored' : `${reason}: not waited on`,
      ...(check.url ? { url: check.url } : {}),
    });
  }

  const parts: string[] = [];
  if (failed.length > 0) {
    parts.push(
      `${failed.length} of ${plural(judged.length, 'check')} failed: ${list(failed.map((c) => `${displayName(c)} (${c.conclusion})`))}`,
    );
  }
  if (missing.length > 0) parts.push(`${missingWhat}: ${list(missing)}`);
  if (waiting.length > 0 && !ending.stoppedEarly) {
    parts.push(
      `${plural(waiting.length, 'check')} still pending at the ${formatDuration(ending.timedOut?.afterMs ?? 0)} timeout: ${list(waiting.map(displayName))}`,
    );
  }
  if (parts.length > 0) {
    if (ending.stoppedEarly && waiting.length > 0)
      parts.push(`stopped waiting on ${plural(waiting.length, 'pending check')}`);
    return { verdict: 'fail', detail: parts.join('; '), items };
  }

  const notWaited = excluded.filter((e) => e.reason !== 'ignored').length;
  const ignored = excluded.length - notWaited;
  const aside = [
    ...(ignored > 0 ? [`${ignored} ignored`] : []),
    ...(notWaited > 0 ? [`${notWaited} of this run not waited on`] : []),
  ];
  const suffix = aside.length > 0 ? ` (${aside.join(', ')})` : '';
  const short = target.sha.slice(0, 7);
  if (!judgement.expectsSomething || judged.length === 0) {
    const why =
      config.mode === 'required'
        ? snapshot.protection
          ? snapshot.protection.protected
            ? `branch protection of ${snapshot.protection.branch} requires no status checks`
            : `${snapshot.protection.branch} has no branch protection that requires checks`
          : `no branch protection applies to ${target.ref}`
        : config.mode === 'named'
          ? 'no checks were named'
          : `no checks on ${short} within ${formatDuration(ending.graceMs)}`;
    return { verdict: 'pass', detail: `${why}${suffix}`, items };
  }
  const what =
    config.mode === 'required'
      ? `all ${plural(passed.length, 'required check')}`
      : plural(passed.length, 'check');
  return { verdict: 'pass', detail: `${what} passed${suffix}`, items };
}

// ---- the gate ----

async function pause(context: GateContext, ms: number): Promise<boolean> {
  try {
    await context.sleep(Math.max(ms, 0), context.signal);
  } catch (error) {
    if (!context.signal.aborted) throw error;
  }
  return !context.signal.aborted;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function runChecksGate(config: ChecksGateConfig, context: GateContext): Promise<GateOutcome> {
  const { target, log } = context;
  const client = context.github;
  const short = target.sha.slice(0, 7);
  if (!client) {
    return {
      verdict: 'error',
      detail: `checks: reading the checks of ${short} needs a GitHub token, and none was given`,
    };
  }
  const start = context.now().getTime();
  const deadline = start + config.timeoutMs;
  const graceEnd = start + config.graceMs;
  let interval = Math.max(config.intervalMs, 1);
  const sleep = (ms: number) => context.sleep(ms, context.signal);
  const cancelled = (judgement?: Judgement): GateOutcome => ({
    verdict: 'error',
    detail: `checks: cancelled while waiting on the checks of ${short}${judgement && judgement.pending.length > 0 ? ` (${list(judgement.pending.map(displayName))} pending)` : ''}`,
  });
  let warnedPartial = false;
  let last: { snapshot: ChecksSnapshot; judgement: Judgement } | undefined;

  for (;;) {
    let snapshot: ChecksSnapshot;
    try {
      snapshot = await readChecks(client, target, config.mode, { sleep, now: context.now });
    } catch (error) {
      const apiError = toGitHubApiError(error, { action: `read the checks of ${short}`, now: context.now });
      const now = context.now().getTime();
      const resumeAt = rateLimitResumeAt(apiError, new Date(now));
      if (resumeAt !== undefined && resumeAt <= deadline) {
        log.warning(
          `checks: ${apiError.message}; waiting ${formatDuration(resumeAt - now)} (until ${iso(resumeAt)}) within the timeout`,
        );
        // At least a second: a reset already past by GitHub's clock must not turn into a tight loop.
        if (!(await pause(context, Math.max(resumeAt - now, 1000)))) return cancelled(last?.judgement);
        continue;
      }
      const beyond =
        resumeAt !== undefined
          ? `; it frees up at ${iso(resumeAt)}, after the ${formatDuration(config.timeoutMs)} timeout, so the checks could not be judged`
          : '';
      return {
        verdict: 'error',
        detail: `checks could not be evaluated: ${apiError.message}${beyond}`,
        ...(last
          ? {
              items:
                checksOutcome(last.judgement, config, last.snapshot, target, { graceMs: config.graceMs })
                  .items ?? [],
            }
          : {}),
      };
    }
    if (snapshot.partialErrors.length > 0 && !warnedPartial) {
      warnedPartial = true;
      log.warning(
        `checks: part of the answer could not be read (${snapshot.partialErrors.join('; ')}); judging the rest`,
      );
    }
    const judgement = judgeChecks(snapshot, config, target);
    last = { snapshot, judgement };
    const now = context.now().getTime();
    const graceOver = now >= graceEnd;
    if (settled(judgement, config, graceOver)) {
      const stoppedEarly = judgement.failed.length > 0 && judgement.pending.length > 0;
      return checksOutcome(judgement, config, snapshot, target, { graceMs: config.graceMs, stoppedEarly });
    }
    if (now >= deadline) {
      return checksOutcome(judgement, config, snapshot, target, {
        graceMs: config.graceMs,
        timedOut: { afterMs: now - start },
      });
    }

    let wait = Math.min(interval, deadline - now);
    const { remaining, resetAt } = snapshot.rate;
    if (remaining !== undefined && remaining < snapshot.requests && resetAt !== undefined) {
      // The next poll would spend what is left of the budget: wait for the reset, if the timeout allows.
      const resumeAt = resetAt + 1000;
      if (resumeAt > deadline) {
        const outcome = checksOutcome(judgement, config, snapshot, target, {
          graceMs: config.graceMs,
          timedOut: { afterMs: now - start },
        });
        return {
          verdict: 'error',
          detail:
            `checks could not be evaluated: GitHub's GraphQL rate limit for this token is spent (${remaining} left) ` +
            `and resets at ${iso(resetAt)}, after the ${formatDuration(config.timeoutMs)} timeout` +
            (judgement.pending.length > 0
              ? `; still pending: ${list(judgement.pending.map(displayName))}`
              : ''),
          ...(outcome.items ? { items: outcome.items } : {}),
        };
      }
      wait = Math.max(wait, resumeAt - now);
      log.warning(
        `checks: ${remaining} GraphQL requests left for this token; waiting for the reset at ${iso(resetAt)} (${formatDuration(resumeAt - now)})`,
      );
    }
    const waitingOn =
      judgement.pending.length > 0
        ? `${plural(judgement.pending.length, 'check')} pending (${list(judgement.pending.map(displayName), 4)})`
        : judgement.missing.length > 0
          ? `waiting for ${list(judgement.missing, 4)} to appear`
          : 'waiting for checks to appear';
    log.info(`checks: ${waitingOn}; looking again in ${formatDuration(wait)}`);
    if (!(await pause(context, wait))) return cancelled(judgement);
    interval = Math.min(Math.round(interval * BACKOFF), Math.max(config.maxIntervalMs, config.intervalMs));
  }
}

export const checksGate: Gate<ChecksGateConfig> = {
  name: 'checks',
  run: runChecksGate,
};
