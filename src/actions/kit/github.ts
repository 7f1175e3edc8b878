// The GitHub client as the actions use it: the shared Octokit (src/github/client.ts), logging through the
// job log, and behind a proxy @actions/github's fetch, which honours HTTPS_PROXY and no_proxy. Both load
// only when an action talks to GitHub.
import { parseDuration } from '../../common/durations.js';
import { parsePositiveInt } from '../../common/numbers.js';
import type { GitHubClient, GitHubClientOptions } from '../../github/client.js';
import { requireRepository } from './context.js';
import * as core from './core.js';

/**
 * The client's budgets, from the environment when set (the defaults are the client's own: 3 retries from
 * 1 s apart, 2 rate-limit retries of at most 60 s each, 30 s per attempt). For slow networks or GHES
 * appliances, and for tests that must fail fast:
 *   DEPLOY_KIT_GITHUB_RETRIES                retries of a 5xx, dropped or timed-out request (0–10)
 *   DEPLOY_KIT_GITHUB_RETRY_BASE             backoff base, a duration: waits base×1, ×4, ×9…
 *   DEPLOY_KIT_GITHUB_RATE_LIMIT_RETRIES     retries of a rate-limited request (0–10)
 *   DEPLOY_KIT_GITHUB_MAX_RATE_LIMIT_WAIT    the longest `retry-after` honoured, a duration
 *   DEPLOY_KIT_GITHUB_TIMEOUT                the longest wait for one answer, a duration
 *   DEPLOY_KIT_GITHUB_LATE_WRITE_WINDOW      how long GitHub may still apply a write it never answered
 */
export function clientBudgets(
  env: NodeJS.ProcessEnv,
): Pick<
  GitHubClientOptions,
  | 'retries'
  | 'retryBaseMs'
  | 'rateLimitRetries'
  | 'maxRateLimitWaitSeconds'
  | 'timeoutMs'
  | 'lateWriteWindowMs'
> {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const count = (name: string) => {
    const value = read(name);
    return value === undefined ? undefined : parsePositiveInt(name, value, { min: 0, max: 10 });
  };
  const duration = (name: string, min: number) => {
    const value = read(name);
    return value === undefined ? undefined : parseDuration(name, value, { min, max: 3_600_000 });
  };
  const maxWait = duration('DEPLOY_KIT_GITHUB_MAX_RATE_LIMIT_WAIT', 0);
  const budgets = {
    retries: count('DEPLOY_KIT_GITHUB_RETRIES'),
    retryBaseMs: duration('DEPLOY_KIT_GITHUB_RETRY_BASE', 0),
    rateLimitRetries: count('DEPLOY_KIT_GITHUB_RATE_LIMIT_RETRIES'),
    maxRateLimitWaitSeconds: maxWait === undefined ? undefined : maxWait / 1000,
    timeoutMs: duration('DEPLOY_KIT_GITHUB_TIMEOUT', 100),
    lateWriteWindowMs: duration('DEPLOY_KIT_GITHUB_LATE_WRITE_WINDOW', 0),
  };
  return Object.fromEntries(Object.entries(budgets).filter(([, value]) => value !== undefined));
}

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

/** The client, for the run's repository: with none named (a command-line run outside a GitHub checkout) it
 * refuses before any call rather than guess one. */
export async function githubClient(
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GitHubClient> {
  requireRepository(env);
  const budgets = clientBudgets(env);
  const { createGitHubClient } = await import('../../github/client.js');
  const fetch = proxyFetch(env);
  return createGitHubClient({
    token,
    env,
    ...budgets,
    ...(fetch ? { fetch } : {}),
    log: { debug: core.debug, warning: core.warning },
  });
}
