// GitHub API calls per poll of the preflight checks gate, against the fake GitHub on loopback: the gate itself
// (one GraphQL `statusCheckRollup` request a poll, with `isRequired` and the branch protection's required
// checks in the same answer) beside per-check-run REST polling measured in the same run on an identically
// seeded fake: list the commit's check runs (100 a page), the combined status (100 a page), the branch's
// required status checks, and one lookup per check run still pending.
//
// Seed: a pull request whose head commit has 60 check runs and 20 commit statuses; branch protection requires
// 10 of them. Checks finish over three polls: all pending, half done, all done.
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../__tests__/fakes/github/index.js';
import type { CheckRunRecord, CommitStatusRecord } from '../__tests__/fakes/github/store.js';
import { runChecksGate } from '../src/gates/checks.js';
import { CHECKS_DEFAULTS } from '../src/gates/config.js';
import type { GateContext, GateTarget } from '../src/gates/types.js';
import { type CallCount, createGitHubClient, type GitHubClient } from '../src/github/client.js';
import { type BenchResult, plural, progress, ratio, table } from './lib.js';

const OWNER = 'octo';
const REPO = 'app';
const FULL = `${OWNER}/${REPO}`;
const CHECK_RUNS = 60;
const STATUSES = 20;
const REQUIRED = 10;
const POLLS = 3;

interface Fixture {
  gh: FakeGitHub;
  client: GitHubClient;
  target: GateTarget;
  runs: CheckRunRecord[];
  statuses: CommitStatusRecord[];
}

async function fixture(): Promise<Fixture> {
  const gh = await startFakeGitHub();
  gh.store.addRepo({ owner: OWNER, name: REPO });
  const sha = gh.store.addCommit(FULL, { branch: 'feature', message: 'feat: a change with many checks' });
  gh.store.addPullRequest(FULL, { number: 5, head: 'feature', base: 'main' });
  const runs = Array.from({ length: CHECK_RUNS }, (_, i) =>
    gh.store.addCheckRun(FULL, {
      headSha: sha,
      name: `test (shard ${i + 1})`,
      status: 'in_progress',
      workflowName: 'CI',
    }),
  );
  const statuses = Array.from({ length: STATUSES }, (_, i) =>
    gh.store.addCommitStatus(FULL, { sha, context: `ci/external-${i + 1}`, state: 'pending' }),
  );
  gh.store.protectBranch(FULL, 'main', {
    requiredContexts: [
      // The last to finish, so the required checks take as many polls as all of them.
      ...runs.slice(-REQUIRED / 2).map((r) => r.name),
      ...statuses.slice(-REQUIRED / 2).map((s) => s.context),
    ],
  });
  const client = createGitHubClient({
    token: gh.token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retryBaseMs: 10,
    log: { debug: () => {}, warning: (message) => progress(message) },
    env: {},
  });
  const target: GateTarget = {
    owner: OWNER,
    repo: REPO,
    sha,
    ref: 'refs/pull/5/merge',
    eventName: 'pull_request',
    pullNumber: 5,
    baseRef: 'main',
    headRef: 'feature',
    labels: [],
    selfCheckNames: ['preflight'],
    runId: '1',
  };
  return { gh, client, target, runs, statuses };
}

/** Before poll 2 half the checks are done, before poll 3 all of them: the same progress for both approaches. */
function finishOverPolls(f: Fixture, poll: number): void {
  const done = poll === 2 ? 0.5 : poll >= 3 ? 1 : 0;
  for (const run of f.runs.slice(0, Math.round(CHECK_RUNS * done))) {
    if (run.status !== 'completed') f.gh.store.completeCheckRun(run, 'success');
  }
  for (const status of f.statuses.slice(0, Math.round(STATUSES * done))) {
    if (status.state === 'pending') {
      f.gh.store.addCommitStatus(FULL, { sha: status.sha, context: status.context, state: 'success' });
    }
  }
}

interface Measured {
  polls: number;
  count: CallCount;
  recorded: number;
  perPoll: number[];
}

const total = (count: CallCount) => count.rest + count.graphql;

/** The checks gate as preflight-gates runs it, with the clock running and no real waits. */
async function gatePolling(f: Fixture, mode: 'all' | 'required'): Promise<Measured> {
  const perPoll: number[] = [];
  let polls = 0;
  let before = 0;
  const poll = () => {
    polls += 1;
    finishOverPolls(f, polls);
  };
  // Applied just before each read of the commit's checks, so the gate sees the same progress.
  for (let read = 1; read <= POLLS; read += 1) f.gh.store.onChecksRead(FULL, f.target.sha, read, poll);
  const controller = new AbortController();
  const context: GateContext = {
    target: f.target,
    github: f.client,
    env: {},
    workspace: process.cwd(),
    log: {
      info: () => {
        perPoll.push(total(f.client.callCount()) - before);
        before = total(f.client.callCount());
      },
      warning: (message) => progress(message),
      group: (_name, fn) => fn(),
    },
    signal: controller.signal,
    now: () => new Date(),
    sleep: () => Promise.resolve(),
  };
  const outcome = await runChecksGate(
    { ...CHECKS_DEFAULTS, mode, names: [], graceMs: 0, intervalMs: 1, maxIntervalMs: 1 },
    context,
  );
  if (outcome.verdict !== 'pass')
    throw new Error(`the checks gate ended ${outcome.verdict}: ${outcome.detail}`);
  perPoll.push(total(f.client.callCount()) - before);
  assertConformance(f.gh.requests);
  return { polls, count: f.client.callCount(), recorded: f.gh.requests.length, perPoll };
}

