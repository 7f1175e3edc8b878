// GitHub API calls a rollback needs to find its target, against the fake GitHub on loopback: the GitHub
// ledger's history (one GraphQL request per 100 deployments, statuses included) + planRollback, beside the
// REST way, measured in the same run on an identically seeded fake: list the deployments (100 a page) and
// read one deployment's statuses per candidate examined, newest first, until one reached success.
//
// Seed: 500 deployments of `production`, oldest first:
//   - older releases 1.N.0: mostly good (success, then inactive when superseded), every 10th failed, some
//     errored, and every 50th a bad release that went live and was rolled back (a rollback deployment of
//     the release before, with `rollback.fromVersion` in its record);
//   - the target: the last 1.N.0 before 2.0.0;
//   - between it and now: 2.0.0's first deployment, then upgrade attempts that failed or errored, redeploys
//     of 2.0.0, and 2.1.x releases that went live and were rolled back to 2.0.0 — none of them a target;
//   - now: 2.0.0, live.
// (a) the normal case: the target 3 deployments back, history read with the default limit (100);
// (b) a deep one: the target 450 deployments back, history read with limit 500.

import { assertConformance, type FakeGitHub, startFakeGitHub } from '../__tests__/fakes/github/index.js';
import { type CallCount, createGitHubClient, type GitHubClient } from '../src/github/client.js';
import { GitHubLedger, parsePayload } from '../src/ledger/github.js';
import { type DeploymentState, RECORD_KEY, type ReleaseRecord, recordOf } from '../src/ledger/types.js';
import { planRollback } from '../src/rollback/plan.js';
import { type BenchResult, fixed, nowMs, progress, ratio, table } from './lib.js';

const OWNER = 'octo';
const REPO = 'app';
const ENVIRONMENT = 'production';
const TOTAL = 500;
const PAGE = 100;
const CURRENT = '2.0.0';

const LIVE: DeploymentState[] = ['in_progress', 'success'];
const SUPERSEDED: DeploymentState[] = ['in_progress', 'success', 'inactive'];
const FAILED: DeploymentState[] = ['in_progress', 'failure'];
const ERRORED: DeploymentState[] = ['in_progress', 'error'];

interface Planned {
  version: string;
  states: DeploymentState[];
  /** A rollback from this version. */
  rollbackFrom?: string;
}

/** The 500 deployments, oldest first, with the target `depth` deployments behind the newest. */
function seedPlan(depth: number): { plan: Planned[]; target: string } {
  const plan: Planned[] = [];
  const targetIndex = TOTAL - 1 - depth;
  let release = 0;
  let lastGood: string | undefined;
  while (plan.length < targetIndex) {
    const i = plan.length;
    const version = `1.${release++}.0`;
    if (i % 10 === 7) plan.push({ version, states: FAILED });
    else if (i % 25 === 13) plan.push({ version, states: ERRORED });
    else if (i % 50 === 30 && lastGood && plan.length + 2 <= targetIndex) {
      plan.push({ version, states: SUPERSEDED });
      plan.push({ version: lastGood, states: SUPERSEDED, rollbackFrom: version });
    } else {
      plan.push({ version, states: SUPERSEDED });
      lastGood = version;
    }
  }
  const target = `1.${release}.0`;
  plan.push({ version: target, states: SUPERSEDED });
  plan.push({ version: CURRENT, states: SUPERSEDED });
  let upgrade = 0;
  while (plan.length < TOTAL - 1) {
    const j = plan.length - targetIndex;
    const version = `2.1.${upgrade++}`;
    if (j % 9 === 3) plan.push({ version, states: ERRORED });
    else if (j % 9 === 6) plan.push({ version: CURRENT, states: SUPERSEDED });
    else if (j % 9 === 8 && plan.length + 2 <= TOTAL - 1) {
      plan.push({ version, states: SUPERSEDED });
      plan.push({ version: CURRENT, states: SUPERSEDED, rollbackFrom: version });
    } else plan.push({ version, states: FAILED });
  }
  plan.push({ version: CURRENT, states: LIVE });
  return { plan, target };
}

