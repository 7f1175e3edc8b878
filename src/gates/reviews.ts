// The `reviews` gate: the pull request has at least `minApprovals` approvals and no outstanding change
// request. Each reviewer counts once, by their latest review that states an opinion: APPROVED counts,
// CHANGES_REQUESTED blocks (when `noChangesRequested`), DISMISSED counts for nothing; comments and pending
// reviews do not change an earlier opinion (as on GitHub).
//
// One GraphQL request: the pull request by number on PR events; on other events (a push to main after a
// merge), the pull requests associated with the commit — an open one whose head it is, else the merged one
// that brought it in. A push with no pull request cannot show reviews: the gate passes with that said when
// `minApprovals` is 0, and fails otherwise (approvals were asked for and none can exist).
import type { GitHubClient } from '../github/client.js';
import { toGitHubApiError } from '../github/errors.js';
import {
  type GraphqlReview,
  type GraphqlReviewConnection,
  type GraphqlReviewedPull,
  OLDER_REVIEWS_QUERY,
  type OlderReviewsAnswer,
  REVIEWS_QUERY,
  type ReviewsAnswer,
  sendQuery,
} from './github-queries.js';
import type { Gate, GateContext, GateItem, GateOutcome, GateTarget, ReviewsGateConfig } from './types.js';

export interface ReviewerOpinion {
  login: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED';
  submittedAt: string | null;
  url: string;
}

/** The latest opinion of each reviewer (reviews given oldest first, as GitHub lists them). */
export function latestOpinions(reviews: readonly GraphqlReview[]): ReviewerOpinion[] {
  const latest = new Map<string, ReviewerOpinion & { order: number }>();
  reviews.forEach((review, order) => {
    if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED' && review.state !== 'DISMISSED') {
      return;
    }
    const login = review.author?.login ?? 'ghost';
    const seen = latest.get(login);
    const newer =
      !seen ||
      (review.submittedAt && seen.submittedAt
        ? review.submittedAt > seen.submittedAt ||
          (review.submittedAt === seen.submittedAt && order > seen.order)
        : order > seen.order);
    if (newer)
      latest.set(login, {
        login,
        state: review.state,
        submittedAt: review.submittedAt,
        url: review.url,
        order,
      });
  });
  return [...latest.values()]
    .sort((a, b) => a.order - b.order)
    .map(({ order: _order, ...opinion }) => opinion);
}

/** Which associated pull request stands for the commit: open with it as head, else merged, else open. */
export function pickPull(
  pulls: readonly GraphqlReviewedPull[],
  sha: string,
): GraphqlReviewedPull | undefined {
  const byNewest = [...pulls].sort((a, b) => b.number - a.number);
  return (
    byNewest.find((p) => p.state === 'OPEN' && p.headRefOid === sha) ??
    byNewest.find((p) => p.state === 'MERGED') ??
    byNewest.find((p) => p.state === 'OPEN')
  );
}

export function judgeReviews(
  config: ReviewsGateConfig,
  pull: { number: number; url: string },
  opinions: readonly ReviewerOpinion[],
): GateOutcome {
  const approvals = opinions.filter((o) => o.state === 'APPROVED');
  const changes = opinions.filter((o) => o.state === 'CHANGES_REQUESTED');
  const items: GateItem[] = opinions.map((o) => ({
    name: o.login,
    verdict:
      o.state === 'APPROVED'
        ? 'pass'
        : o.state === 'DISMISSED'
          ? 'skipped'
          : config.noChangesRequested
            ? 'fail'
            : 'skipped',
    detail:
      o.state === 'APPROVED'
        ? 'approved'
        : o.state === 'DISMISSED'
          ? 'review dismissed'
          : 'requested changes',
    url: o.url,
  }));
  const who = (list: readonly ReviewerOpinion[]) => list.map((o) => o.login).join(', ');
  const count = `${approvals.length} approval${approvals.length === 1 ? '' : 's'}`;
  const approved = `${count}${approvals.length > 0 ? ` (${who(approvals)})` : ''}`;
  const problems: string[] = [];
  if (approvals.length < config.minApprovals) {
    problems.push(
      `${approvals.length} of ${config.minApprovals} required approvals on #${pull.number}${approvals.length > 0 ? ` (${who(approvals)})` : ''}`,
    );
  }
  if (config.noChangesRequested && changes.length > 0) problems.push(`changes requested by ${who(changes)}`);
  if (problems.length > 0) {
    if (approvals.length < config.minApprovals) {
      items.push({
        name: `#${pull.number}`,
        verdict: 'fail',
        detail: `needs ${config.minApprovals - approvals.length} more approval(s)`,
        url: pull.url,
      });
    }
    return { verdict: 'fail', detail: problems.join('; '), items };
  }
  const needed = config.minApprovals > 0 ? `, at least ${config.minApprovals} needed` : '';
  return { verdict: 'pass', detail: `${approved} on #${pull.number}${needed}`, items };
}

