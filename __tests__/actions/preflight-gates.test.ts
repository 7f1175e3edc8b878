// Runner-contract tests: the built preflight-gates bundle (dist/preflight-gates) run as the runner runs it, on
// the fake GitHub (every request checked against GitHub's OpenAPI description and GraphQL schema), with real
// commands, files and time zones.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ActionRun, type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import type { CheckRunRecord } from '../fakes/github/store.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const REPO = 'octo/app';
const CHECK_RUN = 'deploy-kit / preflight';
const node24 = nodeBinaries().at(-1)!.path;

interface ReportShape {
  passed: boolean;
  gates: {
    gate: string;
    verdict: string;
    detail: string;
    durationMs: number;
    override?: string;
    items?: { name: string; verdict: string; detail?: string }[];
  }[];
}

const reportOf = (run: ActionRun): ReportShape => JSON.parse(run.outputs.report ?? '{}') as ReportShape;
const gateOf = (run: ActionRun, name: string) => reportOf(run).gates.find((g) => g.gate === name);

/** Fast polling for tests: checks appear within `grace`, then are polled every 100 ms. */
const FAST_CHECKS = 'grace: 3s, interval: 100ms, max-interval: 200ms, timeout: 20s';

interface Fixture {
  gh: FakeGitHub;
  workspace: string;
  sha: string;
  run(
    inputs: Record<string, string>,
    extra?: { env?: Record<string, string>; github?: RunActionOptions['github']; node?: string },
  ): Promise<ActionRun>;
  preflightRuns(): CheckRunRecord[];
}

async function fixture(): Promise<Fixture> {
  const gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  const sha = gh.store.addCommit(REPO, { branch: 'main', message: 'feat: pay by card' });
  const workspace = mkdtempSync(join(tmpdir(), 'preflight-'));
  return {
    gh,
    workspace,
    sha,
    run: (inputs, extra = {}) =>
      runAction({
        action: join(repoRoot, 'preflight-gates'),
        node: extra.node ?? node24,
        workspace,
        // The report under RUNNER_TEMP is read after the run.
        keepWorkDir: true,
        inputs,
        env: {
          ...gh.env(),
          // Fail fast on 5xx in tests: one retry, 10 ms apart.
          DEPLOY_KIT_GITHUB_RETRIES: '1',
          DEPLOY_KIT_GITHUB_RETRY_BASE: '10ms',
          ...extra.env,
        },
        github: {
          token: gh.token,
          repository: REPO,
          sha,
          ref: 'refs/heads/main',
          eventName: 'push',
          runId: '4242',
          job: 'preflight',
          ...extra.github,
        },
        timeoutMs: 60_000,
      }),
    preflightRuns: () => gh.store.repo(REPO).checkRuns.filter((r) => r.name === CHECK_RUN),
  };
}

/** Every gate configured so that it passes on a push of main to production. */
function passingGates(workspace: string): string {
  writeFileSync(
    join(workspace, 'npm-audit.json'),
    JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: {
        minimist: {
          name: 'minimist',
          severity: 'low',
          via: [
            {
              source: 1,
              name: 'minimist',
              title: 'Prototype pollution',
              severity: 'low',
              url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h',
            },
          ],
          range: '<1.2.6',
          fixAvailable: true,
        },
      },
      metadata: { vulnerabilities: { info: 0, low: 1, moderate: 0, high: 0, critical: 0, total: 1 } },
    }),
  );
  return [
    'branch: { production: [main, "v*"] }',
    'freeze:',
    '  timezone: Europe/Berlin',
    '  windows:',
    '    - { name: year-end, from: 2020-12-20, to: 2021-01-02 }',
    'env: { variables: [APP_URL], secrets: [DEPLOY_KEY] }',
    'reviews: { min-approvals: 1 }',
    'vulnerabilities: { fail-on: high, npm-audit: npm-audit.json }',
    'migrations: { name: migrate status, run: echo "no migration pending" }',
    'command:',
    '  - { name: config is valid, run: test -n "$APP_URL" }',
    `checks: { mode: all, ${FAST_CHECKS} }`,
  ].join('\n');
}

