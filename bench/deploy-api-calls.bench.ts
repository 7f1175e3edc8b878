// GitHub API calls of one deploy, against the fake GitHub on loopback: the deploy engine with the GitHub
// ledger (GraphQL history, REST writes) beside the common way of keeping GitHub Deployments, measured in
// the same run on an identically seeded fake: list the environment's deployments over REST, then one status
// list per deployment to find the active ones, then one write per active one.
//
// Seed: 50 earlier deployments of `production`, 3 of them still active (latest status success).

import { assertConformance, type FakeGitHub, startFakeGitHub } from '../__tests__/fakes/github/index.js';
import { type DeploySettings, deploy } from '../src/deploy/deploy.js';
import { type CallCount, createGitHubClient, type GitHubClient } from '../src/github/client.js';
import { GitHubLedger } from '../src/ledger/github.js';
import {
  type CreateDeploymentRequest,
  type DeploymentEntry,
  type DeploymentState,
  type Ledger,
  RECORD_KEY,
  recordOf,
  type StatusUpdate,
} from '../src/ledger/types.js';
import { type BenchResult, plural, progress, ratio, runs, table } from './lib.js';

const OWNER = 'octo';
const REPO = 'app';
const ENVIRONMENT = 'production';
const EARLIER = 50;
const ACTIVE = 3;
const GOAL_CALLS = 10;

interface Fixture {
  gh: FakeGitHub;
  client: GitHubClient;
  sha: string;
}

async function fixture(): Promise<Fixture> {
  const gh = await startFakeGitHub();
  gh.store.addRepo({ owner: OWNER, name: REPO });
  const full = `${OWNER}/${REPO}`;
  for (let i = 0; i < EARLIER; i += 1) {
    const sha = gh.store.addCommit(full, { branch: 'main', message: `feat: change ${i}` });
    const active = i >= EARLIER - ACTIVE;
    const failed = !active && i % 10 === 7;
    gh.store.addDeployment(full, {
      environment: ENVIRONMENT,
      sha,
      ref: sha,
      payload: { [RECORD_KEY]: { version: `1.0.${i}`, sha, ref: 'main', actor: 'alice' } },
      statuses: [
        { state: 'in_progress' },
        { state: failed ? 'failure' : 'success', autoInactive: false },
        ...(active || failed ? [] : [{ state: 'inactive' as const }]),
      ],
    });
  }
  const sha = gh.store.addCommit(full, { branch: 'main', message: 'feat: the release' });
  const client = createGitHubClient({
    token: gh.token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retryBaseMs: 10,
    log: { debug: () => {}, warning: (message) => progress(message) },
    env: {},
  });
  return { gh, client, sha };
}

function settings(sha: string): DeploySettings {
  return {
    environment: ENVIRONMENT,
    sha,
    ref: 'main',
    version: '2.0.0',
    workingDirectory: process.cwd(),
    payload: {},
    autoMerge: false,
    onConcurrent: { mode: 'fail', timeoutMs: 0 },
    task: 'deploy',
    run: {
      id: '1',
      attempt: '1',
      url: 'https://github.example/octo/app/actions/runs/1',
      workflow: 'release',
      actor: 'alice',
    },
    baseEnv: {},
  };
}

interface Measured {
  count: CallCount;
  /** Requests the fake recorded (every attempt). */
  recorded: number;
  deactivated: number;
  /** What each recorded request did, in order: `history (GraphQL)`, `create`, `in_progress`, … */
  calls: string[];
}

/** A recorded request in the words of the notes. */
function callLabel(request: FakeGitHub['requests'][number]): string {
  if (request.kind === 'graphql') return 'history (GraphQL)';
  if (request.method === 'POST' && /\/deployments$/.test(request.path)) return 'create';
  if (request.method === 'POST' && /\/statuses$/.test(request.path)) {
    return String((request.body as { state?: unknown } | undefined)?.state ?? 'status');
  }
  return `${request.method} ${request.route ?? request.path}`;
}

