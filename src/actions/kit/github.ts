// The GitHub client as the actions use it: the shared Octokit (src/github/client.ts), logging through the
// job log, and behind a proxy @actions/github's fetch, which honours HTTPS_PROXY and no_proxy. Both load
// only when an action talks to GitHub.
import type { GitHubClient } from '../../github/client.js';
import * as core from './core.js';

type Fetch = typeof globalThis.fetch;

function proxyFetch(env: NodeJS.ProcessEnv): Fetch | undefined {
  const proxy = env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY;
  if (!proxy) return undefined;
  let loaded: Promise<Fetch> | undefined;
  return async (input, init) => {
    loaded ??= import('@actions/github/lib/utils').then(
      (utils) => (utils.defaults.request?.fetch as Fetch | undefined) ?? globalThis.fetch,
    );
    return (await loaded)(input, init);
  };
}

export async function githubClient(
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GitHubClient> {
  const { createGitHubClient } = await import('../../github/client.js');
  const fetch = proxyFetch(env);
  return createGitHubClient({
    token,
    env,
    ...(fetch ? { fetch } : {}),
    log: { debug: core.debug, warning: core.warning },
  });
}
