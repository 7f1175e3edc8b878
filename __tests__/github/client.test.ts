import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClientOptions, resolveUrls } from '../../src/github/client.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';

let gh: FakeGitHub;
let warnings: string[];

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  warnings = [];
});
afterEach(async () => {
  await gh.close();
});

function client(options: Partial<GitHubClientOptions> = {}) {
  return createGitHubClient({
    token: gh.token,
    apiUrl: gh.url,
    retryBaseMs: 5,
    log: { debug: () => {}, warning: (message) => warnings.push(message) },
    env: {},
    ...options,
  });
}

const createDeployment = (c: ReturnType<typeof client>) =>
  c.request('POST /repos/{owner}/{repo}/deployments', {
    owner: 'octo',
    repo: 'app',
    ref: 'main',
    environment: 'staging',
    required_contexts: [],
  });

describe('base URLs', () => {
  it('takes GITHUB_API_URL and GITHUB_GRAPHQL_URL, deriving GHES GraphQL from /api/v3', () => {
    expect(resolveUrls({}, {})).toEqual({
      apiUrl: 'https://api.github.com',
      graphqlUrl: 'https://api.github.com/graphql',
    });
    expect(resolveUrls({}, { GITHUB_API_URL: 'https://ghe.example/api/v3/' })).toEqual({
      apiUrl: 'https://ghe.example/api/v3',
      graphqlUrl: 'https://ghe.example/api/graphql',
    });
    expect(
      resolveUrls(
        {},
        {
          GITHUB_API_URL: 'https://ghe.example/api/v3',
          GITHUB_GRAPHQL_URL: 'https://ghe.example/api/graphql',
        },
      ),
    ).toEqual({ apiUrl: 'https://ghe.example/api/v3', graphqlUrl: 'https://ghe.example/api/graphql' });
    expect(
      resolveUrls({ apiUrl: 'http://x/api/v3', graphqlUrl: 'http://y/graphql' }, { GITHUB_API_URL: 'z' }),
    ).toEqual({
      apiUrl: 'http://x/api/v3',
      graphqlUrl: 'http://y/graphql',
    });
  });

  it('talks REST and GraphQL to a GHES-style server from the environment, counting calls', async () => {
    const c = createGitHubClient({ token: gh.token, env: gh.env() });
    expect(c.apiUrl).toBe(gh.url);
    expect(c.graphqlUrl).toBe(gh.graphqlUrl);
    const { status, data: deployment } = await createDeployment(c);
    expect(status).toBe(201);
    // 202 answers `{ message }` (auto-merge): the type is a union.
    if (!('id' in deployment)) throw new Error(`expected a deployment, got ${JSON.stringify(deployment)}`);
    expect(deployment.environment).toBe('staging');
    await c.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner: 'octo',
      repo: 'app',
      deployment_id: Number(deployment.id),
      state: 'success',
      environment_url: 'https://staging.example',
    });
    const data = await c.graphql<{ repository: { deployments: { nodes: { state: string }[] } } }>(
      `query($owner: String!, $name: String!) {
        repository(owner: $owner, name: $name) { deployments(first: 5) { nodes { state } } }
      }`,
      { owner: 'octo', name: 'app' },
    );
    expect(data.repository.deployments.nodes).toEqual([{ state: 'ACTIVE' }]);
    expect(c.callCount()).toEqual({ rest: 2, graphql: 1, retries: 0 });
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/octo/app/deployments',
      `POST /repos/octo/app/deployments/${deployment.id}/statuses`,
      'POST /graphql',
    ]);
    expect(gh.requests[0]?.headers['user-agent']).toMatch(/^deploy-kit /);
    expect(gh.requests[0]?.headers.authorization).toBe(`token ${gh.token}`);
    assertConformance(gh.requests);
  });
});