interface Fixture {
  gh: FakeGitHub;
  client: GitHubClient;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function fixture(plan: Planned[]): Promise<Fixture> {
  const gh = await startFakeGitHub();
  gh.store.addRepo({ owner: OWNER, name: REPO });
  const full = `${OWNER}/${REPO}`;
  const shas = new Map<string, string>();
  const lastId = new Map<string, number>();
  const start = Date.UTC(2024, 0, 1);
  for (const [i, planned] of plan.entries()) {
    let sha = shas.get(planned.version);
    if (!sha) {
      sha = gh.store.addCommit(full, { branch: 'main', message: `feat: ${planned.version}` });
      shas.set(planned.version, sha);
    }
    const at = start + i * 3_600_000;
    const record: ReleaseRecord = {
      version: planned.version,
      sha,
      ref: 'main',
      actor: 'alice',
      ...(planned.rollbackFrom !== undefined
        ? {
            rollback: {
              fromDeploymentId: String(lastId.get(planned.rollbackFrom) ?? ''),
              fromVersion: planned.rollbackFrom,
              reason: 'smoke test failed',
            },
          }
        : {}),
    };
    const deployment = gh.store.addDeployment(full, {
      environment: ENVIRONMENT,
      sha,
      ref: sha,
      task: planned.rollbackFrom !== undefined ? 'deploy:rollback' : 'deploy',
      payload: { [RECORD_KEY]: record },
      createdAt: iso(at),
      statuses: planned.states.map((state, k) => ({
        state,
        autoInactive: false,
        createdAt: iso(at + (k + 1) * 60_000),
        ...(state === 'success' ? { environmentUrl: 'https://example.com' } : {}),
      })),
    });
    lastId.set(planned.version, deployment.id);
  }
  const client = createGitHubClient({
    token: gh.token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retryBaseMs: 10,
    log: { debug: () => {}, warning: (message) => progress(message) },
    env: {},
  });
  return { gh, client };
}

interface Measured {
  count: CallCount;
  /** Requests the fake recorded (every attempt). */
  recorded: number;
  targetVersion: string;
  targetId: string;
  ms: number;
}

/** deploy-kit: the ledger's history, then the plan. */
async function ours(f: Fixture, limit: number | undefined): Promise<Measured> {
  const started = nowMs();
  const ledger = new GitHubLedger({ client: f.client, owner: OWNER, repo: REPO });
  const history = await ledger.history(ENVIRONMENT, limit === undefined ? {} : { limit });
  const plan = planRollback(history);
  const ms = nowMs() - started;
  assertConformance(f.gh.requests);
  return {
    count: f.client.callCount(),
    recorded: f.gh.requests.length,
    targetVersion: plan.target.record?.version ?? '',
    targetId: plan.target.id,
    ms,
  };
}

/**
 * The REST way, given every benefit of the doubt: pages of 100 deployments, newest first; a candidate the
 * payloads already rule out (the current version, a version rolled back from) costs nothing; every other
 * candidate costs one status list, until one that reached success.
 */
async function rest(f: Fixture): Promise<Measured> {
  const started = nowMs();
  const base = { owner: OWNER, repo: REPO };
  const rolledBackFrom = new Set<string>();
  let currentVersion: string | undefined;
  for (let page = 1; ; page += 1) {
    const { data } = await f.client.request('GET /repos/{owner}/{repo}/deployments', {
      ...base,
      environment: ENVIRONMENT,
      per_page: PAGE,
      page,
    });
    const listed = data.map((d) => {
      const record = recordOf(parsePayload(d.payload));
      if (record?.rollback) rolledBackFrom.add(record.rollback.fromVersion);
      return { id: String(d.id), version: record?.version ?? d.sha.slice(0, 7) };
    });
    for (const candidate of listed) {
      if (currentVersion === undefined) {
        currentVersion = candidate.version;
        continue;
      }
      if (candidate.version === currentVersion || rolledBackFrom.has(candidate.version)) continue;
      const { data: statuses } = await f.client.request(
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        { ...base, deployment_id: Number(candidate.id), per_page: 100 },
      );
      if (statuses.some((s) => s.state === 'success')) {
        const ms = nowMs() - started;
        assertConformance(f.gh.requests);
        return {
          count: f.client.callCount(),
          recorded: f.gh.requests.length,
          targetVersion: candidate.version,
          targetId: candidate.id,
          ms,
        };
      }
    }
    if (data.length < PAGE) throw new Error('the REST way found no target');
  }
}

interface Case {
  label: string;
  depth: number;
  limit: number | undefined;
}

const CASES: Case[] = [
  { label: '(a) target 3 back, default limit (100)', depth: 3, limit: undefined },
  { label: '(b) target 450 back, limit 500', depth: 450, limit: 500 },
];

const total = (m: Measured) => m.count.rest + m.count.graphql;

export async function run(): Promise<BenchResult> {
  const measure = async (
    name: string,
    plan: Planned[],
    fn: (f: Fixture) => Promise<Measured>,
  ): Promise<Measured> => {
    const f = await fixture(plan);
    try {
      const measured = await fn(f);
      const { rest: r, graphql, retries } = measured.count;
      progress(
        `${name}: ${r + graphql} calls (${r} REST, ${graphql} GraphQL, ${retries} retries; the fake recorded ${measured.recorded}) → ${measured.targetVersion} in ${fixed(measured.ms, 0)} ms`,
      );
      return measured;
    } finally {
      await f.gh.close();
    }
  };

  const rows: (string | number)[][] = [];
  const results: { c: Case; ours: Measured; rest: Measured; target: string }[] = [];
  for (const c of CASES) {
    const { plan, target } = seedPlan(c.depth);
    const mine = await measure(`${c.label}, deploy-kit`, plan, (f) => ours(f, c.limit));
    const theirs = await measure(`${c.label}, REST`, plan, rest);
    if (mine.targetVersion !== target || theirs.targetId !== mine.targetId) {
      throw new Error(
        `${c.label}: targets differ: expected ${target}, deploy-kit ${mine.targetVersion} (#${mine.targetId}), REST ${theirs.targetVersion} (#${theirs.targetId})`,
      );
    }
    results.push({ c, ours: mine, rest: theirs, target });
    rows.push(
      [
        c.label,
        target,
        'deploy-kit: history (GraphQL) + planRollback',
        mine.count.rest,
        mine.count.graphql,
        total(mine),
        mine.recorded,
        '1.00×',
      ],
      [
        c.label,
        target,
        'REST: list (100 a page) + 1 status list per candidate',
        theirs.count.rest,
        theirs.count.graphql,
        total(theirs),
        theirs.recorded,
        ratio(total(theirs) / total(mine)),
      ],
    );
  }
  const [normal, deep] = results;
  const met =
    normal !== undefined &&
    deep !== undefined &&
    total(normal.ours) === 1 &&
    total(deep.ours) === Math.ceil(TOTAL / PAGE) &&
    results.every((r) => total(r.rest) > total(r.ours) && r.ours.recorded === total(r.ours));
  progress(
    results
      .map(
        (r) =>
          `${r.c.label}: deploy-kit ${total(r.ours)} vs REST ${total(r.rest)} (${ratio(total(r.rest) / total(r.ours))})`,
      )
      .join('; '),
  );
  return {
    title: 'GitHub API calls of a rollback plan',
    table: table(
      ['Case', 'Target', 'Approach', 'REST', 'GraphQL', 'Calls', 'Seen by the fake', 'vs deploy-kit'],
      rows,
      ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    ),
    goal: `finding the rollback target costs 1 API call when it is in the newest 100 deployments, and one per 100 read beyond (${Math.ceil(TOTAL / PAGE)} for ${TOTAL}), fewer than over REST`,
    met,
    method:
      `two fresh fake GitHubs per case seeded alike (${TOTAL} deployments of ${ENVIRONMENT}: good, superseded, failed, errored, rolled back); ` +
      'calls counted by the client (every attempt) and by the fake, all checked with assertConformance; both approaches must choose the same deployment',
    notes: [
      `Between the target and the live ${CURRENT}: failed and errored upgrade attempts, redeploys of ${CURRENT}, and 2.1.x releases rolled back to ${CURRENT}; none qualifies, which is what puts the target 450 back in (b).`,
      'The REST way is counted at its cheapest: candidates whose payload rules them out (the current version, a version rolled back from) cost no status list. It grows with every candidate examined; deploy-kit with every 100 deployments read.',
      'The rollback action reads the newest 100 deployments (one GraphQL call); (b) is what a higher limit would cost. No input raises it today, so a target beyond the newest 100 is not found, even when named with `to`.',
    ],
  };
}
