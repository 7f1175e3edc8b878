// The four DORA keys over 90 days of a busy environment: 1,000 deployments and 5,000 commits held in the fake
// GitHub on loopback. deploy-kit's way (src/insights/: GitHub Deployments through GraphQL, 100 a page with
// their statuses, and the commit history in two GraphQL calls of aliased time windows) beside the REST way a
// tool that reads runs one by one would take: list the deployments (100 a page), list each one's statuses,
// and compare each delivered commit with the one before (GET …/compare/{base}...{head}). Both must compute the
// same figures; the same history from a file ledger and the local git clone is timed too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../__tests__/fakes/github/index.js';
import { at } from '../__tests__/insights/hand-built.js';
import {
  gitRepository,
  type KnownCommit,
  type KnownDeployment,
  seedGitHub,
  writeFileLedger,
} from '../__tests__/insights/known-history.js';
import { createGitHubClient } from '../src/github/client.js';
import type { CommitGraph } from '../src/insights/commit-graph.js';
import { GitHistory } from '../src/insights/git-history.js';
import { GitHubHistory } from '../src/insights/github-history.js';
import { computeInsights, deliveryInsights } from '../src/insights/insights.js';
import { sortRecord } from '../src/insights/record.js';
import type { Insights, Period } from '../src/insights/types.js';
import { FileLedger } from '../src/ledger/file.js';
import { parsePayload } from '../src/ledger/github.js';
import { type DeploymentEntry, type DeploymentState, recordOf } from '../src/ledger/types.js';
import { type BenchResult, fixed, nowMs, progress, table } from './lib.js';

const DEPLOYMENTS = 1000;
const COMMITS = 5000;
const DAYS = 90;
const GOAL_CALLS = 12;
const GOAL_MS = 2000;
const HOURS = (DAYS + 2) * 24;

/** 5,000 commits one every ~26 minutes over 92 days; 1,000 deployments over the last 90 (one before them). */
export function history(): { commits: KnownCommit[]; deployments: KnownDeployment[]; period: Period } {
  const commits: KnownCommit[] = Array.from({ length: COMMITS }, (_, i) => ({
    name: `c${i}`,
    hours: (i * HOURS) / COMMITS,
  }));
  const newestBefore = (hours: number) =>
    commits[Math.min(COMMITS - 1, Math.floor((hours * COMMITS) / HOURS))]!.name;
  const deployments: KnownDeployment[] = [
    { version: 'v0', commit: newestBefore(24), created: 24, statuses: [['success', 24.1]] },
  ];
  let lastGood = 'v0';
  let lastGoodCommit = newestBefore(24);
  let j = 0;
  while (deployments.length < DEPLOYMENTS) {
    const hours = 48 + (j * (DAYS * 24 - 1)) / DEPLOYMENTS;
    const version = `v${++j}`;
    const commit = newestBefore(hours);
    if (j % 20 === 7) {
      deployments.push({
        version,
        commit,
        created: hours,
        statuses: [
          ['in_progress', hours],
          ['failure', hours + 0.1, 'deploy command failed'],
        ],
      });
      continue;
    }
    deployments.push({
      version,
      commit,
      created: hours,
      statuses: [
        ['in_progress', hours],
        ['success', hours + 0.1],
      ],
    });
    if (j % 25 === 3 && deployments.length < DEPLOYMENTS) {
      const index = deployments.length - 1;
      const reason = j % 50 === 3 ? `canary ${version} aborted` : `the smoke test of ${version} failed`;
      deployments.push({
        version: lastGood,
        commit: lastGoodCommit,
        created: hours + 0.3,
        statuses: [
          ['in_progress', hours + 0.3],
          ['success', hours + 0.4],
        ],
        rollbackOf: { index, reason },
      });
      continue;
    }
    lastGood = version;
    lastGoodCommit = commit;
  }
  return { commits, deployments, period: { since: at(48), until: at(48 + DAYS * 24) } };
}

