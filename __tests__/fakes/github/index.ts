// A fake GitHub on loopback for tests: GHES-style REST at `${origin}/api/v3` and GraphQL at
// `${origin}/api/graphql` (also answered at `/repos/...` and `/graphql` from the root), over one
// in-memory store, with injectable faults and a record of every request for conformance checks.
//
//   const gh = await startFakeGitHub();
//   gh.store.addRepo({ owner: 'octo', name: 'app' });
//   ... run an action with gh.env() and token gh.token ...
//   assertConformance(gh.requests);
//   await gh.close();

import type { Faults } from './faults.js';
import { handleGraphql } from './graphql/execute.js';
import {
  DEFAULT_TOKEN,
  type FakeGitHubOptions,
  FakeGitHubServer,
  type RecordedRequest,
  type TokenConfig,
} from './server.js';
import type { Store } from './store.js';

export interface FakeGitHub {
  /** REST base URL, GHES layout: `http://127.0.0.1:PORT/api/v3`. */
  readonly url: string;
  /** GraphQL endpoint: `http://127.0.0.1:PORT/api/graphql`. */
  readonly graphqlUrl: string;
  /** Server (web) root: `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** The first configured token (default `ghs_fake_token`). */
  readonly token: string;
  readonly store: Store;
  readonly faults: Faults;
  /** Every request, in arrival order, with its answer. */
  readonly requests: RecordedRequest[];
  /** `GITHUB_API_URL`, `GITHUB_GRAPHQL_URL` and `GITHUB_SERVER_URL` pointing at the fake. */
  env(): Record<string, string>;
  /** Accepts another token (e.g. one lacking `deployments: write`). */
  addToken(token: string, config?: TokenConfig): void;
  setRateLimit: FakeGitHubServer['setRateLimit'];
  /** Requests recorded so far for a route (`'POST /repos/{owner}/{repo}/deployments'`) or `'graphql'`. */
  requestsFor(route: string): RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const server = new FakeGitHubServer(options, handleGraphql);
  await server.listen();
  const token = [...server.tokens.keys()][0] ?? DEFAULT_TOKEN;
  return {
    url: server.url,
    graphqlUrl: server.graphqlUrl,
    origin: server.origin,
    token,
    store: server.store,
    faults: server.faults,
    requests: server.requests,
    env: () => ({
      GITHUB_API_URL: server.url,
      GITHUB_GRAPHQL_URL: server.graphqlUrl,
      GITHUB_SERVER_URL: server.origin,
    }),
    addToken: (name, config = {}) => {
      server.tokens.set(name, config);
    },
    setRateLimit: (opts) => server.setRateLimit(opts),
    requestsFor: (route) =>
      server.requests.filter((r) => (route === 'graphql' ? r.kind === 'graphql' : r.route === route)),
    close: () => server.close(),
  };
}

export { assertConformance, checkConformance } from './conformance.js';
export type { FakeGitHubOptions, RecordedRequest, TokenConfig } from './server.js';
export type { Store } from './store.js';
