// The GraphQL documents of the gates, the shapes of their answers, and how they are sent. Every field here is
// in GitHub's published schema (@octokit/graphql-schema); a test validates each document against it and the
// fake GitHub validates every document it receives.
//
// Documents are sent as a plain POST through the shared client (`client.request`), not `client.graphql`, so
// the answer's rate-limit headers (`x-ratelimit-remaining`, `x-ratelimit-reset`) can be read: the checks
// gate polls, and paces itself on them.
import type { GitHubClient } from '../github/client.js';
import { type GitHubApiError, toGitHubApiError } from '../github/errors.js';

/**
 * One poll of the checks gate: the commit's rollup of check runs and commit statuses (100 a page; later pages
 * only when a commit has more), each with `isRequired` for the pull request on PR events, and, on the first
 * page, the required status checks of the protected branch (`refUpdateRule`, the branch protection a
 * non-admin token may read: `branchProtectionRule` answers null without admin rights) — the pushed branch,
 * the pull request's base branch, or the default branch for a tag.
 */
export const CHECKS_QUERY = /* GraphQL */ `
  query DeployKitChecks(
    $owner: String!
    $name: String!
    $oid: GitObjectID!
    $first: Int!
    $after: String
    $pullNumber: Int
    $withPull: Boolean!
    $branch: String!
    $withBranch: Boolean!
    $withDefaultBranch: Boolean!
  ) {
    repository(owner: $owner, name: $name) {
      object(oid: $oid) {
        __typename
        ... on Commit {
          statusCheckRollup {
            contexts(first: $first, after: $after) {
              totalCount
              pageInfo {
                hasNextPage
                endCursor
              }
              nodes {
                __typename
                ... on CheckRun {
                  name
                  status
                  conclusion
                  detailsUrl
                  url
                  isRequired(pullRequestNumber: $pullNumber) @include(if: $withPull)
                  checkSuite {
                    workflowRun {
                      databaseId
                      workflow {
                        name
                      }
                    }
                  }
                }
                ... on StatusContext {
                  context
                  state
                  targetUrl
                  isRequired(pullRequestNumber: $pullNumber) @include(if: $withPull)
                }
              }
            }
          }
        }
      }
      protectedBranch: ref(qualifiedName: $branch) @include(if: $withBranch) {
        ...DeployKitProtection
      }
      defaultBranchRef @include(if: $withDefaultBranch) {
        ...DeployKitProtection
      }
    }
  }
  fragment DeployKitProtection on Ref {
    name
    refUpdateRule {
      pattern
      requiredStatusCheckContexts
    }
  }
`;

/** GraphQL's CheckStatusState, CheckConclusionState and StatusState (upper case). */
export type GraphqlCheckStatus = 'REQUESTED' | 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED' | 'WAITING' | 'PENDING';
export type GraphqlCheckConclusion =
  | 'ACTION_REQUIRED'
  | 'TIMED_OUT'
  | 'CANCELLED'
  | 'FAILURE'
  | 'SUCCESS'
  | 'NEUTRAL'
  | 'SKIPPED'
  | 'STARTUP_FAILURE'
  | 'STALE';
export type GraphqlStatusState = 'EXPECTED' | 'ERROR' | 'FAILURE' | 'PENDING' | 'SUCCESS';

export interface GraphqlCheckRun {
  __typename: 'CheckRun';
  name: string;
  status: GraphqlCheckStatus;
  conclusion: GraphqlCheckConclusion | null;
  detailsUrl: string | null;
  url: string;
  isRequired?: boolean;
  checkSuite: {
    workflowRun: { databaseId: number | null; workflow: { name: string } } | null;
  } | null;
}

export interface GraphqlStatusContext {
  __typename: 'StatusContext';
  context: string;
  state: GraphqlStatusState;
  targetUrl: string | null;
  isRequired?: boolean;
}