async function olderReviews(
  client: GitHubClient,
  target: GateTarget,
  number: number,
  before: string,
  action: string,
): Promise<GraphqlReviewConnection | null> {
  const answer = await sendQuery<OlderReviewsAnswer>(
    client,
    OLDER_REVIEWS_QUERY,
    { owner: target.owner, name: target.repo, number, before },
    { action, permission: 'pull-requests: read' },
  );
  return answer.data.repository?.pullRequest?.reviews ?? null;
}

/** Every review of the pull request, oldest first (one request; more only past 100 reviews). */
async function allReviews(
  client: GitHubClient,
  target: GateTarget,
  pull: GraphqlReviewedPull,
  action: string,
): Promise<GraphqlReview[]> {
  const pages: GraphqlReview[][] = [];
  let connection = pull.reviews;
  for (;;) {
    pages.unshift((connection?.nodes ?? []).filter((r): r is GraphqlReview => r !== null));
    const before = connection?.pageInfo.hasPreviousPage ? connection.pageInfo.startCursor : null;
    if (!before) break;
    connection = await olderReviews(client, target, pull.number, before, action);
  }
  return pages.flat();
}

export async function runReviewsGate(config: ReviewsGateConfig, context: GateContext): Promise<GateOutcome> {
  const { target } = context;
  const client = context.github;
  const short = target.sha.slice(0, 7);
  if (!client) {
    return {
      verdict: 'error',
      detail: 'reviews: reading pull request reviews needs a GitHub token, and none was given',
    };
  }
  const byNumber = target.pullNumber !== undefined;
  const action = byNumber
    ? `read the reviews of pull request #${target.pullNumber} in ${target.owner}/${target.repo}`
    : `read the pull requests of ${short} in ${target.owner}/${target.repo}`;
  let pull: GraphqlReviewedPull | undefined;
  let reviews: GraphqlReview[];
  try {
    const answer = await sendQuery<ReviewsAnswer>(
      client,
      REVIEWS_QUERY,
      {
        owner: target.owner,
        name: target.repo,
        number: target.pullNumber ?? 0,
        withNumber: byNumber,
        oid: target.sha,
        withCommit: !byNumber,
      },
      { action, permission: 'pull-requests: read', now: context.now },
    );
    const repository = answer.data.repository;
    if (byNumber) {
      pull = repository?.pullRequest ?? undefined;
    } else {
      const associated = (repository?.object?.associatedPullRequests?.nodes ?? []).filter(
        (p): p is GraphqlReviewedPull => p !== null,
      );
      pull = pickPull(associated, target.sha);
    }
    reviews = pull ? await allReviews(client, target, pull, action) : [];
  } catch (error) {
    return {
      verdict: 'error',
      detail: `reviews could not be evaluated: ${toGitHubApiError(error, { action, permission: 'pull-requests: read', now: context.now }).message}`,
    };
  }
  if (!pull) {
    if (byNumber) {
      return {
        verdict: 'error',
        detail: `reviews could not be evaluated: no pull request #${target.pullNumber} in ${target.owner}/${target.repo}`,
      };
    }
    return config.minApprovals === 0
      ? { verdict: 'pass', detail: `no pull request for ${short}: nothing to judge (0 approvals required)` }
      : {
          verdict: 'fail',
          detail: `no pull request for ${short} (${target.eventName} of ${target.ref}), so its ${config.minApprovals} required approval(s) cannot be shown`,
        };
  }
  return judgeReviews(config, pull, latestOpinions(reviews));
}

export const reviewsGate: Gate<ReviewsGateConfig> = {
  name: 'reviews',
  run: runReviewsGate,
};
