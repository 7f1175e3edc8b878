import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphqlReview, GraphqlReviewedPull } from '../../src/gates/github-queries.js';
import { latestOpinions, pickPull, runReviewsGate } from '../../src/gates/reviews.js';
import type { ReviewsGateConfig } from '../../src/gates/types.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { fakeClient, gateContext, gateTarget } from '../helpers/gates.js';

let gh: FakeGitHub;
let head: string;

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  head = gh.store.addCommit('octo/app', { branch: 'feature', message: 'feat: login' });
  gh.store.addPullRequest('octo/app', { number: 3, head: 'feature', base: 'main' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

const two: ReviewsGateConfig = { minApprovals: 2, noChangesRequested: true };
const review = (user: string, state: Parameters<FakeGitHub['store']['addReview']>[2]['state']) =>
  gh.store.addReview('octo/app', 3, { user, state });

function prContext(token?: string) {
  return gateContext({
    target: gateTarget({
      sha: head,
      ref: 'refs/pull/3/merge',
      eventName: 'pull_request',
      pullNumber: 3,
      baseRef: 'main',
      headRef: 'feature',
    }),
    github: fakeClient(gh, token ?? gh.token),
  });
}

describe('latestOpinions and pickPull', () => {
  const r = (login: string, state: GraphqlReview['state'], submittedAt: string | null): GraphqlReview => ({
    state,
    submittedAt,
    url: `https://x/${login}/${state}`,
    author: { login },
  });

  it("keeps each reviewer's latest opinion; comments and pending reviews do not change it", () => {
    const opinions = latestOpinions([
      r('bob', 'CHANGES_REQUESTED', '2026-06-01T10:00:00Z'),
      r('alice', 'APPROVED', '2026-06-01T10:01:00Z'),
      r('bob', 'APPROVED', '2026-06-01T10:02:00Z'),
      r('alice', 'COMMENTED', '2026-06-01T10:03:00Z'),
      r('carol', 'APPROVED', '2026-06-01T10:04:00Z'),
      r('carol', 'DISMISSED', '2026-06-01T10:05:00Z'),
      r('dave', 'PENDING', null),
    ]);
    expect(opinions.map((o) => [o.login, o.state])).toEqual([
      ['alice', 'APPROVED'],
      ['bob', 'APPROVED'],
      ['carol', 'DISMISSED'],
    ]);
  });

  it('picks the open pull request whose head the commit is, else the merged one', () => {
    const pull = (
      number: number,
      state: GraphqlReviewedPull['state'],
      headRefOid: string,
    ): GraphqlReviewedPull => ({
      number,
      url: `u${number}`,
      state,
      headRefOid,
      baseRefName: 'main',
      reviews: null,
    });
    expect(pickPull([pull(1, 'MERGED', 'x'), pull(2, 'OPEN', 'abc')], 'abc')?.number).toBe(2);
    expect(pickPull([pull(1, 'MERGED', 'x'), pull(2, 'OPEN', 'other')], 'abc')?.number).toBe(1);
    expect(pickPull([pull(4, 'CLOSED', 'abc')], 'abc')).toBeUndefined();
  });
});

describe('reviews gate on a pull request', () => {
  it('passes with enough approvals, in one GraphQL request', async () => {
    review('alice', 'APPROVED');
    review('bob', 'APPROVED');
    const outcome = await runReviewsGate(two, prContext());
    expect(outcome.verdict).toBe('pass');
    expect(outcome.detail).toBe('2 approvals (alice, bob) on #3, at least 2 needed');
    expect(outcome.items?.map((i) => [i.name, i.verdict, i.detail])).toEqual([
      ['alice', 'pass', 'approved'],
      ['bob', 'pass', 'approved'],
    ]);
    expect(gh.requests.map((r) => r.kind)).toEqual(['graphql']);
  });

  it('fails short of approvals, and while a change request is outstanding', async () => {
    review('alice', 'APPROVED');
    review('bob', 'APPROVED');
    review('bob', 'CHANGES_REQUESTED');
    review('carol', 'COMMENTED');
    const outcome = await runReviewsGate(two, prContext());
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe('1 of 2 required approvals on #3 (alice); changes requested by bob');
    expect(outcome.items?.map((i) => [i.name, i.verdict])).toEqual([
      ['alice', 'pass'],
      ['bob', 'fail'],
      ['#3', 'fail'],
    ]);
  });

  it('a change request does not block when no-changes-requested is off; a later approval lifts it anyway', async () => {
    review('alice', 'APPROVED');
    review('bob', 'CHANGES_REQUESTED');
    expect((await runReviewsGate({ minApprovals: 1, noChangesRequested: false }, prContext())).verdict).toBe(
      'pass',
    );
    expect((await runReviewsGate({ minApprovals: 1, noChangesRequested: true }, prContext())).verdict).toBe(
      'fail',
    );
    review('bob', 'APPROVED');
    expect((await runReviewsGate(two, prContext())).verdict).toBe('pass');
  });

  it('reads reviews past the first 100, going back a page', async () => {
    review('early', 'CHANGES_REQUESTED');
    for (let i = 0; i < 120; i++) review(`commenter-${i % 5}`, 'COMMENTED');
    review('alice', 'APPROVED');
    const outcome = await runReviewsGate({ minApprovals: 1, noChangesRequested: true }, prContext());
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe('changes requested by early');
    const operations = gh.requests.map((r) => /query (\w+)/.exec(r.graphql?.query ?? '')?.[1]);
    expect(operations).toEqual(['DeployKitReviews', 'DeployKitOlderReviews']);
  });

  it('is an error when the pull request does not exist', async () => {
    const context = gateContext({
      target: gateTarget({ sha: head, eventName: 'pull_request', pullNumber: 99 }),
      github: fakeClient(gh),
    });
    const outcome = await runReviewsGate(two, context);
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toMatch(
      /^reviews could not be evaluated: .*(no pull request #99|Could not resolve to a PullRequest)/,
    );
  });

  it('names the permission when the token may not read pull requests', async () => {
    gh.addToken('ghs_no_pulls', { permissions: { 'pull-requests': 'none' } });
    const outcome = await runReviewsGate(two, prContext('ghs_no_pulls'));
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toContain(
      'reviews could not be evaluated: GitHub refused to read the reviews of pull request #3 in octo/app',
    );
    expect(outcome.detail).toContain('`pull-requests: read`');
  });

  it('is an error with a clear reason when the GraphQL rate limit is spent', async () => {
    gh.setRateLimit({ resource: 'graphql', remaining: 0, resetInSeconds: 600 });
    // The fake's reset is on the real clock.
    const outcome = await runReviewsGate(two, { ...prContext(), now: () => new Date() });
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toMatch(/rate limit for this token is spent; it resets at .*\(in 1[01] minutes\)/);
  });
});

describe('reviews gate on a push', () => {
  it('judges the merged pull request that brought the commit in', async () => {
    const pull = gh.store.repo('octo/app').pulls.get(3);
    if (pull) {
      pull.state = 'closed';
      pull.merged = true;
      pull.headSha = head;
    }
    review('alice', 'APPROVED');
    const context = gateContext({
      target: gateTarget({ sha: head, ref: 'refs/heads/main' }),
      github: fakeClient(gh),
    });
    const outcome = await runReviewsGate({ minApprovals: 1, noChangesRequested: true }, context);
    expect(outcome).toMatchObject({ verdict: 'pass', detail: '1 approval (alice) on #3, at least 1 needed' });
  });

  it('a commit without a pull request fails when approvals are required, passes when none are', async () => {
    const lone = gh.store.addCommit('octo/app', { branch: 'main', message: 'chore: direct push' });
    const context = gateContext({ target: gateTarget({ sha: lone }), github: fakeClient(gh) });
    const outcome = await runReviewsGate({ minApprovals: 1, noChangesRequested: true }, context);
    expect(outcome).toEqual({
      verdict: 'fail',
      detail: `no pull request for ${lone.slice(0, 7)} (push of refs/heads/main), so its 1 required approval(s) cannot be shown`,
    });
    expect((await runReviewsGate({ minApprovals: 0, noChangesRequested: true }, context)).verdict).toBe(
      'pass',
    );
  });

  it('is an error naming the token when there is no client', async () => {
    expect(await runReviewsGate(two, gateContext())).toEqual({
      verdict: 'error',
      detail: 'reviews: reading pull request reviews needs a GitHub token, and none was given',
    });
  });
});