/** The REST way: deployments 100 a page, each one's statuses, a compare per delivered commit. */
async function restWay(
  gh: FakeGitHub,
  period: Period,
): Promise<{ insights: Insights; calls: number; ms: number }> {
  const client = createGitHubClient({
    token: gh.token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retries: 0,
  });
  const started = nowMs();
  const entries: DeploymentEntry[] = [];
  for (let page = 1; ; page += 1) {
    const { data } = await client.request('GET /repos/{owner}/{repo}/deployments', {
      owner: 'octo',
      repo: 'app',
      environment: 'production',
      per_page: 100,
      page,
    });
    for (const d of data) {
      const statuses = await client.request(
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        {
          owner: 'octo',
          repo: 'app',
          deployment_id: Number(d.id),
          per_page: 100,
        },
      );
      const payload = parsePayload(d.payload);
      const record = recordOf(payload);
      const list = [...statuses.data]
        .sort((a, b) => Number(b.id) - Number(a.id))
        .map((s) => ({
          state: s.state as DeploymentState,
          createdAt: s.created_at,
          ...(s.description ? { description: s.description } : {}),
        }));
      entries.push({
        id: String(d.id),
        environment: d.environment,
        task: d.task,
        sha: d.sha,
        ref: d.ref,
        createdAt: d.created_at,
        payload,
        ...(record ? { record } : {}),
        statuses: list,
        state: list[0]?.state ?? 'pending',
      });
    }
    if (data.length < 100) break;
  }
  const record = sortRecord('production', period, entries, 'github');
  const commits: CommitGraph['commits'] = new Map();
  const shas = [...new Set(record.deliveries.filter((d) => d.kind !== 'rollback').map((d) => d.sha))];
  for (let i = 1; i < shas.length; i += 1) {
    for (let page = 1; ; page += 1) {
      const { data } = await client.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        owner: 'octo',
        repo: 'app',
        basehead: `${shas[i - 1]}...${shas[i]}`,
        per_page: 100,
        page,
      });
      for (const c of data.commits) {
        commits.set(c.sha, {
          committedAt: new Date(c.commit.committer?.date ?? 0).toISOString(),
          parents: c.parents.map((p) => p.sha),
        });
      }
      if (data.commits.length < 100) break;
    }
  }
  // The compares give the commits after the baseline; the baseline's own commit closes the walk.
  const insights = computeInsights(record, { commits, describe: 'REST compare', missing: [] });
  const count = client.callCount();
  return { insights, calls: count.rest + count.graphql, ms: nowMs() - started };
}

