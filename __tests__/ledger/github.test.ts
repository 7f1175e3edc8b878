import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploy } from '../../src/deploy/deploy.js';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { GitHubApiError } from '../../src/github/errors.js';
import { GitHubLedger, parsePayload, statusesNewestFirst } from '../../src/ledger/github.js';
import {
  type CreateDeploymentRequest,
  RECORD_KEY,
  type ReleaseRecord,
  recordOf,
} from '../../src/ledger/types.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';

let gh: FakeGitHub;
let sha: string;

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: the release' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

function client(token = gh.token): GitHubClient {
  return createGitHubClient({
    token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retryBaseMs: 10,
    log: { debug: () => {}, warning: () => {} },
    env: {},
  });
}

function ledgerWith(c: GitHubClient = client()): GitHubLedger {
  return new GitHubLedger({ client: c, owner: 'octo', repo: 'app' });
}

function record(version = '1.2.3'): ReleaseRecord {
  return {
    version,
    sha,
    ref: 'main',
    actor: 'alice',
    run: {
      id: '42',
      attempt: '1',
      url: 'https://github.example/octo/app/actions/runs/42',
      workflow: 'release',
    },
  };
}

function request(overrides: Partial<CreateDeploymentRequest> = {}): CreateDeploymentRequest {
  return {
    environment: 'staging',
    sha,
    ref: 'main',
    task: 'deploy',
    description: 'deploy 1.2.3',
    payload: { region: 'eu', replicas: 3 },
    record: record(),
    requiredContexts: [],
    autoMerge: false,
    ...overrides,
  };
}

const calls = (c: GitHubClient) => {
  const { rest, graphql } = c.callCount();
  return rest + graphql;
};

