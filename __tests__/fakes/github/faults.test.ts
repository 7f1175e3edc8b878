import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, gql } from './helpers.js';
import { type FakeGitHub, startFakeGitHub } from './index.js';

let gh: FakeGitHub;
const repo = 'octo/app';
const deployments = `/repos/${repo}/deployments`;

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
});
afterEach(async () => {
  await gh.close();
});

describe('auth and permissions', () => {
  it('answers 401 without a token or with an unknown one, and accepts token and Bearer schemes', async () => {
    const none = await call(gh, 'GET', deployments, undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ message: 'Requires authentication' });
    const bad = await call(gh, 'GET', deployments, undefined, { token: 'ghp_wrong' });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    const bearer = await fetch(`${gh.url}${deployments}`, {
      headers: { authorization: `Bearer ${gh.token}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('answers 403 Resource not accessible by integration for a token lacking the area', async () => {
    gh.addToken('ghs_readonly', { permissions: { deployments: 'read', contents: 'none' } });
    const write = await call(gh, 'POST', deployments, { ref: 'main' }, { token: 'ghs_readonly' });
    expect(write.status).toBe(403);
    expect(write.json).toMatchObject({ message: 'Resource not accessible by integration' });
    expect(write.headers.get('x-accepted-github-permissions')).toBe('deployments=write');
    expect((await call(gh, 'GET', deployments, undefined, { token: 'ghs_readonly' })).status).toBe(200);
    const refs = await call(gh, 'GET', `/repos/${repo}/git/ref/heads/main`, undefined, {
      token: 'ghs_readonly',
    });
    expect(refs.status).toBe(403);
    expect(refs.headers.get('x-accepted-github-permissions')).toBe('contents=read');
    const graph = await gql(
      gh,
      '{ repository(owner:"octo", name:"app"){ deployments(first:1){ totalCount } } }',
      undefined,
      'ghs_readonly',
    );
    expect(graph.json.errors).toBeUndefined();
    gh.addToken('ghs_nodeploy', { permissions: { deployments: 'none' } });
    const denied = await gql(
      gh,
      '{ repository(owner:"octo", name:"app"){ deployments(first:1){ totalCount } } }',
      undefined,
      'ghs_nodeploy',
    );
    expect(denied.json.errors[0]).toMatchObject({
      type: 'FORBIDDEN',
      message: 'Resource not accessible by integration',
    });
  });
});

describe('primary rate limit', () => {
  it('sends x-ratelimit headers per resource and refuses when spent', async () => {
    const first = await call(gh, 'GET', deployments);
    const second = await call(gh, 'GET', deployments);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(second.headers.get('x-ratelimit-used'))).toBe(
      Number(first.headers.get('x-ratelimit-used')) + 1,
    );
    expect(Number(second.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const graph = await gql(gh, '{ viewer { login } }');
    expect(graph.headers.get('x-ratelimit-resource')).toBe('graphql');

    gh.setRateLimit({ remaining: 0, resetInSeconds: 600 });
    const spent = await call(gh, 'GET', deployments);
    expect(spent.status).toBe(403);
    expect(spent.json.message).toMatch(/^API rate limit exceeded for installation ID \d+\./);
    expect(spent.headers.get('x-ratelimit-remaining')).toBe('0');
    gh.setRateLimit({ resource: 'graphql', remaining: 0 });
    const gspent = await gql(gh, '{ viewer { login } }');
    expect(gspent.status).toBe(200);
    expect(gspent.json.errors[0].type).toBe('RATE_LIMITED');
  });

  it('answers again once the window resets', async () => {
    gh.setRateLimit({ remaining: 0, resetInSeconds: 0 });
    expect((await call(gh, 'GET', deployments)).status).toBe(200);
  });
});

describe('injected faults', () => {
  it('answers 5xx N times then normally, counting hits', async () => {
    const rule = gh.faults.serverError(`POST /repos/{owner}/{repo}/deployments`, { times: 2, status: 502 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await call(gh, 'POST', deployments, { ref: 'main' })).status);
    expect(statuses).toEqual([502, 502, 201]);
    expect(rule.hits).toBe(2);
    expect(gh.requests.map((r) => r.fault)).toEqual(['status', 'status', undefined]);
    // Other routes are untouched.
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments');
    expect((await call(gh, 'GET', deployments)).status).toBe(200);
  });

  it('answers secondary rate limits with 403 or 429, GitHub message and retry-after', async () => {
    gh.faults.secondaryRateLimit(deployments.replace('octo/app', '{owner}/{repo}'), { retryAfter: 3 });
    gh.faults.tooManyRequests('graphql', { retryAfter: 1 });
    const limited = await call(gh, 'GET', deployments);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.json.message).toMatch(/^You have exceeded a secondary rate limit/);
    const graph = await gql(gh, '{ viewer { login } }');
    expect(graph.status).toBe(429);
    expect(graph.headers.get('retry-after')).toBe('1');
    expect((await gql(gh, '{ viewer { login } }')).status).toBe(200);
  });

  it('skips, matches by RegExp, forces 401, slows down and drops connections', async () => {
    gh.faults.badCredentials(/^GET \/repos\/octo\/app\/deployments$/, { skip: 1 });
    expect((await call(gh, 'GET', deployments)).status).toBe(200);
    expect((await call(gh, 'GET', deployments)).status).toBe(401);

    gh.faults.slow('*', { ms: 150 });
    const started = Date.now();
    expect((await call(gh, 'GET', deployments)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    gh.faults.drop('GET /repos/{owner}/{repo}/deployments');
    await expect(call(gh, 'GET', deployments)).rejects.toThrow();
    expect(gh.requests.at(-1)).toMatchObject({ fault: 'drop', status: 0 });
    expect((await call(gh, 'GET', deployments)).status).toBe(200);
  });

  it('answers malformed JSON and GraphQL timeouts', async () => {
    gh.faults.malformedJson('GET /repos/{owner}/{repo}/deployments');
    const broken = await call(gh, 'GET', deployments);
    expect(broken.status).toBe(200);
    expect(broken.headers.get('content-type')).toMatch(/json/);
    expect(() => JSON.parse(broken.body as string)).toThrow();
    gh.faults.graphqlTimeout();
    const timeout = await gql(gh, '{ viewer { login } }');
    expect(timeout.json.errors[0].message).toMatch(/^Something went wrong while executing your query/);
  });
});

it('records every request with its answer', async () => {
  await call(gh, 'POST', `${deployments}?x=1`, { ref: 'main', environment: 'qa' });
  await gql(gh, 'query Q($n: String!) { repository(owner: "octo", name: $n) { name } }', { n: 'app' });
  const [rest, graph] = gh.requests;
  expect(rest).toMatchObject({
    method: 'POST',
    path: deployments,
    query: { x: '1' },
    body: { ref: 'main', environment: 'qa' },
    kind: 'rest',
    route: 'POST /repos/{owner}/{repo}/deployments',
    status: 201,
    responseBody: { environment: 'qa' },
  });
  expect(rest?.headers.authorization).toBe(`token ${gh.token}`);
  expect(graph).toMatchObject({
    kind: 'graphql',
    path: '/graphql',
    status: 200,
    graphql: { valid: true, variables: { n: 'app' }, errors: [] },
    responseBody: { data: { repository: { name: 'app' } } },
  });
  expect(gh.requestsFor('graphql')).toHaveLength(1);
  expect(gh.requestsFor('POST /repos/{owner}/{repo}/deployments')).toHaveLength(1);
  // The root layout (api.github.com style) is answered too.
  expect((await call(gh, 'GET', `${gh.origin}${deployments}`)).status).toBe(200);
  expect(gh.env()).toEqual({
    GITHUB_API_URL: gh.url,
    GITHUB_GRAPHQL_URL: gh.graphqlUrl,
    GITHUB_SERVER_URL: gh.origin,
  });
});