export interface ChecksAnswer {
  repository: {
    object: {
      __typename: string;
      statusCheckRollup?: {
        contexts: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: (GraphqlCheckRun | GraphqlStatusContext | null)[] | null;
        };
      } | null;
    } | null;
    protectedBranch?: GraphqlProtectedRef | null;
    defaultBranchRef?: GraphqlProtectedRef | null;
  } | null;
}

export interface GraphqlProtectedRef {
  name: string;
  refUpdateRule: { pattern: string; requiredStatusCheckContexts: (string | null)[] | null } | null;
}

/** The fields of a pull request the reviews gate judges: every review, newest last (`last: 100`). */
const REVIEWED_PULL_FIELDS = /* GraphQL */ `
  fragment DeployKitReviewedPull on PullRequest {
    number
    url
    state
    headRefOid
    baseRefName
    reviews(last: 100) {
      pageInfo {
        hasPreviousPage
        startCursor
      }
      nodes {
        ...DeployKitReview
      }
    }
  }
  fragment DeployKitReview on PullRequestReview {
    state
    submittedAt
    url
    author {
      login
    }
  }
`;

/**
 * The reviews gate in one request: the pull request by number (PR events), or the pull requests associated
 * with the commit (pushes: the merged PR that introduced it, or open PRs whose head it is).
 */
export const REVIEWS_QUERY = /* GraphQL */ `
  query DeployKitReviews(
    $owner: String!
    $name: String!
    $number: Int!
    $withNumber: Boolean!
    $oid: GitObjectID!
    $withCommit: Boolean!
  ) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) @include(if: $withNumber) {
        ...DeployKitReviewedPull
      }
      object(oid: $oid) @include(if: $withCommit) {
        __typename
        ... on Commit {
          associatedPullRequests(first: 10) {
            nodes {
              ...DeployKitReviewedPull
            }
          }
        }
      }
    }
  }
  ${REVIEWED_PULL_FIELDS}
`;

/** Older reviews of a pull request with more than 100 (rare): 100 more a request, going back. */
export const OLDER_REVIEWS_QUERY = /* GraphQL */ `
  query DeployKitOlderReviews($owner: String!, $name: String!, $number: Int!, $before: String!) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        reviews(last: 100, before: $before) {
          pageInfo {
            hasPreviousPage
            startCursor
          }
          nodes {
            ...DeployKitReview
          }
        }
      }
    }
  }
  fragment DeployKitReview on PullRequestReview {
    state
    submittedAt
    url
    author {
      login
    }
  }
`;

export type GraphqlReviewState = 'PENDING' | 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED';

export interface GraphqlReview {
  state: GraphqlReviewState;
  submittedAt: string | null;
  url: string;
  author: { login: string } | null;
}

export interface GraphqlReviewConnection {
  pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
  nodes: (GraphqlReview | null)[] | null;
}

export interface GraphqlReviewedPull {
  number: number;
  url: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  headRefOid: string;
  baseRefName: string;
  reviews: GraphqlReviewConnection | null;
}

export interface ReviewsAnswer {
  repository: {
    pullRequest?: GraphqlReviewedPull | null;
    object?: {
      __typename: string;
      associatedPullRequests?: { nodes: (GraphqlReviewedPull | null)[] | null } | null;
    } | null;
  } | null;
}

export interface OlderReviewsAnswer {
  repository: { pullRequest: { reviews: GraphqlReviewConnection | null } | null } | null;
}

/** Every document the gates send, for the schema test. */
export const GATE_QUERIES = { CHECKS_QUERY, REVIEWS_QUERY, OLDER_REVIEWS_QUERY } as const;

// ---- sending ----

export type Headers = Record<string, string | undefined>;

export interface QueryAnswer<T> {
  data: T;
  headers: Headers;
  /** GraphQL errors that were tolerated (see `tolerate`), as sentences. */
  partialErrors: string[];
}

interface GraphqlErrorShape {
  type?: string;
  message?: string;
  path?: (string | number)[];
}

