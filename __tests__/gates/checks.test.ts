import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  globToRegExp,
  judgeChecks,
  matchesCheck,
  PREFLIGHT_CHECK_NAME,
  runChecksGate,
} from '../../src/gates/checks.js';
import type { ObservedCheck } from '../../src/gates/checks-rollup.js';
import { CHECKS_DEFAULTS } from '../../src/gates/config.js';
import type { ChecksGateConfig, GateTarget } from '../../src/gates/types.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { fakeClient, gateContext, gateTarget, simulatedClock } from '../helpers/gates.js';

let gh: FakeGitHub;
let sha: string;
const repo = 'octo/app';

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  sha = gh.store.addCommit(repo, { branch: 'main', message: 'feat: x' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

function config(overrides: Partial<ChecksGateConfig> = {}): ChecksGateConfig {
  return { mode: 'all', names: [], ...CHECKS_DEFAULTS, graceMs: 30_000, ...overrides };
}

function run(
  name: string,
  conclusion: Parameters<FakeGitHub['store']['addCheckRun']>[1]['conclusion'] = 'success',
  extra = {},
) {
  return gh.store.addCheckRun(repo, { headSha: sha, name, conclusion, workflowName: 'CI', ...extra });
}

function setup(target: Partial<GateTarget> = {}, clockStart?: Date) {
  const clock = simulatedClock(clockStart);
  const context = gateContext({
    target: gateTarget({ sha, ...target }),
    github: fakeClient(gh),
    now: clock.now,
    sleep: clock.sleep,
  });
  return { clock, context };
}

const polls = () => gh.requests.filter((r) => r.kind === 'graphql').length;

describe('matching and judging', () => {
  const check = (name: string, workflow?: string): ObservedCheck => ({
    kind: 'check-run',
    name,
    state: 'completed',
    conclusion: 'success',
    ...(workflow ? { workflow } : {}),
  });

  it('patterns match matrix names, by name or Workflow / name; case matters', () => {
    expect(matchesCheck('test (*)', check('test (ubuntu-latest, 20)'))).toBe(true);
    expect(matchesCheck('CI / test (*)', check('test (ubuntu-latest, 20)', 'CI'))).toBe(true);
    expect(matchesCheck('test', check('test (ubuntu-latest, 20)'))).toBe(false);
    expect(matchesCheck('Test', check('test'))).toBe(false);
    expect(matchesCheck('build-?', check('build-1'))).toBe(true);
    expect(globToRegExp('a.b (x)').test('a.b (x)')).toBe(true);
    expect(globToRegExp('a.b').test('aXb')).toBe(false);
  });

  it('never judges its own job, this workflow run, or ignored checks', () => {
    const target = gateTarget({ selfCheckNames: ['Deploy / preflight'], runId: '777' });
    const judgement = judgeChecks(
      {
        contexts: [
          check(PREFLIGHT_CHECK_NAME),
          check('preflight', 'Deploy'),
          { ...check('sibling'), conclusion: undefined, state: 'in_progress', workflowRunId: 777 },
          { ...check('linked'), url: 'https://github.com/octo/app/actions/runs/777/job/5' },
          check('lint'),
          check('test'),
        ],
      },
      config({ ignore: ['lint'] }),
      target,
    );
    expect(judgement.judged.map((c) => c.name)).toEqual(['test']);
    expect(judgement.excluded.map((e) => [e.check.name, e.reason])).toEqual([
      [PREFLIGHT_CHECK_NAME, 'this job'],
      ['preflight', 'this job'],
      ['sibling', 'this workflow run'],
      ['linked', 'this workflow run'],
      ['lint', 'ignored'],
    ]);
  });
});

describe('checks gate on the fake GitHub', () => {
  it('passes when every check run and status passed, in one request and no wait', async () => {
    run('test');
    run('build (ubuntu)', 'skipped');
    gh.store.addCommitStatus(repo, { sha, context: 'ci/legacy', state: 'success' });
    const { clock, context } = setup();
    const outcome = await runChecksGate(config(), context);
    expect(outcome).toMatchObject({ verdict: 'pass', detail: '3 checks passed' });
    expect(outcome.items?.map((i) => [i.name, i.verdict, i.detail])).toEqual([
      ['CI / test', 'pass', 'success'],
      ['CI / build (ubuntu)', 'pass', 'skipped'],
      ['ci/legacy', 'pass', 'success'],
    ]);
    expect(polls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits for checks that appear late, polling with back-off', async () => {
    let late: ReturnType<typeof run> | undefined;
    gh.store.onChecksRead(repo, sha, 3, () => {
      late = run('test', null, { status: 'in_progress' });
    });
    gh.store.onChecksRead(repo, sha, 5, () => {
      if (late) gh.store.completeCheckRun(late, 'success');
    });
    const { clock, context } = setup();
    const outcome = await runChecksGate(config({ intervalMs: 10_000, maxIntervalMs: 20_000 }), context);
    expect(outcome).toMatchObject({ verdict: 'pass', detail: '1 check passed' });
    expect(polls()).toBe(5);
    expect(clock.sleeps).toEqual([10_000, 15_000, 20_000, 20_000]);
    expect(context.log.lines).toEqual([
      'checks: waiting for checks to appear; looking again in 10 s',
      'checks: waiting for checks to appear; looking again in 15 s',
      'checks: 1 check pending (CI / test); looking again in 20 s',
      'checks: 1 check pending (CI / test); looking again in 20 s',
    ]);
  });

  it('passes with nothing on the commit once the grace period is over (all mode)', async () => {
    const { context } = setup();
    const outcome = await runChecksGate(config({ graceMs: 20_000, intervalMs: 10_000 }), context);
    expect(outcome).toMatchObject({
      verdict: 'pass',
      detail: expect.stringMatching(/^no checks on [0-9a-f]{7} within 20 s$/),
    });
    expect(polls()).toBe(3);
  });

  it('stops at a failure without waiting for the rest; fail-fast off waits them out', async () => {
    run('lint', 'failure');
    const slow = run('test', null, { status: 'in_progress' });
    const { clock, context } = setup();
    const outcome = await runChecksGate(config(), context);
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      '1 of 2 checks failed: CI / lint (failure); stopped waiting on 1 pending check',
    );
    expect(clock.sleeps).toEqual([]);
    expect(outcome.items?.find((i) => i.name === 'CI / test')).toMatchObject({
      verdict: 'skipped',
      detail: 'still in progress (not waited on after a failure)',
    });

    gh.store.onChecksRead(repo, sha, 3, () => gh.store.completeCheckRun(slow, 'success'));
    const patient = setup();
    const waited = await runChecksGate(config({ failFast: false }), patient.context);
    expect(waited.detail).toBe('1 of 2 checks failed: CI / lint (failure)');
    expect(patient.clock.sleeps.length).toBe(1);
  });

  it('counts the allowed conclusions only, and leaves ignored checks out', async () => {
    run('test');
    run('docs', 'skipped');
    run('flaky', 'failure');
    const { context } = setup();
    const outcome = await runChecksGate(
      config({ allowedConclusions: ['success'], ignore: ['flaky'] }),
      context,
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe('1 of 2 checks failed: CI / docs (skipped)');
    expect(outcome.items?.find((i) => i.name === 'CI / flaky')).toMatchObject({
      verdict: 'skipped',
      detail: 'ignored',
    });
  });

  it('never waits on its own job: this workflow run and deploy-kit / preflight stay pending', async () => {
    run('test');
    const own = run('preflight', null, { status: 'in_progress', workflowName: 'Deploy' });
    gh.store.addCheckRun(repo, {
      headSha: sha,
      name: PREFLIGHT_CHECK_NAME,
      status: 'in_progress',
      app: { slug: 'deploy-kit', name: 'deploy-kit' },
    });
    const { clock, context } = setup({ runId: String(own.workflowRunId) });
    const outcome = await runChecksGate(config(), context);
    expect(outcome).toMatchObject({
      verdict: 'pass',
      detail: '1 check passed (2 of this run not waited on)',
    });
    expect(clock.sleeps).toEqual([]);
  });

  it('named: matrix patterns must all be matched, and a missing one is told apart from a failed one', async () => {
    run('test (ubuntu, 20)');
    run('test (windows, 20)', 'failure');
    run('e2e');
    const { context } = setup();
    const outcome = await runChecksGate(
      config({ mode: 'named', names: ['test (*)', 'deploy-preview'], graceMs: 20_000, intervalMs: 10_000 }),
      context,
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      '1 of 2 checks failed: CI / test (windows, 20) (failure); expected check missing: deploy-preview',
    );
    expect(outcome.items?.find((i) => i.name === 'deploy-preview')).toMatchObject({
      verdict: 'fail',
      detail: 'expected check missing: no check matching it appeared within 20 s',
    });
    // e2e is not named: not judged, not listed.
    expect(outcome.items?.some((i) => i.name === 'CI / e2e')).toBe(false);
  });

  it('required on a push: the pushed branch protection decides; a missing required check is reported apart', async () => {
    gh.store.protectBranch(repo, 'main', { requiredContexts: ['test', 'ci/legacy', 'security-scan'] });
    run('test', 'failure');
    run('lint');
    gh.store.addCommitStatus(repo, { sha, context: 'ci/legacy', state: 'success' });
    const { context } = setup({ ref: 'refs/heads/main' });
    const outcome = await runChecksGate(
      config({ mode: 'required', failFast: false, graceMs: 10_000, intervalMs: 10_000 }),
      context,
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      '1 of 2 checks failed: CI / test (failure); required check missing: security-scan',
    );
    expect(outcome.items?.map((i) => [i.name, i.verdict])).toEqual([
      ['CI / test', 'fail'],
      ['security-scan', 'fail'],
      ['ci/legacy', 'pass'],
    ]);
  });

  it('required on a pull request: isRequired for the base branch, in the same request', async () => {
    gh.store.protectBranch(repo, 'main', { requiredContexts: ['test'] });
    const head = gh.store.addCommit(repo, { branch: 'feature', message: 'feat: y' });
    gh.store.addPullRequest(repo, { number: 5, head: 'feature', base: 'main' });
    gh.store.addCheckRun(repo, { headSha: head, name: 'test', conclusion: 'success', workflowName: 'CI' });
    gh.store.addCheckRun(repo, {
      headSha: head,
      name: 'optional-lint',
      conclusion: 'failure',
      workflowName: 'CI',
    });
    const clock = simulatedClock();
    const context = gateContext({
      target: gateTarget({
        sha: head,
        ref: 'refs/pull/5/merge',
        eventName: 'pull_request',
        pullNumber: 5,
        baseRef: 'main',
        headRef: 'feature',
      }),
      github: fakeClient(gh),
      now: clock.now,
      sleep: clock.sleep,
    });
    const outcome = await runChecksGate(config({ mode: 'required' }), context);
    expect(outcome).toMatchObject({ verdict: 'pass', detail: 'all 1 required check passed' });
    expect(polls()).toBe(1);
    expect(gh.requests[0]?.graphql?.variables).toMatchObject({
      withPull: true,
      pullNumber: 5,
      branch: 'refs/heads/main',
    });
  });

  it('required on a tag reads the default branch; without protection nothing is required', async () => {
    gh.store.addTag(repo, 'v1.0.0', { sha });
    run('test', 'failure');
    const { context } = setup({ ref: 'refs/tags/v1.0.0' });
    const outcome = await runChecksGate(config({ mode: 'required' }), context);
    expect(outcome).toMatchObject({
      verdict: 'pass',
      detail: 'main has no branch protection that requires checks',
    });
    gh.store.protectBranch(repo, 'main', { requiredContexts: ['test'] });
    const again = await runChecksGate(
      config({ mode: 'required' }),
      setup({ ref: 'refs/tags/v1.0.0' }).context,
    );
    expect(again).toMatchObject({ verdict: 'fail', detail: '1 of 1 check failed: CI / test (failure)' });
  });

  it('fails at the hard timeout with what is still pending', async () => {
    run('test');
    run('slow', null, { status: 'in_progress' });
    const { clock, context } = setup();
    const outcome = await runChecksGate(
      config({ timeoutMs: 60_000, intervalMs: 10_000, maxIntervalMs: 30_000 }),
      context,
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe('1 check still pending at the 1 m timeout: CI / slow');
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(outcome.items?.find((i) => i.name === 'CI / slow')).toMatchObject({
      verdict: 'fail',
      detail: 'still in progress at the 1 m timeout',
    });
  });

  it('reads more than 100 contexts in pages: 2 requests a poll for 130 check runs and statuses', async () => {
    for (let i = 0; i < 100; i++) run(`job ${i}`);
    for (let i = 0; i < 30; i++)
      gh.store.addCommitStatus(repo, { sha, context: `status/${i}`, state: 'success' });
    const { context } = setup();
    const outcome = await runChecksGate(config(), context);
    expect(outcome).toMatchObject({ verdict: 'pass', detail: '130 checks passed' });
    expect(polls()).toBe(2);
  });

  it('waits for the rate-limit reset when the next poll would spend the last request', async () => {
    const pending = run('test', null, { status: 'in_progress' });
    gh.setRateLimit({ resource: 'graphql', remaining: 1, resetInSeconds: 120 });
    const start = new Date();
    const clock = simulatedClock(start);
    const resetAt = Math.floor(start.getTime() / 1000) * 1000 + 120_000;
    const context = gateContext({
      target: gateTarget({ sha }),
      github: fakeClient(gh),
      now: clock.now,
      // Time passing on the simulated clock past the reset gives the token its requests back, as on GitHub.
      sleep: async (ms) => {
        await clock.sleep(ms);
        if (clock.now().getTime() >= resetAt) {
          gh.setRateLimit({ resource: 'graphql' });
          gh.store.completeCheckRun(pending, 'success');
        }
      },
    });
    const outcome = await runChecksGate(config({ timeoutMs: 10 * 60_000 }), context);
    expect(outcome).toMatchObject({ verdict: 'pass', detail: '1 check passed' });
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(115_000);
    expect(context.log.warnings[0]).toMatch(
      /^checks: 0 GraphQL requests left for this token; waiting for the reset at /,
    );
    expect(gh.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  it('is an error when the rate limit frees up only after the timeout', async () => {
    run('test', null, { status: 'in_progress' });
    gh.setRateLimit({ resource: 'graphql', remaining: 0, resetInSeconds: 3600 });
    const { context } = setup({}, new Date());
    const outcome = await runChecksGate(config({ timeoutMs: 5 * 60_000 }), context);
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toMatch(
      /^checks could not be evaluated: GitHub refused to read the checks of [0-9a-f]{7}.*GraphQL rate limit for this token is spent.*after the 5 m timeout, so the checks could not be judged$/,
    );
  });

  it("rides out a secondary rate limit (403 with retry-after) and GitHub's 5xx answers", async () => {
    run('test');
    gh.faults.secondaryRateLimit('graphql', { retryAfter: 1 });
    gh.faults.serverError('graphql', { times: 1, status: 502 });
    const { context } = setup();
    const outcome = await runChecksGate(config(), context);
    expect(outcome).toMatchObject({ verdict: 'pass', detail: '1 check passed' });
    expect(gh.requests.map((r) => r.status)).toEqual([403, 502, 200]);
  });

  it('names the gate when GitHub keeps failing', async () => {
    run('test');
    gh.faults.serverError('graphql', { times: Infinity, status: 503 });
    const { context } = setup();
    const outcome = await runChecksGate(config(), context);
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toMatch(
      /^checks could not be evaluated: GitHub refused to read the checks of [0-9a-f]{7} in octo\/app: GitHub answered 503/,
    );
  });

  it('is an error when cancelled while waiting, naming what was pending', async () => {
    run('test', null, { status: 'queued' });
    const controller = new AbortController();
    const clock = simulatedClock();
    const context = gateContext({
      target: gateTarget({ sha }),
      github: fakeClient(gh),
      now: clock.now,
      signal: controller.signal,
      sleep: async (ms, signal) => {
        controller.abort();
        await clock.sleep(ms, signal);
      },
    });
    const outcome = await runChecksGate(config(), context);
    expect(outcome).toEqual({
      verdict: 'error',
      detail: expect.stringMatching(
        /^checks: cancelled while waiting on the checks of [0-9a-f]{7} \(CI \/ test pending\)$/,
      ),
    });
  });

  it('is an error naming the token when there is no client', async () => {
    const outcome = await runChecksGate(config(), gateContext({ target: gateTarget({ sha }) }));
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toMatch(/needs a GitHub token, and none was given$/);
  });
});