describe('retries', () => {
  it('retries 5xx and counts the retries', async () => {
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments', { times: 2, status: 502 });
    const c = client({ retries: 3 });
    expect((await createDeployment(c)).status).toBe(201);
    expect(c.callCount()).toEqual({ rest: 3, graphql: 0, retries: 2 });
    expect(gh.requests.map((r) => r.status)).toEqual([502, 502, 201]);
    assertConformance(gh.requests);
  });

  it('gives up after the configured number of retries', async () => {
    gh.faults.serverError('*', { times: Number.POSITIVE_INFINITY, status: 500 });
    const c = client({ retries: 2 });
    await expect(createDeployment(c)).rejects.toMatchObject({ status: 500 });
    expect(c.callCount()).toEqual({ rest: 3, graphql: 0, retries: 2 });
  });

  it('retries a dropped connection, malformed JSON and a GraphQL timeout', async () => {
    gh.faults.drop('POST /repos/{owner}/{repo}/deployments');
    gh.faults.malformedJson('GET /repos/{owner}/{repo}/deployments');
    gh.faults.graphqlTimeout();
    const c = client();
    expect((await createDeployment(c)).status).toBe(201);
    const list = await c.request('GET /repos/{owner}/{repo}/deployments', { owner: 'octo', repo: 'app' });
    expect(list.data).toHaveLength(1);
    const viewer = await c.graphql<{ viewer: { login: string } }>('{ viewer { login } }');
    expect(viewer.viewer.login).toBe('github-actions[bot]');
    expect(c.callCount()).toEqual({ rest: 4, graphql: 2, retries: 3 });
  });

  it('does not retry 401, 404, 409 or 422', async () => {
    gh.faults.badCredentials('*', { times: Number.POSITIVE_INFINITY });
    const c = client();
    await expect(createDeployment(c)).rejects.toMatchObject({ status: 401 });
    gh.faults.clear();
    await expect(
      c.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}', {
        owner: 'octo',
        repo: 'app',
        deployment_id: 1,
      }),
    ).rejects.toMatchObject({ status: 404 });
    gh.store.addCommitStatus('octo/app', { ref: 'main', context: 'ci', state: 'pending' });
    await expect(
      c.request('POST /repos/{owner}/{repo}/deployments', { owner: 'octo', repo: 'app', ref: 'main' }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      c.request('POST /repos/{owner}/{repo}/deployments', { owner: 'octo', repo: 'app', ref: 'nope' }),
    ).rejects.toMatchObject({ status: 422 });
    expect(c.callCount()).toEqual({ rest: 4, graphql: 0, retries: 0 });
    expect(gh.requests.map((r) => r.status)).toEqual([401, 404, 409, 422]);
  });
});

describe('writes without an answer', () => {
  it('lists each write attempt that got no answer, with until when GitHub may still apply it', async () => {
    // Attempt 1 times out, 2 is dropped, 3 answers 502, 4 is made; a delay adds to the next fault, hence skip.
    gh.faults.slow('POST /repos/{owner}/{repo}/deployments', { ms: 400, times: 1 });
    gh.faults.drop('POST /repos/{owner}/{repo}/deployments', { skip: 1 });
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments', { times: 1, status: 502, skip: 2 });
    gh.faults.slow('GET /repos/{owner}/{repo}/deployments', { ms: 400, times: 1 });
    const c = client({ retries: 3, timeoutMs: 150, lateWriteWindowMs: 5000 });
    expect(c.budgets).toEqual({ retries: 3, retryBaseMs: 5, lateWriteWindowMs: 5000, timeoutMs: 150 });
    const started = Date.now();
    expect((await createDeployment(c)).status).toBe(201);
    await c.request('GET /repos/{owner}/{repo}/deployments', { owner: 'octo', repo: 'app' });
    // The timed-out and the dropped attempt; not the 502 (answered), nor the read.
    const unanswered = c.unansweredWrites();
    const base = new URL(gh.url).pathname.replace(/\/$/, '');
    expect(unanswered.map((w) => [w.method, w.path])).toEqual([
      ['POST', `${base}/repos/octo/app/deployments`],
      ['POST', `${base}/repos/octo/app/deployments`],
    ]);
    for (const write of unanswered) {
      expect(write.sentAt).toBeGreaterThanOrEqual(started);
      expect(write.lateUntil).toBe(write.sentAt + 5000);
    }
    expect(client().budgets).toEqual({
      retries: 3,
      retryBaseMs: 5,
      lateWriteWindowMs: 10_000,
      timeoutMs: 30_000,
    });
  });
});

