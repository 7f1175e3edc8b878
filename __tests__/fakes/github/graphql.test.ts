import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from './helpers.js';
import { checkConformance, type FakeGitHub, startFakeGitHub } from './index.js';

let gh: FakeGitHub;
const repo = 'octo/app';
let head: string;
const deployIds: number[] = [];

beforeAll(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  for (const [i, env] of ['staging', 'production', 'staging', 'staging'].entries()) {
    const d = gh.store.addDeployment(repo, {
      environment: env,
      payload: { build: i },
      description: `deploy ${i}`,
      createdAt: `2024-05-0${i + 1}T10:00:00Z`,
      statuses: [
        { state: 'in_progress' },
        { state: i === 3 ? 'failure' : 'success', environmentUrl: `https://${env}.example` },
      ],
    });
    deployIds.push(d.id);
  }
  gh.store.addBranch(repo, 'feature');
  head = gh.store.addCommit(repo, { branch: 'feature', message: 'feat: gate me' });
  gh.store.addCheckRun(repo, { headSha: head, name: 'test', conclusion: 'success', workflowName: 'CI' });
  gh.store.addCheckRun(repo, { headSha: head, name: 'e2e', status: 'in_progress', workflowName: 'E2E' });
  gh.store.addCheckRun(repo, {
    headSha: head,
    name: 'codecov',
    conclusion: 'neutral',
    app: { slug: 'codecov', name: 'Codecov' },
  });
  gh.store.addCommitStatus(repo, { sha: head, context: 'ci/legacy', state: 'success' });
  gh.store.protectBranch(repo, 'main', {
    requiredContexts: ['test', 'ci/legacy'],
    requiredApprovingReviewCount: 1,
  });
  gh.store.addPullRequest(repo, { number: 3, head: 'feature' });
  gh.store.addReview(repo, 3, { user: 'bob', state: 'COMMENTED' });
  gh.store.addReview(repo, 3, { user: 'alice', state: 'APPROVED' });
});
afterAll(async () => {
  await gh.close();
});

const DEPLOYMENTS = `
  query Deployments($owner: String!, $name: String!, $envs: [String!], $after: String) {
    repository(owner: $owner, name: $name) {
      deployments(environments: $envs, first: 2, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          id databaseId environment state createdAt payload commitOid description task
          ref { name } creator { login }
          latestStatus { state environmentUrl }
          statuses(first: 5) { nodes { state description environmentUrl logUrl createdAt } }
        }
      }
    }
  }`;