export interface QueryOptions {
  /** Completes "GitHub refused to …" in errors: `read the checks of abc1234`. */
  action: string;
  /** The `permissions:` entry the query needs, named in a FORBIDDEN error. */
  permission?: string;
  /** Errors on some fields that still leave a usable answer (a field the token may not read). */
  tolerate?: (error: { type?: string; path?: (string | number)[] }) => boolean;
  /** Answers "Something went wrong while executing your query" (GitHub's GraphQL timeout) retried this often (default 2). */
  timeoutRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

const GRAPHQL_TIMEOUT = /something went wrong while executing your query/i;

/**
 * Sends a GraphQL document and returns its data with the answer's headers. GraphQL errors (answered with
 * 200) become a GitHubApiError explaining them (`kind` rate-limit for RATE_LIMITED, with the headers kept on
 * the cause so the caller can wait for the reset); transport errors have already been retried by the client.
 */
export async function sendQuery<T>(
  client: GitHubClient,
  query: string,
  variables: Record<string, unknown>,
  options: QueryOptions,
): Promise<QueryAnswer<T>> {
  const retries = options.timeoutRetries ?? 2;
  const context = {
    action: options.action,
    ...(options.permission ? { permission: options.permission } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  for (let attempt = 0; ; attempt += 1) {
    let response: { data: unknown; headers: Headers };
    try {
      response = (await client.request({
        method: 'POST',
        url: client.graphqlUrl,
        query,
        variables,
      })) as unknown as { data: unknown; headers: Headers };
    } catch (error) {
      // On github.com the throttling plugin turns a RATE_LIMITED answer into a plain Error carrying the
      // response; give it the shape of GraphQL errors so it is explained (and waited on) as a rate limit.
      const thrown = error as {
        status?: number;
        response?: { headers?: Headers; data?: { errors?: unknown } };
      };
      const graphqlErrors = thrown?.response?.data?.errors;
      if (thrown?.status === undefined && Array.isArray(graphqlErrors)) {
        const headers = thrown.response?.headers ?? {};
        throw toGitHubApiError({ errors: graphqlErrors, response: { headers }, headers }, context);
      }
      throw toGitHubApiError(error, context);
    }
    const body = (response.data ?? {}) as { data?: T | null; errors?: GraphqlErrorShape[] };
    const errors = Array.isArray(body.errors) ? body.errors : [];
    const headers = response.headers ?? {};
    if (errors.length === 0 && body.data) return { data: body.data, headers, partialErrors: [] };
    if (
      body.data &&
      errors.length > 0 &&
      options.tolerate &&
      errors.every((e) =>
        options.tolerate?.({ ...(e.type ? { type: e.type } : {}), ...(e.path ? { path: e.path } : {}) }),
      )
    ) {
      return {
        data: body.data,
        headers,
        partialErrors: errors.map((e) => `${e.type ? `${e.type}: ` : ''}${e.message ?? ''}`),
      };
    }
    if (
      attempt < retries &&
      errors.length > 0 &&
      errors.every((e) => !e.type && GRAPHQL_TIMEOUT.test(e.message ?? ''))
    ) {
      await (options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(
        1000 * (attempt + 1),
      );
      continue;
    }
    const shaped = {
      message: errors.map((e) => e.message).join('; ') || 'GitHub answered no data',
      errors: errors.length > 0 ? errors : [{ message: 'GitHub answered no data' }],
      response: { headers },
      headers,
    };
    throw toGitHubApiError(shaped, context);
  }
}

/**
 * When a rate-limited request may be tried again, as epoch ms: GitHub's `retry-after` (secondary limits),
 * else `x-ratelimit-reset` (+1 s, so the retry lands after it). Undefined when the error says neither.
 */
export function rateLimitResumeAt(error: GitHubApiError, now: Date): number | undefined {
  if (error.kind !== 'rate-limit') return undefined;
  const cause = error.cause as { response?: { headers?: Headers }; headers?: Headers } | undefined;
  const headers = cause?.response?.headers ?? cause?.headers ?? {};
  const after = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(after) && after >= 0) {
    return now.getTime() + after * 1000;
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(reset * 1000 + 1000, now.getTime());
  return undefined;
}