describe('rate limits', () => {
  it('waits out a 403 secondary rate limit as retry-after asks, with a warning', async () => {
    gh.faults.secondaryRateLimit('POST /repos/{owner}/{repo}/deployments', { retryAfter: 1 });
    const c = client();
    const started = Date.now();
    expect((await createDeployment(c)).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(c.callCount()).toEqual({ rest: 2, graphql: 0, retries: 1 });
    expect(warnings).toEqual([
      expect.stringMatching(
        /secondary rate limit reached on POST .*deployments; retrying in 1s \(retry 1 of 2\)/,
      ),
    ]);
  });

  it('waits out a 429 with retry-after, on GraphQL too', async () => {
    gh.faults.tooManyRequests('graphql', { retryAfter: 1 });
    const c = client();
    const started = Date.now();
    const data = await c.graphql<{ viewer: { login: string } }>('{ viewer { login } }');
    expect(data.viewer.login).toBe('github-actions[bot]');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(c.callCount()).toEqual({ rest: 0, graphql: 2, retries: 1 });
    expect(gh.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('never waits longer than the bound, nor retries more than allowed', async () => {
    gh.faults.secondaryRateLimit('*', { retryAfter: 3600 });
    const c = client();
    const started = Date.now();
    await expect(createDeployment(c)).rejects.toMatchObject({ status: 403 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(warnings.at(-1)).toMatch(/not retrying: it asks to wait 3600s, more than 60s/);

    gh.faults.clear();
    gh.faults.tooManyRequests('*', { retryAfter: 1, times: Number.POSITIVE_INFINITY });
    const bounded = client({ rateLimitRetries: 1 });
    await expect(createDeployment(bounded)).rejects.toMatchObject({ status: 429 });
    expect(bounded.callCount()).toEqual({ rest: 2, graphql: 0, retries: 1 });
    expect(warnings.at(-1)).toMatch(/not retrying: 1 retries spent/);
  });

  it('waits for the primary rate limit to reset when it is soon, and fails at once when it is not', async () => {
    gh.setRateLimit({ remaining: 0, resetInSeconds: 600 });
    const c = client();
    await expect(createDeployment(c)).rejects.toMatchObject({ status: 403 });
    expect(c.callCount().rest).toBe(1);
    expect(warnings.at(-1)).toMatch(/primary rate limit reached .* not retrying/);

    gh.setRateLimit({ remaining: 0, resetInSeconds: 1 });
    const started = Date.now();
    expect((await createDeployment(c)).status).toBe(201);
    // Octokit waits until one second after x-ratelimit-reset.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(c.callCount()).toEqual({ rest: 3, graphql: 0, retries: 1 });
    expect(warnings.at(-1)).toMatch(/primary rate limit reached on POST .*; retrying in [12]s/);
  });
});

describe('pacing', () => {
  it('answers slow servers, and spaces writes when asked', async () => {
    gh.faults.slow('GET /repos/{owner}/{repo}/deployments', { ms: 200 });
    const c = client({ minWriteIntervalMs: 150 });
    const started = Date.now();
    await c.request('GET /repos/{owner}/{repo}/deployments', { owner: 'octo', repo: 'app' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const writes = Date.now();
    await Promise.all([createDeployment(c), createDeployment(c), createDeployment(c)]);
    expect(Date.now() - writes).toBeGreaterThanOrEqual(290);
    const unpaced = client();
    const quick = Date.now();
    await Promise.all([createDeployment(unpaced), createDeployment(unpaced)]);
    expect(Date.now() - quick).toBeLessThan(250);
    assertConformance(gh.requests);
  });
});