describe('GitHubLedger round trip', () => {
  it('creates the deployment of the commit, writes statuses and reads them back newest first', async () => {
    const c = client();
    const ledger = ledgerWith(c);
    const created = await ledger.create(request());
    expect(created).toMatchObject({
      environment: 'staging',
      task: 'deploy',
      sha,
      ref: 'main',
      description: 'deploy 1.2.3',
      statuses: [],
      state: 'pending',
    });
    expect(created.id).toMatch(/^[1-9][0-9]*$/);
    // The record as given, with the key that makes a retried create find what an unanswered attempt made.
    const requestKey = created.record?.requestKey;
    expect(requestKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(recordOf(created.payload)).toEqual({ ...record(), requestKey });

    const [sent] = gh.requestsFor('POST /repos/{owner}/{repo}/deployments');
    expect(sent?.body).toMatchObject({
      ref: sha,
      task: 'deploy',
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
      payload: { region: 'eu', replicas: 3, [RECORD_KEY]: { ...record(), requestKey } },
    });

    await ledger.setStatus(created.id, {
      state: 'in_progress',
      description: 'deploying 1.2.3',
      logUrl: 'https://log/1',
    });
    await ledger.setStatus(created.id, {
      state: 'success',
      description: '1.2.3 is live',
      environmentUrl: 'https://staging.example',
      logUrl: 'https://log/1',
    });
    const statusBodies = gh.requestsFor('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses');
    expect(statusBodies.map((r) => r.body)).toEqual([
      {
        state: 'in_progress',
        description: 'deploying 1.2.3',
        log_url: 'https://log/1',
        auto_inactive: false,
      },
      {
        state: 'success',
        description: '1.2.3 is live',
        environment_url: 'https://staging.example',
        log_url: 'https://log/1',
        auto_inactive: false,
      },
    ]);

    const before = c.callCount();
    const history = await ledger.history('staging');
    expect(c.callCount().graphql - before.graphql).toBe(1);
    expect(c.callCount().rest - before.rest).toBe(0);
    expect(history).toHaveLength(1);
    const [entry] = history;
    expect(entry).toMatchObject({
      id: created.id,
      environment: 'staging',
      sha,
      ref: 'main',
      creator: 'github-actions[bot]',
      state: 'success',
      payload: { region: 'eu', replicas: 3 },
    });
    expect(recordOf(entry?.payload)).toEqual({ ...record(), requestKey });
    expect(entry?.record).toEqual({ ...record(), requestKey });
    expect(entry?.statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(entry?.statuses[0]).toMatchObject({
      description: '1.2.3 is live',
      environmentUrl: 'https://staging.example',
      logUrl: 'https://log/1',
    });
    expect(entry?.statuses[0]?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // get: two REST calls, the same entry as history gives.
    const beforeGet = calls(c);
    expect(await ledger.get(created.id)).toEqual(entry);
    expect(calls(c) - beforeGet).toBe(2);
    expect(await ledger.get('999999')).toBeUndefined();
    const beforeBad = calls(c);
    expect(await ledger.get('not-an-id')).toBeUndefined();
    expect(calls(c)).toBe(beforeBad);
  });

  it('sends no required_contexts when unset (GitHub checks them all), and the optional flags when set', async () => {
    const ledger = ledgerWith();
    await ledger.create(
      request({ requiredContexts: undefined, productionEnvironment: true, transientEnvironment: false }),
    );
    const [sent] = gh.requestsFor('POST /repos/{owner}/{repo}/deployments');
    expect(sent?.body).not.toHaveProperty('required_contexts');
    expect(sent?.body).toMatchObject({ production_environment: true, transient_environment: false });
  });

  it('clips descriptions to GitHub’s 140 characters', async () => {
    const ledger = ledgerWith();
    const created = await ledger.create(request({ description: 'd'.repeat(300) }));
    await ledger.setStatus(created.id, { state: 'failure', description: 'x'.repeat(200) });
    const [deployment] = gh.requestsFor('POST /repos/{owner}/{repo}/deployments');
    const [status] = gh.requestsFor('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses');
    expect((deployment?.body as { description?: string } | undefined)?.description).toHaveLength(140);
    expect((status?.body as { description?: string } | undefined)?.description).toHaveLength(140);
    const [entry] = await ledger.history('staging');
    expect(entry?.state).toBe('failure');
  });

  it('reads deployments deploy-kit did not make: no record, payload read safely, ref from GitHub', async () => {
    gh.store.addDeployment('octo/app', { environment: 'staging', ref: 'main', payload: 'not json at all' });
    gh.store.addDeployment('octo/app', { environment: 'staging', ref: 'main', payload: { by: 'someone' } });
    const [newer, older] = await ledgerWith().history('staging');
    expect(newer).toMatchObject({
      ref: 'main',
      sha,
      payload: { by: 'someone' },
      state: 'pending',
      statuses: [],
    });
    expect(newer?.record).toBeUndefined();
    expect(older).toMatchObject({ payload: {}, state: 'pending' });
    expect(Number(newer?.id)).toBeGreaterThan(Number(older?.id));
  });
});

describe('history: limits and pages', () => {
  beforeEach(() => {
    for (let i = 0; i < 250; i += 1) {
      gh.store.addDeployment('octo/app', {
        environment: 'production',
        payload: { [RECORD_KEY]: { ...record(`1.0.${i}`) } },
        statuses: [{ state: 'success', autoInactive: false }],
      });
    }
    gh.store.addDeployment('octo/app', { environment: 'staging' });
  });

  it('costs one GraphQL call per 100 deployments, newest first, and one call by default', async () => {
    const c = client();
    const ledger = ledgerWith(c);

    const all = await ledger.history('production', { limit: 250 });
    expect(c.callCount()).toMatchObject({ graphql: 3, rest: 0, retries: 0 });
    expect(all).toHaveLength(250);
    expect(new Set(all.map((e) => e.id)).size).toBe(250);
    const ids = all.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all[0]?.record?.version).toBe('1.0.249');
    expect(all.at(-1)?.record?.version).toBe('1.0.0');
    expect(all.every((e) => e.environment === 'production' && e.state === 'success')).toBe(true);
    const pages = gh.requestsFor('graphql').map((r) => r.graphql?.variables);
    expect(pages.map((v) => v?.first)).toEqual([100, 100, 50]);
    expect(pages[0]?.after ?? null).toBeNull();

    const firstPage = await ledger.history('production');
    expect(c.callCount().graphql).toBe(4);
    expect(firstPage.map((e) => e.id)).toEqual(all.slice(0, 100).map((e) => e.id));

    expect(await ledger.history('production', { limit: 5 })).toEqual(all.slice(0, 5));
    expect(c.callCount().graphql).toBe(5);

    // More asked than there are: stops when GitHub says there is no next page.
    const beyond = await ledger.history('production', { limit: 1000 });
    expect(beyond).toHaveLength(250);
    expect(c.callCount().graphql).toBe(8);

    expect(await ledger.history('production', { limit: 0 })).toEqual([]);
    expect(c.callCount().graphql).toBe(8);

    const staging = await ledger.history('staging');
    expect(staging).toHaveLength(1);
    expect(await ledger.history('nowhere')).toEqual([]);
    for (const r of gh.requestsFor('graphql')) expect(r.graphql?.valid).toBe(true);
  });

  it('pages on demand: a page per call of next(), each newest first, saying whether an older one exists', async () => {
    const c = client();
    const pages = ledgerWith(c).historyPages('production', { limit: 220 });
    const first = await pages.next();
    expect(c.callCount().graphql).toBe(1);
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ more: true });
    expect(first.value?.entries.map((e) => e.record?.version).slice(0, 2)).toEqual(['1.0.249', '1.0.248']);
    // Nothing more is read until asked for.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(c.callCount().graphql).toBe(1);
    const second = await pages.next();
    const third = await pages.next();
    expect(third.value?.entries).toHaveLength(20);
    expect(third.value).toMatchObject({ more: true });
    expect((await pages.next()).done).toBe(true);
    expect(c.callCount().graphql).toBe(3);
    expect(second.value?.entries.at(-1)?.record?.version).toBe('1.0.50');
    const all = ledgerWith(client()).historyPages('production');
    const sizes: number[] = [];
    for await (const page of all) sizes.push(page.entries.length);
    expect(sizes).toEqual([100, 100, 50]);
  });
});