function seedGreenChecks(f: Fixture): void {
  f.gh.store.addCheckRun(REPO, { headSha: f.sha, name: 'lint', conclusion: 'success' });
  f.gh.store.addCheckRun(REPO, { headSha: f.sha, name: 'test (ubuntu, 20)', conclusion: 'success' });
  f.gh.store.addCommitStatus(REPO, { sha: f.sha, context: 'ci/deploy-preview', state: 'success' });
}

function seedMergedPull(f: Fixture, state: 'APPROVED' | 'CHANGES_REQUESTED' = 'APPROVED'): void {
  f.gh.store.addPullRequest(REPO, {
    number: 7,
    head: 'feature',
    headSha: f.sha,
    state: 'closed',
    merged: true,
  });
  f.gh.store.addReview(REPO, 7, { user: 'alice', state });
}

/** The bundle cancelled (SIGINT, as the runner does) once the checks gate is waiting. */
function runActionCancelled(f: Fixture, gates: string): Promise<ActionRun> {
  return runAction({
    action: join(repoRoot, 'preflight-gates'),
    node: node24,
    workspace: f.workspace,
    inputs: { gates },
    env: f.gh.env(),
    github: {
      token: f.gh.token,
      repository: REPO,
      sha: f.sha,
      ref: 'refs/heads/main',
      eventName: 'push',
      runId: '4242',
    },
    cancel: { when: (stdout) => stdout.includes('looking again') },
    timeoutMs: 60_000,
  });
}

const ALL_GATES = [
  'branch',
  'freeze',
  'env',
  'reviews',
  'vulnerabilities',
  'migrations',
  'command',
  'checks',
];

