// The one Octokit every action uses: @octokit/core with retries of 5xx and dropped connections
// (@octokit/plugin-retry) and bounded waits on primary and secondary rate limits
// (@octokit/plugin-throttling), GHES base URLs, and a count of the calls sent. Pure of @actions/*: a
// proxy-aware transport, when one is needed, is the caller's to pass as `fetch`.
//
// REST calls go through `request('POST /repos/{owner}/{repo}/deployments', {...})`: the endpoint
// methods plugin is not loaded, so bundles stay small. Callers `await import('../github/client.js')`
// only on the paths that talk to GitHub.
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export interface GitHubLog {
  debug(message: string): void;
  warning(message: string): void;
}

export interface GitHubClientOptions {
  token: string;
  /** REST base URL. Default: `GITHUB_API_URL`, else `https://api.github.com` (GHES: `https://ghe.example/api/v3`). */
  apiUrl?: string;
  /** GraphQL endpoint. Default: `GITHUB_GRAPHQL_URL`, else derived from the REST base (`/api/v3` → `/api/graphql`). */
  graphqlUrl?: string;
  /** Retries of a request that failed with 5xx, a dropped connection or malformed JSON (default 3). */
  retries?: number;
  /** Backoff base of those retries in ms: waits base×1, ×4, ×9, … (default 1000). */
  retryBaseMs?: number;
  /** Retries of a rate-limited request, each after GitHub's `retry-after` or reset (default 2). */
  rateLimitRetries?: number;
  /** The longest rate-limit wait honoured, in seconds; a longer one fails at once (default 60). */
  maxRateLimitWaitSeconds?: number;
  /** Longest wait for one attempt's answer (headers and a JSON body), in ms; then it counts as a dropped
   * connection and is retried (default 30000: GitHub itself ends REST requests after 10 s). */
  timeoutMs?: number;
  /** Spacing between mutative requests in ms (GitHub suggests 1000 for bulk writes; default 0). */
  minWriteIntervalMs?: number;
  /** How long after sending a write that got no answer GitHub may still apply it, in ms (default 10000:
   * GitHub ends a REST request it has not answered after 10 s). Callers order their writes by it. */
  lateWriteWindowMs?: number;
  log?: GitHubLog;
  userAgent?: string;
  /** The transport (default: the global fetch); the actions pass a proxy-aware one when a proxy is set. */
  fetch?: typeof globalThis.fetch;
  /** Environment to read `GITHUB_API_URL` and `GITHUB_GRAPHQL_URL` from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Requests sent: `rest` and `graphql` count every attempt; `retries` how many of those were retries. */
export interface CallCount {
  rest: number;
  graphql: number;
  retries: number;
}

/** One attempt of a write that got no answer (timed out, connection dropped): GitHub may still apply it. */
export interface UnansweredWrite {
  method: string;
  /** The URL path, e.g. `/repos/octo/app/deployments/12/statuses` (with a GHES prefix when there is one). */
  path: string;
  sentAt: number;
  /** Until when GitHub may still apply it (epoch ms). */
  lateUntil: number;
}

/** The budgets the client retries with, for a caller that retries a non-idempotent write itself. */
export interface ClientBudgets {
  retries: number;
  retryBaseMs: number;
  lateWriteWindowMs: number;
  /** How long one attempt waits for an answer. */
  timeoutMs: number;
}

const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

export interface GitHubClient {
  readonly octokit: GitHubOctokit;
  readonly request: GitHubOctokit['request'];
  readonly graphql: GitHubOctokit['graphql'];
  readonly apiUrl: string;
  readonly graphqlUrl: string;
  readonly budgets: ClientBudgets;
  callCount(): CallCount;
  /** Every write attempt so far that got no answer, oldest first. */
  unansweredWrites(): UnansweredWrite[];
}

type Fetch = typeof globalThis.fetch;

/** Statuses never retried by plugin-retry: client errors (409 included: a conflict does not heal by itself)
 * and 429, which the throttling plugin handles with GitHub's `retry-after`. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];

export function resolveUrls(
  options: Pick<GitHubClientOptions, 'apiUrl' | 'graphqlUrl'>,
  env: Record<string, string | undefined>,
): { apiUrl: string; graphqlUrl: string } {
  const apiUrl = (options.apiUrl || env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const derived = /\/api\/v3$/.test(apiUrl)
    ? apiUrl.replace(/\/api\/v3$/, '/api/graphql')
    : `${apiUrl}/graphql`;
  const graphqlUrl = (options.graphqlUrl || env.GITHUB_GRAPHQL_URL || derived).replace(/\/+$/, '');
  return { apiUrl, graphqlUrl };
}

/** A stand-in for a Bottleneck group: runs jobs at most once per `minMs` (or at once when 0). */
function spacing(minMs: number) {
  let chain: Promise<void> = Promise.resolve();
  let next = 0;
  const limiter = {
    schedule(...input: unknown[]): Promise<unknown> {
      const withOptions = typeof input[0] !== 'function';
      const fn = (withOptions ? input[1] : input[0]) as (...args: unknown[]) => unknown;
      const args = input.slice(withOptions ? 2 : 1);
      if (minMs <= 0) return Promise.resolve().then(() => fn(...args));
      const turn = chain.then(async () => {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next = Date.now() + minMs;
      });
      chain = turn;
      return turn.then(() => fn(...args));
    },
  };
  return { key: () => limiter };
}

/** A JSON answer that does not parse (a truncated body) is answered as a 502, so it is retried. */
async function guardJson(response: Response): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (!/json/i.test(type) || response.status === 204) return response;
  const text = await response.text();
  let status = response.status;
  let statusText = response.statusText;
  let body = text;
  const headers = new Headers(response.headers);
  if (text !== '') {
    try {
      JSON.parse(text);
    } catch {
      status = 502;
      statusText = 'Bad Gateway';
      body = JSON.stringify({
        message: `GitHub answered ${response.status} with malformed JSON: ${text.slice(0, 80)}`,
      });
      headers.delete('content-length');
    }
  }
  const rebuilt = new Response(body, { status, statusText, headers });
  // A constructed Response has an empty `url`; Octokit reports the original one in errors.
  Object.defineProperty(rebuilt, 'url', { value: response.url });
  return rebuilt;
}