describe('environments', () => {
  it('lists the environments deployed to, sorted, from one GraphQL document across environments', async () => {
    gh.store.addDeployment('octo/app', { environment: 'staging' });
    gh.store.addDeployment('octo/app', { environment: 'production', statuses: [{ state: 'success' }] });
    gh.store.addDeployment('octo/app', { environment: 'staging' });
    gh.store.addDeployment('octo/app', { environment: 'preview-42' });
    const c = client();
    expect(await ledgerWith(c).environments()).toEqual(['preview-42', 'production', 'staging']);
    expect(c.callCount()).toMatchObject({ graphql: 1, rest: 0 });
    const [sent] = gh.requestsFor('graphql');
    expect(sent?.graphql?.valid).toBe(true);
    expect(sent?.graphql?.variables).toMatchObject({ owner: 'octo', name: 'app', first: 100 });
  });

  it('pages through the newest deployments, 100 a call, up to the scan limit', async () => {
    gh.store.addDeployment('octo/app', { environment: 'old' });
    for (let i = 0; i < 230; i += 1) {
      gh.store.addDeployment('octo/app', { environment: i % 2 === 0 ? 'production' : 'staging' });
    }
    const c = client();
    const ledger = ledgerWith(c);
    expect(await ledger.environments()).toEqual(['old', 'production', 'staging']);
    expect(c.callCount().graphql).toBe(3);
    expect(gh.requestsFor('graphql').map((r) => r.graphql?.variables?.first)).toEqual([100, 100, 100]);
    // 'old' was deployed to before the newest 150: a smaller scan does not reach it.
    expect(await ledger.environments({ scan: 150 })).toEqual(['production', 'staging']);
    expect(c.callCount().graphql).toBe(5);
    expect(
      gh
        .requestsFor('graphql')
        .map((r) => r.graphql?.variables?.first)
        .slice(3),
    ).toEqual([100, 50]);
    for (const r of gh.requestsFor('graphql')) expect(r.graphql?.valid).toBe(true);
  });

  it('is empty for a repository never deployed, and says which permission a token lacks', async () => {
    expect(await ledgerWith().environments()).toEqual([]);
    gh.addToken('ghs_none', { permissions: { deployments: 'none' } });
    const error = await ledgerWith(client('ghs_none'))
      .environments()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permission' });
    expect((error as Error).message).toContain('deployments: read');
    expect((error as Error).message).toContain('list the environments deployed to in octo/app');
  });
});

