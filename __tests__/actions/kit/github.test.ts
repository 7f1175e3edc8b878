// The actions' GitHub client: the shared Octokit, and @actions/github's proxy-aware fetch behind a proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubClient } from '../../../src/actions/kit/github.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../../fakes/github/index.js';

describe('githubClient', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
  });
  afterAll(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  const createDeployment = (client: Awaited<ReturnType<typeof githubClient>>) =>
    client.request('POST /repos/{owner}/{repo}/deployments', {
      owner: 'octo',
      repo: 'app',
      ref: 'main',
      environment: 'staging',
      required_contexts: [],
      auto_merge: false,
    });

  it('talks to the API given by GITHUB_API_URL and counts its calls', async () => {
    const client = await githubClient(gh.token, {
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_API_URL: gh.url,
      GITHUB_GRAPHQL_URL: gh.graphqlUrl,
    });
    expect((await createDeployment(client)).status).toBe(201);
    expect(client.callCount()).toEqual({ rest: 1, graphql: 0, retries: 0 });
  });

  it('refuses, before any call, when no repository is named (never a guessed one)', async () => {
    const before = gh.requests.length;
    for (const repository of [undefined, '', 'octo', 'octo/app/extra']) {
      const env = {
        GITHUB_API_URL: gh.url,
        ...(repository === undefined ? {} : { GITHUB_REPOSITORY: repository }),
      };
      await expect(githubClient(gh.token, env)).rejects.toThrow(
        /^no GitHub repository is named.*, so deploy-kit will not call GitHub: name it with --repository owner\/name \(or GITHUB_REPOSITORY=owner\/name\), or run in a checkout whose git remote origin is on GitHub$/,
      );
    }
    expect(gh.requests.length).toBe(before);
  });

  it("uses @actions/github's proxy-aware fetch when a proxy is set (loopback bypasses the proxy)", async () => {
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, GITHUB_API_URL: process.env.GITHUB_API_URL };
    // @actions/github reads the proxy settings from process.env when first imported.
    process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
    process.env.GITHUB_API_URL = gh.url;
    try {
      const client = await githubClient(gh.token, {
        GITHUB_REPOSITORY: 'octo/app',
        HTTPS_PROXY: 'http://127.0.0.1:9',
        GITHUB_API_URL: gh.url,
      });
      expect((await createDeployment(client)).status).toBe(201);
      expect(client.callCount()).toEqual({ rest: 1, graphql: 0, retries: 0 });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