describe('deployments', () => {
  it('filters by environment, orders, paginates with cursors', async () => {
    const page1 = await gql(gh, DEPLOYMENTS, { owner: 'octo', name: 'app', envs: ['staging'] });
    const conn = page1.json.data.repository.deployments;
    expect(conn.totalCount).toBe(3);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    expect(conn.nodes.map((n: { databaseId: number }) => n.databaseId)).toEqual([deployIds[3], deployIds[2]]);
    expect(conn.nodes[0]).toMatchObject({
      environment: 'staging',
      state: 'FAILURE',
      payload: '{"build":3}',
      description: 'deploy 3',
      task: 'deploy',
      ref: { name: 'main' },
      creator: { login: 'github-actions[bot]' },
      latestStatus: { state: 'FAILURE', environmentUrl: 'https://staging.example' },
    });
    expect(conn.nodes[0].statuses.nodes.map((s: { state: string }) => s.state)).toEqual([
      'FAILURE',
      'IN_PROGRESS',
    ]);
    // A failure deactivates nothing: deploy 2 stays ACTIVE; its success made deploy 0 INACTIVE (auto_inactive).
    expect(conn.nodes[1].state).toBe('ACTIVE');
    const page2 = await gql(gh, DEPLOYMENTS, {
      owner: 'octo',
      name: 'app',
      envs: ['staging'],
      after: conn.pageInfo.endCursor,
    });
    const rest = page2.json.data.repository.deployments;
    expect(rest.nodes.map((n: { databaseId: number; state: string }) => [n.databaseId, n.state])).toEqual([
      [deployIds[0], 'INACTIVE'],
    ]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('answers GitHub errors: missing pagination bounds, unknown repository, invalid documents', async () => {
    const unbounded = await gql(gh, '{ repository(owner:"octo", name:"app"){ deployments { totalCount } } }');
    expect(unbounded.json.errors[0]).toMatchObject({
      type: 'MISSING_PAGINATION_BOUNDARIES',
      path: ['repository', 'deployments'],
      message:
        'You must provide a `first` or `last` value to properly paginate the `deployments` connection.',
    });
    const tooMany = await gql(
      gh,
      '{ repository(owner:"octo", name:"app"){ deployments(first: 101) { totalCount } } }',
    );
    expect(tooMany.json.errors[0].type).toBe('EXCESSIVE_PAGINATION');
    const missing = await gql(gh, '{ repository(owner:"octo", name:"nope"){ name } }');
    expect(missing.json).toEqual({
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          locations: [{ line: 1, column: 3 }],
          message: "Could not resolve to a Repository with the name 'octo/nope'.",
        },
      ],
    });
    const invalid = await gql(
      gh,
      '{ repository(owner:"octo", name:"app"){ deployments(first: 1) { nodes { color } } } }',
    );
    expect(invalid.status).toBe(200);
    expect(invalid.json.data).toBeUndefined();
    expect(invalid.json.errors[0]).toMatchObject({
      message: "Field 'color' doesn't exist on type 'Deployment'",
      extensions: { code: 'undefinedField', typeName: 'Deployment', fieldName: 'color' },
    });
    const unparsable = await gql(gh, '{ repository(owner:"octo" ');
    expect(unparsable.json.errors[0].message).toMatch(/Syntax Error/);
    const graphqlRecords = gh.requestsFor('graphql');
    expect(graphqlRecords.at(-1)?.graphql?.valid).toBe(false);
    expect(graphqlRecords.at(-2)?.graphql).toMatchObject({
      valid: false,
      errors: [expect.stringContaining('color')],
    });
    const mismatches = checkConformance(graphqlRecords);
    expect(mismatches.map((m) => m.part)).toEqual(['graphql', 'graphql']);
  });

  it('fails loudly on a schema field the fake does not model', async () => {
    const answer = await gql(gh, '{ repository(owner:"octo", name:"app"){ stargazerCount } }');
    expect(answer.json.errors[0].message).toMatch(/fake GitHub does not implement Repository.stargazerCount/);
  });
});

describe('status check rollup and pull requests', () => {
  const ROLLUP = `
    query Rollup($expression: String!, $pr: Int!, $after: String) {
      repository(owner: "octo", name: "app") {
        object(expression: $expression) {
          ... on Commit {
            oid
            statusCheckRollup {
              state
              contexts(first: 3, after: $after) {
                totalCount
                pageInfo { hasNextPage endCursor }
                nodes {
                  __typename
                  ... on CheckRun {
                    name conclusion status isRequired(pullRequestNumber: $pr)
                    checkSuite { workflowRun { workflow { name } } }
                  }
                  ... on StatusContext { context state isRequired(pullRequestNumber: $pr) }
                }
              }
            }
          }
        }
      }
    }`;

  it('rolls up check runs and statuses with isRequired and workflow names', async () => {
    const first = await gql(gh, ROLLUP, { expression: 'feature', pr: 3 });
    const commit = first.json.data.repository.object;
    expect(commit.oid).toBe(head);
    expect(commit.statusCheckRollup.state).toBe('PENDING');
    const contexts = commit.statusCheckRollup.contexts;
    expect(contexts.totalCount).toBe(4);
    expect(contexts.nodes).toEqual([
      {
        __typename: 'CheckRun',
        name: 'test',
        conclusion: 'SUCCESS',
        status: 'COMPLETED',
        isRequired: true,
        checkSuite: { workflowRun: { workflow: { name: 'CI' } } },
      },
      {
        __typename: 'CheckRun',
        name: 'e2e',
        conclusion: null,
        status: 'IN_PROGRESS',
        isRequired: false,
        checkSuite: { workflowRun: { workflow: { name: 'E2E' } } },
      },
      {
        __typename: 'CheckRun',
        name: 'codecov',
        conclusion: 'NEUTRAL',
        status: 'COMPLETED',
        isRequired: false,
        checkSuite: { workflowRun: null },
      },
    ]);
    const second = await gql(gh, ROLLUP, { expression: head, pr: 3, after: contexts.pageInfo.endCursor });
    expect(second.json.data.repository.object.statusCheckRollup.contexts.nodes).toEqual([
      { __typename: 'StatusContext', context: 'ci/legacy', state: 'SUCCESS', isRequired: true },
    ]);
    const none = await gql(
      gh,
      '{ repository(owner:"octo", name:"app"){ object(expression: "main") { ... on Commit { statusCheckRollup { state } } } } }',
    );
    expect(none.json.data.repository.object.statusCheckRollup).toBeNull();
  });

  it('answers pull requests with reviews, reviewDecision and headRefOid', async () => {
    const answer = await gql(
      gh,
      `query($n: Int!) { repository(owner: "octo", name: "app") { pullRequest(number: $n) {
        number headRefOid headRefName baseRefName reviewDecision state isDraft mergeable
        reviews(first: 10) { totalCount nodes { state author { login } submittedAt commit { oid } } }
        latestReviews(first: 10) { nodes { state author { login } } }
      } } }`,
      { n: 3 },
    );
    expect(answer.json.errors).toBeUndefined();
    expect(answer.json.data.repository.pullRequest).toMatchObject({
      number: 3,
      headRefOid: head,
      headRefName: 'feature',
      baseRefName: 'main',
      reviewDecision: 'APPROVED',
      state: 'OPEN',
      isDraft: false,
      mergeable: 'MERGEABLE',
      reviews: {
        totalCount: 2,
        nodes: [
          { state: 'COMMENTED', author: { login: 'bob' } },
          { state: 'APPROVED', commit: { oid: head } },
        ],
      },
      latestReviews: { nodes: [{ state: 'APPROVED', author: { login: 'alice' } }] },
    });
    gh.store.addReview(repo, 3, { user: 'carol', state: 'CHANGES_REQUESTED' });
    const after = await gql(
      gh,
      '{ repository(owner:"octo", name:"app"){ pullRequest(number: 3){ reviewDecision } } }',
    );
    expect(after.json.data.repository.pullRequest.reviewDecision).toBe('CHANGES_REQUESTED');
    const missing = await gql(
      gh,
      '{ repository(owner:"octo", name:"app"){ pullRequest(number: 99){ number } } }',
    );
    expect(missing.json.errors[0]).toMatchObject({
      type: 'NOT_FOUND',
      message: 'Could not resolve to a PullRequest with the number of 99.',
    });
  });

  it('resolves node ids, the viewer and the rate limit', async () => {
    const d = gh.store.repo(repo).deployments[0]!;
    const answer = await gql(
      gh,
      `query($id: ID!) { node(id: $id) { __typename ... on Deployment { databaseId environment } }
        viewer { login } rateLimit { limit remaining used resetAt cost } }`,
      { id: d.nodeId },
    );
    expect(answer.json.data.node).toEqual({
      __typename: 'Deployment',
      databaseId: d.id,
      environment: 'staging',
    });
    expect(answer.json.data.viewer.login).toBe('github-actions[bot]');
    expect(answer.json.data.rateLimit).toMatchObject({ limit: 5000, cost: 1 });
    expect(answer.json.data.rateLimit.remaining + answer.json.data.rateLimit.used).toBe(5000);
  });
});