describe.each(nodeBinaries())('preflight-gates bundle under %s', ({ path: node }) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(async () => {
    assertConformance(f.gh.requests);
    await f.gh.close();
  });

  it('passes every gate on a push and publishes one check run with the table', async () => {
    seedGreenChecks(f);
    seedMergedPull(f);
    const run = await f.run(
      { environment: 'production', gates: passingGates(f.workspace) },
      { node, env: { APP_URL: 'https://app.example', DEPLOY_KEY: 'k3y-v4lue' } },
    );
    expect(run.main.stderr).toBe('');
    expect(run.conclusion).toBe('success');
    expect(run.outputs.passed).toBe('true');
    expect(JSON.parse(run.outputs['failed-gates']!)).toEqual([]);
    const report = reportOf(run);
    expect(report.gates.map((g) => g.gate).sort()).toEqual([...ALL_GATES].sort());
    for (const gate of report.gates) {
      expect(gate.verdict, `${gate.gate}: ${gate.detail}`).toBe('pass');
      expect(gate.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8'))).toEqual(report);
    // The summary: one row per gate with its time, and the items behind them.
    expect(run.summary).toContain('| Gate | Verdict | Detail | Time |');
    for (const gate of ALL_GATES) expect(run.summary).toMatch(new RegExp(`\\| ${gate} \\| ✅ pass \\|`));
    expect(run.summary).toContain('test (ubuntu, 20)');
    expect(run.summary).not.toContain('k3y-v4lue');
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
    // One log group per gate.
    for (const gate of ALL_GATES)
      expect(
        run.main.log.groups.some((g) => g.includes(gate)),
        gate,
      ).toBe(true);
    // The check run: created once, on the commit, completed with the same table.
    expect(f.gh.requestsFor('POST /repos/{owner}/{repo}/check-runs')).toHaveLength(1);
    const [checkRun, ...others] = f.preflightRuns();
    expect(others).toEqual([]);
    expect(checkRun).toMatchObject({ headSha: f.sha, status: 'completed', conclusion: 'success' });
    expect(checkRun!.output.title).toBe('All 8 gates passed');
    expect(checkRun!.output.summary).toContain('| Gate | Verdict | Detail | Time |');
    expect(checkRun!.output.summary).toMatch(/\| checks \| ✅ pass \|/);
    // The checks gate read the rollup in one GraphQL request: everything was there at the first poll.
    expect(
      f.gh.requestsFor('graphql').filter((r) => r.graphql?.query.includes('query DeployKitChecks')),
    ).toHaveLength(1);
  });

  it('fails every gate, names each one, and fails the step', async () => {
    writeFileSync(
      join(f.workspace, 'trivy.sarif'),
      JSON.stringify({
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'Trivy',
                rules: [
                  {
                    id: 'CVE-2024-0001',
                    shortDescription: { text: 'openssl: remote code execution' },
                    properties: { 'security-severity': '9.8', tags: ['security', 'CRITICAL'] },
                  },
                ],
              },
            },
            results: [
              {
                ruleId: 'CVE-2024-0001',
                level: 'error',
                message: { text: 'Package: openssl 3.0.1, fixed in 3.0.8' },
                locations: [{ physicalLocation: { artifactLocation: { uri: 'Dockerfile' } } }],
              },
            ],
          },
        ],
      }),
    );
    const feature = f.gh.store.addCommit(REPO, { branch: 'feature', message: 'feat: risky' });
    f.gh.store.addCheckRun(REPO, { headSha: feature, name: 'lint', conclusion: 'success' });
    f.gh.store.addCheckRun(REPO, { headSha: feature, name: 'test (ubuntu, 20)', conclusion: 'failure' });
    f.gh.store.addPullRequest(REPO, { number: 8, head: 'feature', headSha: feature });
    f.gh.store.addReview(REPO, 8, { user: 'bob', state: 'CHANGES_REQUESTED' });
    const gates = [
      'branch: { production: [main] }',
      'freeze: [{ name: always, from: 2020-01-01, to: 2099-12-31, timezone: UTC }]',
      'env: { secrets: [DEPLOY_KEY] }',
      'reviews: 1',
      'vulnerabilities: { fail-on: high, sarif: trivy.sarif }',
      'migrations: { name: migrate status, run: echo "2 migrations pending" && exit 1 }',
      'command: [{ name: plan, run: echo "drift detected" >&2 && exit 2 }]',
      `checks: { mode: all, ${FAST_CHECKS} }`,
    ].join('\n');
    const run = await f.run(
      { environment: 'production', gates },
      { node, github: { sha: feature, ref: 'refs/heads/feature' } },
    );
    expect(run.conclusion).toBe('failure');
    expect(run.main.exitCode).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(JSON.parse(run.outputs['failed-gates']!).sort()).toEqual([...ALL_GATES].sort());
    for (const gate of reportOf(run).gates) expect(gate.verdict, `${gate.gate}: ${gate.detail}`).toBe('fail');
    expect(gateOf(run, 'checks')!.detail).toContain('test (ubuntu, 20)');
    expect(gateOf(run, 'reviews')!.detail).toContain('bob');
    expect(gateOf(run, 'env')!.detail).toContain('DEPLOY_KEY');
    expect(gateOf(run, 'vulnerabilities')!.detail).toContain('CVE-2024-0001');
    // An error annotation per failed gate, titled by the gate, and the step's own failure.
    const errors = run.annotations.filter((a) => a.level === 'error');
    for (const gate of ALL_GATES) {
      expect(
        errors.some((a) => a.properties.title === `preflight gate ${gate} failed`),
        gate,
      ).toBe(true);
    }
    expect(errors.at(-1)!.message).toMatch(/^preflight-gates: 8 of 8 gates did not pass: branch, freeze/);
    expect(run.summary).toMatch(/\| freeze \| ❌ fail \|/);
    expect(run.summary).toContain('<details open>');
    const [checkRun] = f.preflightRuns();
    expect(checkRun).toMatchObject({ headSha: feature, status: 'completed', conclusion: 'failure' });
    expect(checkRun!.output.title).toContain('8 of 8 gates did not pass');
    expect(checkRun!.output.summary).toMatch(/\| migrations \| ❌ fail \|/);
    expect(checkRun!.output.text).toContain('test (ubuntu, 20)');
  });
});