describe('GitHub refusing a deployment', () => {
  it('409: lists the failing contexts and how to choose them', async () => {
    gh.store.protectBranch('octo/app', 'main', { requiredContexts: ['ci/test', 'lint'] });
    gh.store.addCommitStatus('octo/app', { sha, context: 'ci/test', state: 'failure' });
    gh.store.addCommitStatus('octo/app', { sha, context: 'lint', state: 'pending' });
    gh.store.addCommitStatus('octo/app', { sha, context: 'docs', state: 'success' });
    const ledger = ledgerWith();

    const error = await ledger.create(request({ requiredContexts: undefined })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ kind: 'conflict', status: 409 });
    const message = (error as Error).message;
    expect(message).toContain('ci/test is failure');
    expect(message).toContain('lint is pending');
    expect(message).not.toContain('docs is');
    expect(message).toContain('`required-contexts`');
    expect(message).toContain('`[]`');

    const named = await ledger
      .create(request({ requiredContexts: ['docs', 'e2e'] }))
      .catch((e: unknown) => e);
    expect((named as Error).message).toContain('e2e is missing');
    expect((named as Error).message).not.toContain('ci/test');

    // Naming only passing contexts, or none, deploys.
    await expect(ledger.create(request({ requiredContexts: ['docs'] }))).resolves.toMatchObject({ sha });
    await expect(ledger.create(request({ requiredContexts: [] }))).resolves.toMatchObject({ sha });
    // 409 is not retried.
    expect(gh.requestsFor('POST /repos/{owner}/{repo}/deployments')).toHaveLength(4);
  });

  it('202: explains GitHub merged the default branch instead of deploying, and auto-merge: false', async () => {
    gh.faults.add('POST /repos/{owner}/{repo}/deployments', {
      type: 'status',
      status: 202,
      body: { message: 'Auto-merged main into topic-branch on deployment.' },
    });
    const error = await ledgerWith()
      .create(request({ ref: 'topic-branch', autoMerge: true }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    const message = (error as Error).message;
    expect(message).toContain('Auto-merged main into topic-branch on deployment.');
    expect(message).toMatch(/merged the default branch into it/);
    expect(message).toContain('`auto-merge: false`');
    // The fault answered before any route did: find the request by its path.
    const sent = gh.requests.find((r) => r.method === 'POST' && r.path === '/repos/octo/app/deployments');
    // Auto-merge needs the branch (GitHub merges into a branch, not a commit); otherwise the SHA is sent.
    expect(sent).toMatchObject({ status: 202, body: { ref: 'topic-branch', auto_merge: true } });
  });

  it('403 from a token without deployments: write says which permission to grant', async () => {
    const seeded = gh.store.addDeployment('octo/app', { environment: 'staging' });
    gh.addToken('ghs_read_only', { permissions: { deployments: 'read' } });
    const ledger = ledgerWith(client('ghs_read_only'));
    const error = await ledger.create(request()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permission', status: 403 });
    expect((error as Error).message).toContain('Resource not accessible by integration');
    expect((error as Error).message).toContain('`permissions:`');
    expect((error as Error).message).toContain('deployments: write');

    const statusError = await ledger
      .setStatus(String(seeded.id), { state: 'success' })
      .catch((e: unknown) => e);
    expect((statusError as Error).message).toContain('deployments: write');
    // Reading is allowed.
    await expect(ledger.history('staging')).resolves.toHaveLength(1);

    gh.addToken('ghs_none', { permissions: { deployments: 'none' } });
    const readError = await ledgerWith(client('ghs_none'))
      .history('staging')
      .catch((e: unknown) => e);
    expect(readError).toMatchObject({ kind: 'permission' });
    expect((readError as Error).message).toContain('deployments: read');
  });

  it('422: says what GitHub found invalid', async () => {
    const error = await ledgerWith()
      .create(request({ sha: 'f'.repeat(40) }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'validation', status: 422 });
    expect((error as Error).message).toContain(`No ref found for: ${'f'.repeat(40)}`);
  });
});

describe('faults', () => {
  it('retries 5xx of REST and GraphQL, then succeeds, counting every attempt', async () => {
    const c = client();
    const ledger = ledgerWith(c);
    const create = gh.faults.serverError('POST /repos/{owner}/{repo}/deployments', { times: 2, status: 502 });
    const created = await ledger.create(request());
    expect(create.hits).toBe(2);
    // The ledger retries a create itself, looking for its key before each new attempt: 3 creates, 2 look-ups.
    expect(c.callCount()).toEqual({ rest: 5, graphql: 0, retries: 0 });
    expect(gh.requestsFor('GET /repos/{owner}/{repo}/deployments').map((r) => r.query)).toEqual([
      { environment: 'staging', task: 'deploy', per_page: '100' },
      { environment: 'staging', task: 'deploy', per_page: '100' },
    ]);

    const read = gh.faults.serverError('graphql', { times: 1, status: 503 });
    const history = await ledger.history('staging');
    expect(read.hits).toBe(1);
    expect(history.map((e) => e.id)).toEqual([created.id]);
    expect(c.callCount()).toEqual({ rest: 5, graphql: 2, retries: 1 });
    // The retried create made one deployment only.
    expect(gh.store.repos.get('octo/app')?.deployments).toHaveLength(1);
  });

  it('gives up after the retries with a server error naming what was being done', async () => {
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      times: Number.POSITIVE_INFINITY,
    });
    const seeded = gh.store.addDeployment('octo/app', { environment: 'staging' });
    const error = await ledgerWith()
      .setStatus(String(seeded.id), { state: 'success' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect((error as Error).message).toContain(`set deployment ${seeded.id} of octo/app to success`);
  });
});

describe('writes GitHub applies without answering', () => {
  const DEPLOYMENTS = 'POST /repos/{owner}/{repo}/deployments';
  const STATUSES = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
  // 150 ms per attempt; a write that got no answer is taken to land within 1 s of being sent.
  const fastClient = () =>
    createGitHubClient({
      token: gh.token,
      apiUrl: gh.url,
      graphqlUrl: gh.graphqlUrl,
      retries: 2,
      retryBaseMs: 10,
      timeoutMs: 150,
      lateWriteWindowMs: 1000,
      log: { debug: () => {}, warning: () => {} },
      env: {},
    });
  const deployments = () => gh.store.repos.get('octo/app')!.deployments;
  // Every attempt, faulted or not (a faulted request is never routed).
  const creates = () =>
    gh.requests.filter((r) => r.method === 'POST' && r.path === '/repos/octo/app/deployments');

  it('gives every create its own request key', async () => {
    const ledger = ledgerWith();
    const first = await ledger.create(request());
    const second = await ledger.create(request());
    expect(first.record?.requestKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.record?.requestKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.record?.requestKey).not.toBe(first.record?.requestKey);
  });

  it('a retried create keeps one deployment: the copies that land late are closed as duplicates and deleted before it closes', async () => {
    const late: number[] = [];
    const ledger = new GitHubLedger({
      client: fastClient(),
      owner: 'octo',
      repo: 'app',
      onLateWrites: (until) => late.push(until),
    });
    // The first two attempts time out, and GitHub applies each 600 ms after it came: after the third answered.
    const slow = gh.faults.slow(DEPLOYMENTS, { ms: 600, times: 2 });
    const created = await ledger.create(request());
    expect(slow.hits).toBe(2);
    expect(creates()).toHaveLength(3);
    // Post steps learn until when the unanswered ones may land.
    expect(late.length).toBeGreaterThan(0);
    expect(late.at(-1)).toBeGreaterThan(Date.now());

    await ledger.setStatus(created.id, { state: 'in_progress' });
    await ledger.setStatus(created.id, { state: 'success', description: '1.2.3 is live' });
    // Both late copies landed, were marked inactive naming the one kept, then deleted.
    const swept = gh
      .requestsFor(STATUSES)
      .filter((r) => (r.body as { description?: string }).description?.startsWith('duplicate of'));
    expect(swept).toHaveLength(2);
    for (const write of swept) {
      expect(write.body).toMatchObject({
        state: 'inactive',
        description: `duplicate of #${created.id}: a retried request GitHub applied late`,
      });
    }
    expect(gh.requestsFor('DELETE /repos/{owner}/{repo}/deployments/{deployment_id}')).toHaveLength(2);
    expect(deployments().map((d) => String(d.id))).toEqual([created.id]);
    expect(deployments()[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('tells post a closing status is on its way while it is sent, and that nothing is once it was answered', async () => {
    const late: number[] = [];
    const ledger = new GitHubLedger({
      client: fastClient(),
      owner: 'octo',
      repo: 'app',
      onLateWrites: (until) => late.push(until),
    });
    const created = await ledger.create(request());
    await ledger.setStatus(created.id, { state: 'in_progress' });
    // An open status is not the last word: no notice.
    expect(late).toEqual([]);
    // Slow, but answered within the client's 150 ms.
    gh.faults.slow(STATUSES, { ms: 100, times: 1 });
    const closing = ledger.setStatus(created.id, { state: 'success', description: '1.2.3 is live' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A kill now (the write sent, no answer yet) leaves post a time to wait until: past every attempt and
    // GitHub's late window (3 × 150 ms + 10 ms × 2² + 1 s).
    expect(late).toHaveLength(1);
    expect(late[0]).toBeGreaterThan(Date.now() + 1000);
    await closing;
    expect(late.at(-1)).toBe(0);
  });

  it('when every attempt goes unanswered, waits for them to land and takes the first', async () => {
    gh.faults.slow(DEPLOYMENTS, { ms: 700, times: 3 });
    const created = await ledgerWith(fastClient()).create(request());
    expect(creates()).toHaveLength(3);
    // The three landed; the first is kept, the other two are already gone.
    expect(deployments().map((d) => String(d.id))).toEqual([created.id]);
    expect(created.record?.version).toBe('1.2.3');
  });

  it('fails as before when nothing landed, saying what was being done', async () => {
    gh.faults.serverError(DEPLOYMENTS, { status: 503, times: 3 });
    const error = await ledgerWith(fastClient())
      .create(request())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect((error as Error).message).toContain('create a deployment of');
    expect(deployments()).toHaveLength(0);
    expect(creates()).toHaveLength(3);
  });

  it('a closing status waits for an unanswered in_progress, so it lands last', async () => {
    const ledger = ledgerWith(fastClient());
    const created = await ledger.create(request());
    // The first in_progress times out and is retried; GitHub applies the first 500 ms after it came.
    gh.faults.slow(STATUSES, { ms: 500, times: 1 });
    await ledger.setStatus(created.id, { state: 'in_progress' });
    await ledger.setStatus(created.id, { state: 'success' });
    const [entry] = await ledger.history('staging');
    expect(entry?.statuses.map((s) => s.state)).toEqual(['success', 'in_progress', 'in_progress']);
    expect(entry?.state).toBe('success');
  });

  it('sweepDuplicates closes the late copies of a deployment from its key (the post step, in another process)', async () => {
    const ledger = ledgerWith();
    const kept = await ledger.create(request());
    const payload = { ...kept.payload };
    const copy = gh.store.addDeployment('octo/app', { environment: 'staging', task: 'deploy', sha, payload });
    gh.store.addDeployment('octo/app', {
      environment: 'staging',
      task: 'deploy',
      sha,
      payload: { [RECORD_KEY]: record() },
    });
    expect(await ledgerWith().sweepDuplicates(kept.id)).toEqual([String(copy.id)]);
    expect(deployments()).toHaveLength(2);
    expect(deployments().some((d) => d.id === copy.id)).toBe(false);
    expect(await ledgerWith().sweepDuplicates('999999')).toEqual([]);
  });
});

describe('deactivate', () => {
  it('writes one inactive status per id', async () => {
    const ids = [0, 1, 2].map((i) =>
      String(
        gh.store.addDeployment('octo/app', {
          environment: 'production',
          payload: { [RECORD_KEY]: record(`2.0.${i}`) },
          statuses: [{ state: 'success', autoInactive: false }],
        }).id,
      ),
    );
    const c = client();
    const ledger = ledgerWith(c);
    await ledger.deactivate([], 'nothing');
    expect(calls(c)).toBe(0);
    await expect(ledger.deactivate(['1', 'x'], 'bad')).rejects.toThrow(/'x' is not a deployment id/);
    expect(calls(c)).toBe(0);

    await ledger.deactivate(ids, 'superseded by 3.0.0 (deployment 99)');
    expect(c.callCount()).toEqual({ rest: 3, graphql: 0, retries: 0 });
    const writes = gh.requestsFor('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses');
    expect(writes.map((w) => w.path.split('/')[5])).toEqual(ids);
    expect(writes.every((w) => (w.body as { state: string }).state === 'inactive')).toBe(true);

    const history = await ledger.history('production');
    expect(history.map((e) => e.state)).toEqual(['inactive', 'inactive', 'inactive']);
    expect(history[0]?.statuses.map((s) => s.state)).toEqual(['inactive', 'success']);
    expect(history[0]?.statuses[0]?.description).toBe('superseded by 3.0.0 (deployment 99)');
  });
});

describe('reading helpers', () => {
  it('parses payloads safely', () => {
    expect(parsePayload('{"a":1}')).toEqual({ a: 1 });
    expect(parsePayload(JSON.stringify(JSON.stringify({ a: 1 })))).toEqual({ a: 1 });
    expect(parsePayload({ a: 1 })).toEqual({ a: 1 });
    for (const odd of [null, undefined, '', '   ', 'not json', '[1,2]', '3', 'null', 7, [1]]) {
      expect(parsePayload(odd)).toEqual({});
    }
  });

  it('puts statuses newest first whichever order GraphQL lists them in', () => {
    const status = (id: string, createdAt: string) => ({
      id,
      state: 'SUCCESS' as const,
      description: null,
      environmentUrl: null,
      logUrl: null,
      createdAt,
    });
    const a = status('A', '2024-01-01T00:00:00Z');
    const b = status('B', '2024-01-01T00:00:00Z');
    const c = status('C', '2024-01-01T00:00:05Z');
    expect(statusesNewestFirst([c, b, a], 'C').map((s) => s.id)).toEqual(['C', 'B', 'A']);
    expect(statusesNewestFirst([a, b, c], 'C').map((s) => s.id)).toEqual(['C', 'B', 'A']);
    // Same second, told apart by latestStatus.
    expect(statusesNewestFirst([a, b], 'B').map((s) => s.id)).toEqual(['B', 'A']);
    // latestStatus beyond the page: by time.
    expect(statusesNewestFirst([a, c], 'Z').map((s) => s.id)).toEqual(['C', 'A']);
  });
});

describe('the deploy engine on the GitHub ledger', () => {
  it('records a deploy over 50 earlier deployments in at most 10 calls, deactivating the 3 still active', async () => {
    const active: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const live = i >= 47;
      const seeded = gh.store.addDeployment('octo/app', {
        environment: 'production',
        payload: { [RECORD_KEY]: record(`1.0.${i}`) },
        statuses: [
          { state: 'success', autoInactive: false },
          ...(live ? [] : [{ state: 'inactive' as const }]),
        ],
      });
      if (live) active.push(String(seeded.id));
    }
    const c = client();
    const outcome = await deploy(
      {
        environment: 'production',
        sha,
        ref: 'main',
        version: '2.0.0',
        workingDirectory: process.cwd(),
        payload: {},
        autoMerge: false,
        onConcurrent: { mode: 'fail', timeoutMs: 0 },
        task: 'deploy',
        run: {
          id: '7',
          attempt: '1',
          url: 'https://github.example/run/7',
          workflow: 'release',
          actor: 'alice',
        },
        baseEnv: {},
      },
      {
        ledger: ledgerWith(c),
        runCommand: () => Promise.reject(new Error('no command')),
        log: { info: () => {}, warning: () => {}, group: (_name, fn) => fn() },
      },
    );
    expect(outcome.result).toBe('success');
    expect(outcome.previous?.id).toBe(active.at(-1));
    expect(outcome.deployment.record?.previous).toMatchObject({
      deploymentId: active.at(-1),
      version: '1.0.49',
    });
    expect([...outcome.deactivated].sort()).toEqual([...active].sort());
    // history twice (before create, then the turn), create, in_progress, success, 3 × inactive.
    expect(c.callCount()).toEqual({ rest: 6, graphql: 2, retries: 0 });
    expect(gh.requests).toHaveLength(8);

    const [latest, ...rest] = await ledgerWith().history('production');
    expect(latest).toMatchObject({ id: outcome.deployment.id, state: 'success' });
    expect(rest.filter((e) => e.state === 'success')).toEqual([]);
  });
});