export async function run(): Promise<BenchResult> {
  const { commits, deployments, period } = history();
  const dir = mkdtempSync(join(tmpdir(), 'insights-bench-'));
  const rows: (string | number)[][] = [];
  let met = false;
  const notes: string[] = [];
  try {
    progress(`insights: ${COMMITS} commits in a git repository`);
    const shas = gitRepository(join(dir, 'repo'), commits);
    const gh = await startFakeGitHub();
    try {
      gh.store.addRepo({ owner: 'octo', name: 'app' });
      const ids = seedGitHub(gh.store, 'octo/app', commits, shas, deployments);
      writeFileLedger(join(dir, 'ledger.json'), shas, deployments, ids);

      progress('insights: deploy-kit over GraphQL');
      // The fake loads GitHub's schema on its first GraphQL request: not a cost deploy-kit's calls pay.
      await createGitHubClient({ token: gh.token, apiUrl: gh.url, graphqlUrl: gh.graphqlUrl }).graphql(
        'query { viewer { login } }',
      );
      const firstRequest = gh.requests.length;
      const client = createGitHubClient({
        token: gh.token,
        apiUrl: gh.url,
        graphqlUrl: gh.graphqlUrl,
        retries: 0,
      });
      const { GitHubLedger } = await import('../src/ledger/github.js');
      const t0 = nowMs();
      const graphql = await deliveryInsights(
        new GitHubLedger({ client, owner: 'octo', repo: 'app' }),
        'production',
        period,
        {
          histories: [new GitHubHistory(client, 'octo', 'app')],
        },
      );
      const graphqlMs = nowMs() - t0;
      const graphqlCalls = client.callCount();
      // What the stand-in spent answering (validating and executing each document): GitHub's share, not ours.
      const fakeMs = gh.requests.slice(firstRequest).reduce((sum, r) => sum + r.durationMs, 0);
      const ownMs = graphqlMs - fakeMs;

      progress('insights: the file ledger and the local clone');
      const t1 = nowMs();
      const local = await deliveryInsights(new FileLedger(join(dir, 'ledger.json')), 'production', period, {
        histories: [new GitHistory(join(dir, 'repo'))],
      });
      const localMs = nowMs() - t1;

      progress('insights: the REST way, run by run');
      const rest = await restWay(gh, period);
      assertConformance(gh.requests);

      const figures = (i: Insights) =>
        JSON.stringify([
          i.frequency.deployments,
          i.leadTime.commits,
          i.leadTime.medianMs,
          i.leadTime.p90Ms,
          i.changeFailureRate,
          i.timeToRestore,
        ]);
      const agree = figures(graphql) === figures(local) && figures(rest.insights) === figures(local);
      if (!agree) {
        for (const [name, i] of [
          ['graphql', graphql],
          ['local', local],
          ['rest', rest.insights],
        ] as const)
          progress(`insights: ${name} ${figures(i)}`);
      }
      const computeStarted = nowMs();
      computeInsights(
        sortRecord(
          'production',
          period,
          await new FileLedger(join(dir, 'ledger.json')).history('production'),
          'file',
        ),
        {
          commits: new Map(),
          describe: '',
          missing: [],
        },
      );
      const computeMs = nowMs() - computeStarted;
      const keys = `${graphql.frequency.deployments} changes, lead time median ${fixed((graphql.leadTime.medianMs ?? 0) / 3_600_000)} h over ${graphql.leadTime.commits} commits, ${graphql.changeFailureRate.failures} failures (${fixed((graphql.changeFailureRate.rate ?? 0) * 100)}%), restore median ${fixed((graphql.timeToRestore.medianMs ?? 0) / 60_000)} min`;
      rows.push(
        [
          'deploy-kit: GitHub Deployments + commit history over GraphQL',
          graphqlCalls.rest,
          graphqlCalls.graphql,
          graphqlCalls.rest + graphqlCalls.graphql,
          `${fixed(graphqlMs / 1000, 2)} (deploy-kit ${fixed(ownMs / 1000, 2)}, the fake ${fixed(fakeMs / 1000, 2)})`,
        ],
        ['deploy-kit: file ledger + local git clone', 0, 0, 0, fixed(localMs / 1000, 2)],
        [
          'REST run by run: deployments, statuses each, a compare per delivery',
          rest.calls,
          0,
          rest.calls,
          fixed(rest.ms / 1000, 2),
        ],
      );
      met = graphqlCalls.graphql <= GOAL_CALLS && graphqlCalls.rest === 0 && ownMs < GOAL_MS && agree;
      notes.push(
        `The keys computed (all three ways ${agree ? 'agree' : 'DISAGREE'}): ${keys}.`,
        `Of deploy-kit's GraphQL calls: ${Math.ceil(DEPLOYMENTS / 100)} pages of 100 deployments with their statuses, then ${graphqlCalls.graphql - Math.ceil(DEPLOYMENTS / 100)} for the commits (${graphql.leadTime.history}).`,
        `The time judged is deploy-kit's own: the wall time less what the fake GitHub spent answering (parsing, validating against GitHub's schema and executing each document, as the fake measures each request). Computing the keys once the record is read takes ${fixed(computeMs, 1)} ms of it. Against real GitHub add its answer time per call: ${graphqlCalls.graphql} calls against ${rest.calls}.`,
        'The REST way is counted at its cheapest: one status list per deployment (GitHub has no bulk status read) and one compare per delivered commit, pages of 100 commits.',
      );
    } finally {
      await gh.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Delivery insights: API calls and time for the four keys',
    table: table(['Approach', 'REST', 'GraphQL', 'Calls', 'Seconds'], rows, [
      'left',
      'right',
      'right',
      'right',
      'right',
    ]),
    goal: `the four keys over ${DEPLOYMENTS.toLocaleString('en')} deployments and ${COMMITS.toLocaleString('en')} commits in at most ${GOAL_CALLS} GraphQL calls and under ${GOAL_MS / 1000} s, the same figures as the file ledger with the local clone and as the REST way`,
    met,
    method: `${DEPLOYMENTS} deployments of production over ${DAYS} days (every 20th failed before going live, every 25th change rolled back: canary aborts and smoke-test failures) and ${COMMITS} commits, seeded alike in the fake GitHub, a file ledger and a real git repository (git fast-import); each way timed once, calls counted by the client, every request checked with assertConformance`,
    notes,
  };
}