/** deploy() as deploy-env runs it, with the ledger given; no command (record only). */
async function runDeploy(f: Fixture, ledger: Ledger): Promise<Measured> {
  const outcome = await deploy(settings(f.sha), {
    ledger,
    runCommand: () => Promise.reject(new Error('no command in this benchmark')),
    log: { info: () => {}, warning: (message) => progress(message), group: (_name, fn) => fn() },
  });
  if (outcome.result !== 'success') throw new Error(`the deploy ended ${outcome.result}: ${outcome.reason}`);
  if (outcome.deactivated.length !== ACTIVE) {
    throw new Error(`expected ${ACTIVE} deployments deactivated, got ${outcome.deactivated.join(', ')}`);
  }
  assertConformance(f.gh.requests);
  return {
    count: f.client.callCount(),
    recorded: f.gh.requests.length,
    deactivated: outcome.deactivated.length,
    calls: f.gh.requests.map(callLabel),
  };
}

/**
 * The common way, call for call: create the deployment and its two statuses, then list the environment's
 * deployments (100 a page) and each earlier one's statuses to find those still active, and mark each inactive.
 */
async function commonApproach(f: Fixture): Promise<Measured> {
  const { client } = f;
  const base = { owner: OWNER, repo: REPO };
  const created = await client.request('POST /repos/{owner}/{repo}/deployments', {
    ...base,
    ref: f.sha,
    environment: ENVIRONMENT,
    auto_merge: false,
    payload: { [RECORD_KEY]: { version: '2.0.0', sha: f.sha, ref: 'main', actor: 'alice' } },
  });
  if (!('id' in created.data)) throw new Error('the common approach could not create its deployment');
  const id = Number(created.data.id);
  for (const state of ['in_progress', 'success'] as const) {
    await client.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...base,
      deployment_id: id,
      state,
      auto_inactive: false,
    });
  }
  const deployments: { id: number }[] = [];
  for (let page = 1; ; page += 1) {
    const { data } = await client.request('GET /repos/{owner}/{repo}/deployments', {
      ...base,
      environment: ENVIRONMENT,
      per_page: 100,
      page,
    });
    deployments.push(...data.map((d) => ({ id: Number(d.id) })));
    if (data.length < 100) break;
  }
  let deactivated = 0;
  for (const deployment of deployments) {
    if (deployment.id === id) continue;
    const { data: statuses } = await client.request(
      'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      { ...base, deployment_id: deployment.id, per_page: 100 },
    );
    if (statuses[0]?.state !== 'success') continue;
    await client.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...base,
      deployment_id: deployment.id,
      state: 'inactive',
    });
    deactivated += 1;
  }
  if (deactivated !== ACTIVE)
    throw new Error(`the common approach deactivated ${deactivated}, not ${ACTIVE}`);
  assertConformance(f.gh.requests);
  return {
    count: client.callCount(),
    recorded: f.gh.requests.length,
    deactivated,
    calls: f.gh.requests.map(callLabel),
  };
}

/** The same engine with history read over REST: the list, then one status list per deployment. */
class RestHistoryLedger implements Ledger {
  readonly kind = 'github' as const;
  constructor(
    private readonly inner: GitHubLedger,
    private readonly client: GitHubClient,
  ) {}
  create(request: CreateDeploymentRequest): Promise<DeploymentEntry> {
    return this.inner.create(request);
  }
  setStatus(id: string, update: StatusUpdate): Promise<void> {
    return this.inner.setStatus(id, update);
  }
  get(id: string): Promise<DeploymentEntry | undefined> {
    return this.inner.get(id);
  }
  deactivate(ids: string[], description: string): Promise<void> {
    return this.inner.deactivate(ids, description);
  }
  environments(options?: { scan?: number }): Promise<string[]> {
    return this.inner.environments(options);
  }
  async history(environment: string, options: { limit?: number } = {}): Promise<DeploymentEntry[]> {
    const base = { owner: OWNER, repo: REPO };
    const { data } = await this.client.request('GET /repos/{owner}/{repo}/deployments', {
      ...base,
      environment,
      per_page: Math.min(options.limit ?? 100, 100),
    });
    const entries: DeploymentEntry[] = [];
    for (const d of data) {
      const { data: statuses } = await this.client.request(
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        { ...base, deployment_id: Number(d.id), per_page: 100 },
      );
      const payload = (typeof d.payload === 'object' ? d.payload : {}) as Record<string, unknown>;
      const record = recordOf(payload);
      entries.push({
        id: String(d.id),
        environment: d.environment,
        task: d.task,
        sha: d.sha,
        ref: d.ref,
        createdAt: d.created_at,
        payload,
        ...(record ? { record } : {}),
        statuses: statuses.map((s) => ({ state: s.state as DeploymentState, createdAt: s.created_at })),
        state: (statuses[0]?.state as DeploymentState | undefined) ?? 'pending',
      });
    }
    return entries;
  }
}

