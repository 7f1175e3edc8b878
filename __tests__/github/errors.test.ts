import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { explainGitHubError, GitHubApiError, toGitHubApiError } from '../../src/github/errors.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';

let gh: FakeGitHub;
const quiet = { debug: () => {}, warning: () => {} };

beforeAll(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  gh.addToken('ghs_readonly', { permissions: { deployments: 'read' } });
  gh.addToken('ghs_nodeploy', { permissions: { deployments: 'none' } });
});
afterAll(async () => {
  await gh.close();
});

function client(token = gh.token) {
  return createGitHubClient({ token, apiUrl: gh.url, env: {}, log: quiet, retries: 0, rateLimitRetries: 0 });
}

/** The error a call fails with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

const deploy = (token?: string, body: Record<string, unknown> = {}) =>
  client(token).request('POST /repos/{owner}/{repo}/deployments', {
    owner: 'octo',
    repo: 'app',
    ref: 'main',
    ...body,
  });

describe('explainGitHubError', () => {
  it('names the permission the workflow must grant on 403 Resource not accessible by integration', async () => {
    const error = await failure(deploy('ghs_readonly'));
    expect(
      explainGitHubError(error, { action: 'create the deployment', permission: 'deployments: write' }),
    ).toBe(
      'GitHub refused to create the deployment: the token lacks a permission (403 Resource not accessible by integration); ' +
        'the workflow must grant it with `permissions:` → `deployments: write` (on the job, or at the top of the workflow)',
    );
    // Without the parameter, GitHub's x-accepted-github-permissions header says it.
    expect(explainGitHubError(error)).toMatch(
      /^GitHub request POST .*\/deployments failed: .*`deployments: write`/,
    );
    const wrapped = toGitHubApiError(error, { permission: 'deployments: write' });
    expect(wrapped).toBeInstanceOf(GitHubApiError);
    expect(wrapped).toMatchObject({ kind: 'permission', status: 403, cause: error });
    expect(toGitHubApiError(wrapped)).toBe(wrapped);
  });

  it('says a 401 token is wrong, expired or revoked', async () => {
    const error = await failure(deploy('ghs_revoked'));
    expect(explainGitHubError(error, { action: 'create the deployment' })).toMatch(
      /^GitHub refused to create the deployment: GitHub rejected the token \(401 Bad credentials\): it is wrong, expired or revoked/,
    );
    expect(toGitHubApiError(error).kind).toBe('auth');
  });

  it('lists the failing contexts and their states on a 409 deployment conflict', async () => {
    gh.store.addCommitStatus('octo/app', { ref: 'main', context: 'ci/test', state: 'failure' });
    gh.store.addCheckRun('octo/app', { ref: 'main', name: 'lint', status: 'queued' });
    const error = await failure(deploy());
    expect(explainGitHubError(error, { action: 'create the deployment' })).toBe(
      'GitHub refused to create the deployment: commit status checks failed for main: ci/test is failure, lint is pending. ' +
        'Wait until they pass, or choose which contexts must pass with `required_contexts` (an empty list checks none)',
    );
    expect(toGitHubApiError(error)).toMatchObject({ kind: 'conflict', status: 409 });
  });

  it('lists the validation errors of a 422', async () => {
    const c = client();
    await c.request('POST /repos/{owner}/{repo}/releases', {
      owner: 'octo',
      repo: 'app',
      tag_name: 'v1.0.0',
    });
    const duplicate = await failure(
      c.request('POST /repos/{owner}/{repo}/releases', { owner: 'octo', repo: 'app', tag_name: 'v1.0.0' }),
    );
    expect(explainGitHubError(duplicate, { action: 'create release v1.0.0' })).toBe(
      'GitHub refused to create release v1.0.0: GitHub rejected the request (422 Validation Failed: Release.tag_name already exists)',
    );
    const sha = gh.store.resolveCommit(gh.store.repo('octo/app'), 'main');
    const exists = await failure(
      c.request('POST /repos/{owner}/{repo}/git/refs', {
        owner: 'octo',
        repo: 'app',
        ref: 'refs/tags/v1.0.0',
        sha: sha!,
      }),
    );
    expect(explainGitHubError(exists)).toMatch(/\(422 Reference already exists\)$/);
    expect(toGitHubApiError(exists).kind).toBe('validation');
  });

  it('says when a spent rate limit resets, and what a secondary limit asks', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30 * 60;
    gh.setRateLimit({ remaining: 0, resetInSeconds: 30 * 60 });
    const spent = await failure(deploy());
    const now = () => new Date((reset - 30 * 60) * 1000);
    expect(explainGitHubError(spent, { action: 'list deployments', now })).toBe(
      `GitHub refused to list deployments: GitHub's API rate limit for this token is spent (5000 of 5000 requests of 'core' used); ` +
        `it resets at ${new Date(reset * 1000).toISOString().replace('.000', '')} (in 30 minutes)`,
    );
    gh.setRateLimit({ remaining: 5000 });
    gh.faults.secondaryRateLimit('*', { retryAfter: 120 });
    const secondary = await failure(deploy());
    expect(explainGitHubError(secondary)).toMatch(
      /secondary rate limit stopped the request \(403\); it asks to wait 120s/,
    );
    expect(toGitHubApiError(secondary).kind).toBe('rate-limit');
  });

  it('explains GraphQL errors: FORBIDDEN, NOT_FOUND, invalid documents', async () => {
    const forbidden = await failure(
      client('ghs_nodeploy').graphql(
        '{ repository(owner: "octo", name: "app") { deployments(first: 1) { totalCount } } }',
      ),
    );
    expect(
      explainGitHubError(forbidden, { action: 'read deployments', permission: 'deployments: read' }),
    ).toMatch(
      /^GitHub refused to read deployments: the token may not read this \(FORBIDDEN: Resource not accessible by integration \(at repository\.deployments\)\); .*`deployments: read`/,
    );
    const missing = await failure(client().graphql('{ repository(owner: "octo", name: "gone") { name } }'));
    expect(toGitHubApiError(missing)).toMatchObject({ kind: 'not-found' });
    expect(explainGitHubError(missing)).toMatch(
      /Could not resolve to a Repository with the name 'octo\/gone'/,
    );
    const invalid = await failure(client().graphql('{ repository(owner: "octo", name: "app") { colour } }'));
    expect(explainGitHubError(invalid)).toMatch(
      /GraphQL API answered errors: Field 'colour' doesn't exist on type 'Repository'/,
    );
  });

  it('tells a server failure after retries from an unreachable server, and 404 from the rest', async () => {
    gh.faults.serverError('*', { status: 503 });
    const server = await failure(deploy());
    expect(explainGitHubError(server)).toMatch(
      /GitHub answered 503 \(Server Error\) and went on failing after retries$/,
    );
    gh.faults.drop('*');
    const dropped = await failure(deploy());
    expect(toGitHubApiError(dropped).kind).toBe('network');
    expect(explainGitHubError(dropped, { action: 'create the deployment' })).toMatch(
      /^could not reach 127\.0\.0\.1:\d+: .+ \(to create the deployment: POST http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/octo\/app\/deployments\)$/,
    );
    const notFound = await failure(
      client().request('GET /repos/{owner}/{repo}/deployments/{deployment_id}', {
        owner: 'octo',
        repo: 'app',
        deployment_id: 99,
      }),
    );
    expect(explainGitHubError(notFound)).toMatch(
      /not found \(404\): it does not exist, or the token cannot see it/,
    );
    expect(explainGitHubError(new Error('boom'), { action: 'do it' })).toBe('GitHub refused to do it: boom');
  });

  it('says a name that does not resolve or a closed port could not be reached, never that GitHub refused', async () => {
    const unreachableClient = (apiUrl: string) =>
      createGitHubClient({ token: 't', apiUrl, env: {}, log: quiet, retries: 0, rateLimitRetries: 0 });
    const dns = await failure(
      unreachableClient('https://api.no-such-host.invalid').request('GET /repos/{owner}/{repo}', {
        owner: 'octo',
        repo: 'app',
      }),
    );
    const context = { action: 'read the repository' };
    expect(toGitHubApiError(dns, context).kind).toBe('network');
    const dnsMessage = explainGitHubError(dns, context);
    expect(dnsMessage).toMatch(
      /^could not reach api\.no-such-host\.invalid: getaddrinfo (ENOTFOUND|EAI_AGAIN) api\.no-such-host\.invalid \(to read the repository: GET https:\/\/api\.no-such-host\.invalid\/repos\/octo\/app\)$/,
    );
    expect(dnsMessage).not.toMatch(/refused/);

    // A port that was just free: nothing listens there.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await new Promise((done) => server.close(done));
    const closed = await failure(
      unreachableClient(`http://127.0.0.1:${port}`).graphql('{ viewer { login } }'),
    );
    const closedError = toGitHubApiError(closed, context);
    expect(closedError.kind).toBe('network');
    expect(closedError.message).toBe(
      `could not reach 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (to read the repository: POST http://127.0.0.1:${port}/graphql)`,
    );
    // Explaining the explained error again keeps it as it is.
    expect(explainGitHubError(closedError)).toBe(closedError.message);
  });

  it('sent only what GitHub describes', () => {
    const sent = gh.requests.filter((r) => r.kind === 'rest' || r.graphql?.query.includes('colour') !== true);
    assertConformance(sent);
  });
});