describe('preflight-gates on the fake GitHub', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(async () => {
    assertConformance(f.gh.requests);
    await f.gh.close();
  });

  it('waits for checks that appear late and for pending ones to finish, one GraphQL request a poll', async () => {
    const store = f.gh.store;
    store.addCheckRun(REPO, { headSha: f.sha, name: 'lint', conclusion: 'success' });
    let build: CheckRunRecord | undefined;
    store.onChecksRead(REPO, f.sha, 3, () => {
      build = store.addCheckRun(REPO, { headSha: f.sha, name: 'build', status: 'in_progress' });
      store.addCommitStatus(REPO, { sha: f.sha, context: 'ci/e2e', state: 'pending' });
    });
    store.onChecksRead(REPO, f.sha, 5, () => {
      store.completeCheckRun(build!, 'success');
      store.addCommitStatus(REPO, { sha: f.sha, context: 'ci/e2e', state: 'success' });
    });
    const run = await f.run({
      'check-run': 'false',
      gates: `checks: { names: [lint, build, ci/e2e], ${FAST_CHECKS} }`,
    });
    expect(run.conclusion).toBe('success');
    const checks = gateOf(run, 'checks')!;
    expect(checks.verdict).toBe('pass');
    expect(checks.detail).toContain('3 checks passed');
    const polls = f.gh.requestsFor('graphql');
    expect(polls).toHaveLength(5);
    expect(polls.every((r) => r.graphql?.query.includes('query DeployKitChecks'))).toBe(true);
    expect(run.main.stdout).toMatch(/waiting for build, ci\/e2e to appear/);
    expect(run.main.stdout).toMatch(/2 checks pending \(CI \/ build, ci\/e2e\)/);
  });

  it('reports a required check that never appeared apart from a failed one', async () => {
    const store = f.gh.store;
    store.protectBranch(REPO, 'main', { requiredContexts: ['build', 'test', 'security/snyk'] });
    store.addCheckRun(REPO, { headSha: f.sha, name: 'build', conclusion: 'success' });
    store.addCheckRun(REPO, { headSha: f.sha, name: 'test', conclusion: 'failure' });
    store.addCheckRun(REPO, { headSha: f.sha, name: 'optional lint', conclusion: 'failure' });
    const run = await f.run({
      'check-run': 'false',
      gates: 'checks: { mode: required, grace: 300ms, interval: 100ms, timeout: 10s }',
    });
    expect(run.conclusion).toBe('failure');
    const checks = gateOf(run, 'checks')!;
    expect(checks.verdict).toBe('fail');
    const items = Object.fromEntries((checks.items ?? []).map((i) => [i.name, i]));
    expect(items['CI / test']).toMatchObject({ verdict: 'fail', detail: 'failure' });
    expect(items['security/snyk']).toMatchObject({ verdict: 'fail' });
    expect(items['security/snyk']!.detail).toContain('required check missing');
    expect(items['optional lint']).toBeUndefined();
    expect(checks.detail).toMatch(/test/);
    expect(checks.detail).toMatch(/security\/snyk/);
    expect(checks.detail).toMatch(/missing/);
  });

  it('judges a freeze window in its time zone across both daylight saving changes', async () => {
    // Europe/Berlin: clocks go forward on Sun 29 March 2026 (CET → CEST) and back on Sun 25 October 2026.
    const gates = [
      'freeze:',
      '  timezone: Europe/Berlin',
      "  windows: [{ name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', environments: [production] }]",
    ].join('\n');
    const at = (now: string, environment = 'production') =>
      f.run(
        { 'check-run': 'false', environment, gates },
        { env: { DEPLOY_KIT_NOW: now }, github: { token: '' } },
      );
    const cases: [string, 'pass' | 'fail', string?][] = [
      ['2026-03-27T14:59:00Z', 'pass'], // Fri 15:59 CET
      ['2026-03-27T15:00:00Z', 'fail'], // Fri 16:00 CET
      ['2026-03-30T05:59:00Z', 'fail'], // Mon 07:59 CEST: a fixed +01:00 would say 06:59
      ['2026-03-30T06:00:00Z', 'pass'], // Mon 08:00 CEST
      ['2026-10-26T06:59:00Z', 'fail'], // Mon 07:59 CET: a fixed +02:00 would say 08:59 and let it through
      ['2026-10-26T07:00:00Z', 'pass'], // Mon 08:00 CET
      ['2026-03-28T12:00:00Z', 'pass', 'staging'], // the window names production only
    ];
    for (const [now, verdict, environment] of cases) {
      const run = await at(now, environment);
      const freeze = gateOf(run, 'freeze')!;
      expect(freeze.verdict, `${now}: ${freeze.detail}`).toBe(verdict);
      expect(run.conclusion).toBe(verdict === 'pass' ? 'success' : 'failure');
      if (verdict === 'fail') expect(freeze.detail).toContain("frozen by 'weekend'");
    }
    expect(f.gh.requests).toHaveLength(0);
  });

  it('on a pull request: judges its head commit and branch, its reviews, and lets the override label through', async () => {
    const store = f.gh.store;
    const head = store.addCommit(REPO, { branch: 'hotfix/pay', message: 'fix: card declined' });
    const merge = store.addCommit(REPO, { branch: 'scratch-merge', message: 'Merge into main' });
    store.protectBranch(REPO, 'main', { requiredContexts: ['test'] });
    store.addPullRequest(REPO, { number: 12, head: 'hotfix/pay', base: 'main' });
    store.addReview(REPO, 12, { user: 'alice', state: 'CHANGES_REQUESTED' });
    store.addReview(REPO, 12, { user: 'alice', state: 'APPROVED' });
    store.addReview(REPO, 12, { user: 'bob', state: 'APPROVED' });
    store.addCheckRun(REPO, { headSha: head, name: 'test', conclusion: 'success' });
    // This workflow run's own job is never waited on, even though it is still running.
    store.addCheckRun(REPO, {
      headSha: head,
      name: 'preflight',
      status: 'in_progress',
      detailsUrl: `${f.gh.origin}/${REPO}/actions/runs/4242/job/1`,
    });
    const event = {
      action: 'labeled',
      number: 12,
      pull_request: {
        number: 12,
        head: { sha: head, ref: 'hotfix/pay' },
        base: { ref: 'main' },
        labels: [{ name: 'emergency' }, { name: 'payments' }],
      },
    };
    const gates = [
      "branch: { production: [main, 'hotfix/*'] }",
      'freeze:',
      '  override-label: emergency',
      '  windows: [{ name: incident freeze, from: 2020-01-01, to: 2099-12-31, timezone: UTC }]',
      'reviews: 2',
      `checks: { mode: required, ${FAST_CHECKS} }`,
    ].join('\n');
    const run = await f.run(
      { environment: 'production', gates },
      { github: { eventName: 'pull_request', event, sha: merge, ref: 'refs/pull/12/merge' } },
    );
    expect(run.conclusion).toBe('success');
    expect(gateOf(run, 'branch')!.detail).toContain('refs/heads/hotfix/pay');
    expect(gateOf(run, 'reviews')!.detail).toContain('2 approvals (alice, bob) on #12');
    const freeze = gateOf(run, 'freeze')!;
    expect(freeze.verdict).toBe('pass');
    expect(freeze.override).toContain("overridden by label 'emergency'");
    expect(gateOf(run, 'checks')!.detail).toContain('all 1 required check passed');
    // The override is recorded where people look.
    expect(run.summary).toContain("Override of freeze:** frozen by 'incident freeze'");
    expect(run.summary).toContain('pull request #12');
    const [checkRun] = f.preflightRuns();
    expect(checkRun).toMatchObject({ headSha: head, conclusion: 'success' });
    expect(checkRun!.output.summary).toContain("overridden by label 'emergency'");
    // isRequired was asked for this pull request.
    const poll = f.gh.requestsFor('graphql').find((r) => r.graphql?.query.includes('query DeployKitChecks'));
    expect(poll?.graphql?.variables).toMatchObject({ pullNumber: 12, withPull: true, oid: head });
  });

  it('without the override, a frozen pull request fails and says how to override it', async () => {
    const event = {
      number: 3,
      pull_request: { number: 3, head: { sha: f.sha, ref: 'main' }, base: { ref: 'main' }, labels: [] },
    };
    const run = await f.run(
      {
        'check-run': 'false',
        environment: 'production',
        gates:
          'freeze: { override-label: emergency, windows: [{ from: 2020-01-01, to: 2099-12-31, timezone: UTC }] }',
      },
      { github: { eventName: 'pull_request', event, token: '' } },
    );
    expect(run.conclusion).toBe('failure');
    expect(gateOf(run, 'freeze')!.detail).toContain("the label 'emergency'");
    expect(run.annotations.some((a) => a.properties.title === 'preflight gate freeze failed')).toBe(true);
  });

  it('records an override-freeze reason given as an input', async () => {
    const run = await f.run(
      {
        'check-run': 'false',
        environment: 'production',
        'override-freeze': 'INC-2041: card payments down',
        gates: 'freeze: [{ name: release freeze, from: 2020-01-01, to: 2099-12-31, timezone: UTC }]',
      },
      { github: { token: '' } },
    );
    expect(run.conclusion).toBe('success');
    expect(gateOf(run, 'freeze')!.override).toContain('INC-2041: card payments down');
    expect(run.summary).toContain('INC-2041: card payments down');
  });

  it('waits out 429 and 403 rate-limit answers (retry-after) within the timeout', async () => {
    seedGreenChecks(f);
    const tooMany = f.gh.faults.tooManyRequests('graphql', { retryAfter: 1, times: 2 });
    // Once the 429s are spent, a 403 secondary rate limit.
    const secondary = f.gh.faults.secondaryRateLimit('graphql', { retryAfter: 1 });
    const run = await f.run(
      { 'check-run': 'false', gates: `checks: { mode: all, ${FAST_CHECKS} }` },
      { env: { DEPLOY_KIT_GITHUB_RATE_LIMIT_RETRIES: '1' } },
    );
    expect(run.conclusion).toBe('success');
    expect(tooMany.hits).toBe(2);
    expect(secondary.hits).toBe(1);
    expect(gateOf(run, 'checks')!.detail).toContain('3 checks passed');
    // The client retried once, then the gate waited for retry-after itself, inside its timeout.
    expect(run.annotations.some((a) => a.level === 'warning' && /within the timeout/.test(a.message))).toBe(
      true,
    );
    const answered = f.gh.requestsFor('graphql').map((r) => r.status);
    expect(answered).toEqual([429, 429, 403, 200]);
  });

  it('fails clearly, naming the gate, when the rate limit outlasts the timeout', async () => {
    seedGreenChecks(f);
    f.gh.faults.tooManyRequests('graphql', { retryAfter: 600, times: Infinity });
    const run = await f.run({
      'check-run': 'false',
      gates: 'checks: { mode: all, grace: 1s, interval: 100ms, timeout: 5s }\nenv: [HOME]',
    });
    expect(run.conclusion).toBe('failure');
    expect(JSON.parse(run.outputs['failed-gates']!)).toEqual(['checks']);
    const checks = gateOf(run, 'checks')!;
    expect(checks.verdict).toBe('error');
    expect(checks.detail).toMatch(/^checks could not be evaluated: .*rate limit/i);
    expect(gateOf(run, 'env')!.verdict).toBe('pass');
    expect(
      run.annotations.some((a) => a.properties.title === 'preflight gate checks could not be evaluated'),
    ).toBe(true);
  });

  it('ends 5xx answers in a clear failure naming the gate, and still evaluates and reports the rest', async () => {
    f.gh.faults.serverError('graphql', { status: 502, times: Infinity });
    seedMergedPull(f);
    const run = await f.run({
      environment: 'production',
      gates: `branch: { production: [main] }\nreviews: 1\nchecks: { mode: all, ${FAST_CHECKS} }`,
    });
    expect(run.conclusion).toBe('failure');
    expect(JSON.parse(run.outputs['failed-gates']!).sort()).toEqual(['checks', 'reviews']);
    expect(gateOf(run, 'branch')!.verdict).toBe('pass');
    for (const name of ['checks', 'reviews']) {
      const gate = gateOf(run, name)!;
      expect(gate.verdict).toBe('error');
      expect(gate.detail).toMatch(new RegExp(`^${name} could not be evaluated: .*(502|server)`, 'i'));
    }
    expect(run.summary).toMatch(/\| checks \| ⚠️ not evaluated \|/);
    expect(run.annotations.at(-1)!.message).toContain('checks (not evaluated)');
    // The REST check run was not affected: it ends failed, with the table.
    const [checkRun] = f.preflightRuns();
    expect(checkRun).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('warns, and still evaluates the gates, when the token may not create check runs', async () => {
    f.gh.addToken('ghs_read_only_checks', { permissions: { checks: 'read' } });
    seedGreenChecks(f);
    const run = await f.run(
      { token: 'ghs_read_only_checks', gates: `checks: { mode: all, ${FAST_CHECKS} }` },
      { github: { token: 'ghs_read_only_checks' } },
    );
    expect(run.conclusion).toBe('success');
    expect(f.preflightRuns()).toEqual([]);
    const warning = run.annotations.find((a) => a.level === 'warning' && a.message.includes(CHECK_RUN));
    expect(warning?.message).toContain('checks: write');
    expect(run.outputs.passed).toBe('true');
  });

  it("reads Dependabot alerts with a token that may, and says which token when the workflow's may not", async () => {
    f.gh.store.addDependabotAlert(REPO, {
      packageName: 'lodash',
      severity: 'critical',
      ghsaId: 'GHSA-jf85-cpcp-j695',
      cveId: 'CVE-2019-10744',
    });
    f.gh.store.addDependabotAlert(REPO, { packageName: 'debug', severity: 'low' });
    const gates = 'vulnerabilities: { fail-on: high, dependabot: true }';
    const denied = await f.run({ 'check-run': 'false', gates });
    expect(denied.conclusion).toBe('failure');
    const refused = gateOf(denied, 'vulnerabilities')!;
    expect(refused.verdict).toBe('error');
    expect(refused.detail).toContain('Dependabot alerts: read');
    expect(refused.detail).toContain('GitHub App installation token');

    f.gh.addToken('ghs_app_token', { login: 'deploy-kit-ci[bot]' });
    const read = await f.run({ 'check-run': 'false', gates, token: 'ghs_app_token' });
    expect(read.conclusion).toBe('failure');
    const found = gateOf(read, 'vulnerabilities')!;
    expect(found.verdict).toBe('fail');
    expect(found.detail).toContain('CVE-2019-10744 (critical, npm:lodash)');
    expect(found.detail).not.toContain('debug');
    expect(read.masks).toContain('ghs_app_token');
  });

  it("keeps the env gate's secrets out of the check run, the summary and the report, though a command prints one", async () => {
    const secret = 's3cr3t-deploy-key';
    const run = await f.run(
      {
        gates:
          'env: { secrets: [DEPLOY_KEY] }\ncommand: [{ name: leaky, run: echo "using key $DEPLOY_KEY" && exit 3 }]',
      },
      { env: { DEPLOY_KEY: secret } },
    );
    expect(run.conclusion).toBe('failure');
    expect(run.masks).toContain(secret);
    expect(run.main.stdout).toContain('using key');
    const [checkRun] = f.preflightRuns();
    const published = [
      checkRun!.output.summary,
      checkRun!.output.text,
      run.summary,
      run.outputs.report,
      readFileSync(run.outputs['report-path']!, 'utf8'),
    ].join('\n');
    expect(published).toContain('using key ***');
    expect(published).not.toContain(secret);
    expect(JSON.stringify(f.gh.requests.map((r) => r.body))).not.toContain(secret);
  });

  it('cancelled while waiting on checks: ends the check run cancelled and reports the gate not evaluated', async () => {
    f.gh.store.addCheckRun(REPO, { headSha: f.sha, name: 'e2e', status: 'in_progress' });
    const run = await runActionCancelled(f, `checks: { mode: all, ${FAST_CHECKS} }`);
    expect(run.conclusion).toBe('cancelled');
    const [checkRun] = f.preflightRuns();
    expect(checkRun).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(checkRun!.output.summary).toMatch(/\| checks \| ⚠️ not evaluated \|/);
    expect(run.outputs.passed).toBe('false');
    expect(JSON.parse(run.outputs['failed-gates']!)).toEqual(['checks']);
    expect(gateOf(run, 'checks')!.detail).toContain('cancelled');
  });

  it.each([
    ['an unknown gate', 'chekcs: all', /gates: unknown gate 'chekcs' \(did you mean 'checks'\?/],
    [
      'an unknown key',
      'checks: { mode: all, grace-period: 10s }',
      /gates: checks: unknown key 'grace-period'/,
    ],
    [
      'a time zone that does not exist',
      'freeze: [{ from: Fri 16:00, to: Mon 08:00, timezone: Berlin }]',
      /freeze\[0\]\.timezone: unknown time zone 'Berlin'/,
    ],
    ['a duration that is no duration', 'checks: { mode: all, timeout: soon }', /checks\.timeout/],
    ['no gates at all', '', /set 'gates' \(the gates as YAML\) or 'gates-file'/],
  ])('refuses %s before any API call', async (_what, gates, message) => {
    const run = await f.run({ gates });
    expect(run.conclusion).toBe('failure');
    expect(run.annotations.at(-1)!.message).toMatch(message);
    expect(run.annotations.at(-1)!.message).toMatch(/^preflight-gates: /);
    expect(f.gh.requests).toHaveLength(0);
  });

  it('refuses bad sha, ref and pull-request inputs before any API call, naming the input', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ sha: 'abc123' }, /'sha' must be a full 40-character commit SHA, got 'abc123'/],
      [{ ref: 'main' }, /'ref' must be a full ref like refs\/heads\/main/],
      [{ 'pull-request': 'twelve' }, /pull-request/],
      [{ 'check-run': 'maybe' }, /check-run/],
      [{ gates: 'env: [A]', 'gates-file': 'gates.yml' }, /either 'gates' \(YAML\) or 'gates-file'/],
    ];
    for (const [inputs, message] of cases) {
      const run = await f.run({ gates: 'checks: all', ...inputs });
      expect(run.conclusion).toBe('failure');
      expect(run.annotations.at(-1)!.message).toMatch(message);
    }
    expect(f.gh.requests).toHaveLength(0);
  });

  it('reads the gates from a file in the workspace', async () => {
    writeFileSync(join(f.workspace, 'gates.yml'), 'env:\n  variables: [HOME]\n');
    const run = await f.run({ 'gates-file': 'gates.yml', 'check-run': 'false' }, { github: { token: '' } });
    expect(run.conclusion).toBe('success');
    expect(reportOf(run).gates.map((g) => g.gate)).toEqual(['env']);
  });
});