/** A fetch that gives up after `ms`: the error is a plain one (not an AbortError), so Octokit turns it into a
 * status-500 RequestError that plugin-retry retries like any dropped connection. */
async function timedFetch(
  fetch: Fetch,
  input: Parameters<Fetch>[0],
  init: Parameters<Fetch>[1],
  ms: number,
): Promise<Response> {
  const controller = new AbortController();
  const outer = init?.signal;
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, ms);
  try {
    return await guardJson(await fetch(input, { ...init, signal: controller.signal }));
  } catch (error) {
    if (timedOut) throw new Error(`no answer within ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`);
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const env = options.env ?? process.env;
  const { apiUrl, graphqlUrl } = resolveUrls(options, env);
  const log: GitHubLog = options.log ?? { debug: () => {}, warning: (message) => console.warn(message) };
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const counts: CallCount = { rest: 0, graphql: 0, retries: 0 };
  const budgets: ClientBudgets = {
    retries: options.retries ?? 3,
    retryBaseMs: options.retryBaseMs ?? 1000,
    lateWriteWindowMs: options.lateWriteWindowMs ?? 10_000,
    timeoutMs,
  };
  const unanswered: UnansweredWrite[] = [];
  const baseFetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const graphqlPath = new URL(graphqlUrl).pathname;

  const onLimit =
    (kind: 'primary' | 'secondary') =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      const what = `${request.method} ${request.url}`;
      if (retryCount < rateLimitRetries && retryAfter <= maxWait) {
        log.warning(
          `GitHub ${kind} rate limit reached on ${what}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${rateLimitRetries})`,
        );
        return true;
      }
      const why =
        retryAfter > maxWait
          ? `it asks to wait ${retryAfter}s, more than ${maxWait}s`
          : `${rateLimitRetries} retries spent`;
      log.warning(`GitHub ${kind} rate limit reached on ${what}; not retrying: ${why}`);
      return false;
    };

  const writes = spacing(options.minWriteIntervalMs ?? 0);
  const octokit = new GitHubOctokit({
    auth: options.token,
    baseUrl: apiUrl,
    userAgent: options.userAgent ?? 'deploy-kit',
    log: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.debug(message),
      warn: (message: string) => log.warning(message),
      error: (message: string) => log.warning(message),
    },
    request: { fetch: baseFetch },
    retry: {
      retries: budgets.retries,
      retryAfterBaseValue: budgets.retryBaseMs,
      doNotRetry: DO_NOT_RETRY,
    },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      // Bottleneck groups in the plugin's types; any object with key(id).schedule(...) works.
      write: writes as never,
      notifications: writes as never,
    },
  });

  // Outermost hook: every attempt of one call (plugin retries reuse its options) goes through this fetch.
  octokit.hook.wrap('request', (request, requestOptions) => {
    let attempts = 0;
    const inner = (requestOptions.request?.fetch as Fetch | undefined) ?? baseFetch;
    const counted: Fetch = async (input, init) => {
      attempts += 1;
      if (attempts > 1) counts.retries += 1;
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const path = new URL(url).pathname;
      if (path === graphqlPath) counts.graphql += 1;
      else counts.rest += 1;
      const method = (init?.method ?? 'GET').toUpperCase();
      const sentAt = Date.now();
      try {
        return await timedFetch(inner, input, init, timeoutMs);
      } catch (error) {
        // No answer is no proof it was not applied: the caller may have to wait for it, or look for it.
        if (path !== graphqlPath && method !== 'GET' && method !== 'HEAD') {
          unanswered.push({ method, path, sentAt, lateUntil: sentAt + budgets.lateWriteWindowMs });
        }
        throw error;
      }
    };
    // before-after-hook binds every hook to the same options object: change it in place.
    requestOptions.request = { ...requestOptions.request, fetch: counted };
    return request(requestOptions);
  });

  const graphql = octokit.graphql.defaults({ url: graphqlUrl });
  return {
    octokit,
    request: octokit.request,
    graphql,
    apiUrl,
    graphqlUrl,
    budgets: { ...budgets },
    callCount: () => ({ ...counts }),
    unansweredWrites: () => unanswered.map((write) => ({ ...write })),
  };
}