export async function run(): Promise<BenchResult> {
  const measure = async (name: string, fn: (f: Fixture) => Promise<Measured>): Promise<Measured> => {
    const f = await fixture();
    try {
      const measured = await fn(f);
      const { rest, graphql, retries } = measured.count;
      progress(
        `${name}: ${rest + graphql} calls (${rest} REST, ${graphql} GraphQL, ${retries} retries; the fake recorded ${measured.recorded})`,
      );
      return measured;
    } finally {
      await f.gh.close();
    }
  };

  const ours = await measure('deploy-kit', (f) =>
    runDeploy(f, new GitHubLedger({ client: f.client, owner: OWNER, repo: REPO })),
  );
  const common = await measure('common approach', commonApproach);
  const restEngine = await measure('same engine, REST history', (f) =>
    runDeploy(
      f,
      new RestHistoryLedger(new GitHubLedger({ client: f.client, owner: OWNER, repo: REPO }), f.client),
    ),
  );

  const total = (m: Measured) => m.count.rest + m.count.graphql;
  const oursTotal = total(ours);
  const row = (label: string, m: Measured) => [
    label,
    m.count.rest,
    m.count.graphql,
    total(m),
    m.recorded,
    m === ours ? '1.00×' : ratio(total(m) / oursTotal),
  ];
  const historyReads = ours.calls.filter((call) => call === 'history (GraphQL)').length;
  const met = oursTotal <= GOAL_CALLS && total(common) > oursTotal && ours.recorded === oursTotal;
  progress(
    `deploy-kit ${oursTotal} calls vs the common approach ${total(common)} (${ratio(total(common) / oursTotal)}); ` +
      `the engine with REST history ${total(restEngine)} (${ratio(total(restEngine) / oursTotal)})`,
  );
  return {
    title: 'GitHub API calls of a deploy',
    table: table(
      ['Approach', 'REST', 'GraphQL', 'Calls', 'Seen by the fake', 'vs deploy-kit'],
      [
        row('deploy-kit: deploy() with the GitHub ledger', ours),
        row('Common: REST list + 1 status list per deployment + 1 write per active', common),
        row('deploy() with history over REST (list + status list per deployment)', restEngine),
      ],
    ),
    goal: `a deploy over ${EARLIER} earlier deployments (${ACTIVE} active) costs ≤ ${GOAL_CALLS} API calls, fewer than the common approach`,
    met,
    method:
      `three fresh fake GitHubs seeded alike (${EARLIER} deployments of ${ENVIRONMENT}, ${ACTIVE} still active); ` +
      'calls counted by the client (every attempt) and by the fake, all checked with assertConformance',
    // Every figure here comes from the same measurements as the table (the fake's record of each call).
    notes: [
      `deploy-kit does more than the common approach: it also finds the previous release and checks for a deployment in progress, in ${plural(historyReads, 'history read')} of one GraphQL call each.`,
      `deploy-kit's ${plural(ours.calls.length, 'call')}, in order: ${runs(ours.calls)} (one inactive write per active deployment).`,
      'The common approach grows with every deployment kept (one status list each); deploy-kit stays at one GraphQL call per 100.',
      `Measured, the common approach is 1 list + N status lists + 1 write per active (+ its create and 2 status writes) = ${total(common)} for N = ${EARLIER}; variants that write inactive to every deployment reach 2N+1.`,
    ],
  };
}