/**
 * Per-check-run REST polling, call for call: each poll lists the commit's check runs (100 a page, every page)
 * and its combined status (100 a page), reads the base branch's required status checks, and looks up each
 * check run still pending by id; it stops when every check is done.
 */
async function restPolling(f: Fixture): Promise<Measured> {
  const { client, target } = f;
  const base = { owner: OWNER, repo: REPO };
  const perPoll: number[] = [];
  let polls = 0;
  for (;;) {
    const before = total(client.callCount());
    polls += 1;
    finishOverPolls(f, polls);
    const runs: { id: number; status: string }[] = [];
    for (let page = 1; ; page += 1) {
      const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        ...base,
        ref: target.sha,
        per_page: 100,
        page,
      });
      runs.push(...data.check_runs.map((r) => ({ id: Number(r.id), status: r.status })));
      if (runs.length >= data.total_count || data.check_runs.length === 0) break;
    }
    let statusesPending = false;
    for (let page = 1; ; page += 1) {
      const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/status', {
        ...base,
        ref: target.sha,
        per_page: 100,
        page,
      });
      statusesPending ||= data.statuses.some((s) => s.state === 'pending');
      if (page * 100 >= data.total_count) break;
    }
    await client.request('GET /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks', {
      ...base,
      branch: target.baseRef!,
    });
    let runsPending = false;
    for (const run of runs.filter((r) => r.status !== 'completed')) {
      const { data } = await client.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        ...base,
        check_run_id: run.id,
      });
      runsPending ||= data.status !== 'completed';
    }
    perPoll.push(total(client.callCount()) - before);
    if (!runsPending && !statusesPending) break;
    if (polls > POLLS + 2) throw new Error('REST polling did not see the checks finish');
  }
  assertConformance(f.gh.requests);
  return { polls, count: client.callCount(), recorded: f.gh.requests.length, perPoll };
}

export async function run(): Promise<BenchResult> {
  const measure = async (name: string, fn: (f: Fixture) => Promise<Measured>): Promise<Measured> => {
    const f = await fixture();
    try {
      const measured = await fn(f);
      progress(
        `${name}: ${total(measured.count)} calls over ${measured.polls} polls (${measured.perPoll.join(', ')}; ` +
          `${measured.count.rest} REST, ${measured.count.graphql} GraphQL; the fake recorded ${measured.recorded})`,
      );
      return measured;
    } finally {
      await f.gh.close();
    }
  };

  const all = await measure('checks gate, all', (f) => gatePolling(f, 'all'));
  const required = await measure('checks gate, required', (f) => gatePolling(f, 'required'));
  const rest = await measure('per-check-run REST polling', restPolling);

  const perPoll = (m: Measured) => total(m.count) / m.polls;
  const row = (label: string, m: Measured) => [
    label,
    m.polls,
    m.perPoll.join(' · '),
    total(m.count),
    m.recorded,
    m === all ? '1.00×' : ratio(perPoll(m) / perPoll(all)),
  ];
  const met =
    required.perPoll.every((n) => n === 1) &&
    all.perPoll.every((n) => n === 1) &&
    required.recorded === total(required.count) &&
    perPoll(rest) > perPoll(all);
  return {
    title: 'GitHub API calls per poll of the checks gate',
    table: table(
      ['Approach', 'Polls', 'Calls per poll', 'Calls', 'Seen by the fake', 'Per poll vs deploy-kit'],
      [
        row('deploy-kit checks gate, mode all (GraphQL statusCheckRollup)', all),
        row(
          'deploy-kit checks gate, mode required (the same request with isRequired and branch protection)',
          required,
        ),
        row('Per-check-run REST: list check runs + combined status + required checks + 1 per pending', rest),
      ],
    ),
    goal: `one API call per poll with ${CHECK_RUNS} check runs and ${STATUSES} statuses on the commit, fewer than REST polling`,
    met,
    method:
      `three fresh fake GitHubs seeded alike (a pull request whose head has ${CHECK_RUNS} check runs and ${STATUSES} statuses, ` +
      `${REQUIRED} required by branch protection), finishing over ${POLLS} polls; calls counted by the client ` +
      '(every attempt) and by the fake, all checked with assertConformance',
    notes: [
      'The gate runs for real (runChecksGate) with its waits taken out; the checks finish between polls through the fake store, just before each read.',
      `REST needs a list of check runs and a combined status per poll (one page each up to 100), the branch's required checks, and a lookup per pending check run: ${plural(rest.perPoll[0] ?? 0, 'call')} at the first poll here, ${plural(rest.perPoll.at(-1) ?? 0, 'call')} at the last, once all are done.`,
      "REST's required status checks endpoint needs `administration: read`, which a workflow's GITHUB_TOKEN cannot be granted; GraphQL's `refUpdateRule` answers any reader.",
      'The gate stays at one GraphQL request a poll up to 100 contexts, one more per further 100; its required checks and isRequired come in the same answer.',
    ],
  };
}
