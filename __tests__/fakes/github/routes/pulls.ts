// Pull requests (get) and their reviews (list).
import * as represent from '../represent.js';
import { notFound, paginate, type Route, type RouteContext } from '../router.js';
import type { PullRequestRecord } from '../store.js';

const DOCS = 'https://docs.github.com/rest';

function findPull(ctx: RouteContext): PullRequestRecord {
  const pull = ctx.repo.pulls.get(Number(ctx.params.pull_number));
  if (!pull) throw notFound();
  return pull;
}

export const pullRoutes: Route[] = [
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}',
    area: 'pull-requests',
    access: 'read',
    docs: `${DOCS}/pulls/pulls#get-a-pull-request`,
    handler: (ctx) => ({
      status: 200,
      body: represent.pullRequest(ctx.urls, ctx.repo, findPull(ctx), ctx.store),
    }),
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    area: 'pull-requests',
    access: 'read',
    docs: `${DOCS}/pulls/reviews#list-reviews-for-a-pull-request`,
    handler: (ctx) => {
      const pull = findPull(ctx);
      const reviews = ctx.repo.reviews
        .filter((r) => r.pullNumber === pull.number)
        .sort((a, b) => a.id - b.id);
      const { page, headers } = paginate(reviews, ctx);
      return { status: 200, headers, body: page.map((r) => represent.review(ctx.urls, ctx.repo, r)) };
    },
  },
];
