// Resolvers over the in-memory store, written as plain objects: a field is a value or a function of its
// arguments. The executor's strict field resolver fails loudly on any field not written here, so a query
// for something the fake does not model never gets a silent null.
import type { GraphqlContext } from '../server.js';
import {
  type CheckRunRecord,
  type CommitRecord,
  type CommitStatusRecord,
  type DeploymentRecord,
  type DeploymentStatusRecord,
  decodeNodeId,
  latestStatus,
  nodeId,
  type PullRequestRecord,
  type RepoRecord,
  type ReviewRecord,
  type UserRecord,
} from '../store.js';

export type GqlObject = { __typename?: string } & Record<string, unknown>;
type Args = Record<string, unknown>;

/** An error GitHub answers with a `type` (NOT_FOUND, FORBIDDEN, MISSING_PAGINATION_BOUNDARIES, ...). */
export class GqlError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const cursorOf = (index: number) => Buffer.from(`cursor:v2:${index}`).toString('base64');
const indexOf = (cursor: string) => {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match)
    throw new GqlError('INVALID_CURSOR_ARGUMENTS', `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
};

/** A Relay connection with GitHub's rules: `first` or `last` is required and at most 100. */
export function connection<T>(
  name: string,
  items: T[],
  args: PageArgs,
  toNode: (item: T) => unknown,
): GqlObject {
  const { first, last, after, before } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GqlError(
      'MISSING_PAGINATION_BOUNDARIES',
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  for (const [arg, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (typeof value === 'number' && (value > 100 || value < 0)) {
      throw new GqlError(
        'EXCESSIVE_PAGINATION',
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of 100 records.`,
      );
    }
  }
  let start = after ? indexOf(after) + 1 : 0;
  let end = before ? indexOf(before) : items.length;
  end = Math.min(end, items.length);
  if (typeof first === 'number') end = Math.min(end, start + first);
  if (typeof last === 'number') start = Math.max(start, end - last);
  const edges = items
    .slice(start, end)
    .map((item, i) => ({ cursor: cursorOf(start + i), node: toNode(item) }));
  return {
    totalCount: items.length,
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

const upper = (text: string) => text.toUpperCase();

export function actor(ctx: GraphqlContext, user: UserRecord): GqlObject {
  const url = `${ctx.urls.web}/${user.login}`;
  return {
    __typename: user.type,
    id: user.nodeId,
    databaseId: user.id,
    login: user.login,
    avatarUrl: () => `${ctx.urls.web}/avatars/u/${user.id}?v=4`,
    url,
    resourcePath: `/${user.login}`,
  };
}

export function repository(ctx: GraphqlContext, repo: RepoRecord): GqlObject {
  const { store } = ctx;
  return {
    __typename: 'Repository',
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: repo.fullName,
    isPrivate: repo.private,
    url: `${ctx.urls.web}/${repo.fullName}`,
    resourcePath: `/${repo.fullName}`,
    owner: () => actor(ctx, repo.owner),
    defaultBranchRef: () => ref(ctx, repo, `refs/heads/${repo.defaultBranch}`),
    ref: ({ qualifiedName }: Args) => {
      const name = String(qualifiedName);
      const full = name.startsWith('refs/') ? name : `refs/heads/${name}`;
      return repo.refs.has(full) ? ref(ctx, repo, full) : null;
    },
    object: ({ oid, expression }: Args) => {
      if (typeof oid === 'string') return gitObject(ctx, repo, oid);
      if (typeof expression !== 'string') return null;
      const target = expression === 'HEAD' ? repo.defaultBranch : expression;
      const sha = store.resolveCommit(repo, target);
      return sha ? gitObject(ctx, repo, sha) : null;
    },
    deployments: (args: Args) => {
      ctx.require('deployments', 'read');
      const environments = args.environments as string[] | null | undefined;
      const order = args.orderBy as { field: string; direction: 'ASC' | 'DESC' } | null | undefined;
      const items = repo.deployments
        .filter((d) => !environments || environments.includes(d.environment))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
      if (order?.direction === 'DESC') items.reverse();
      return connection('deployments', items, args, (d) => deployment(ctx, repo, d));
    },
    pullRequest: ({ number }: Args) => {
      ctx.require('pull-requests', 'read');
      const pull = repo.pulls.get(Number(number));
      if (!pull) {
        throw new GqlError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${number}.`);
      }
      return pullRequest(ctx, repo, pull);
    },
  };
}

function ref(ctx: GraphqlContext, repo: RepoRecord, fullName: string): GqlObject | null {
  const sha = repo.refs.get(fullName);
  if (!sha) return null;
  const prefix = fullName.startsWith('refs/tags/') ? 'refs/tags/' : 'refs/heads/';
  const name = fullName.slice(prefix.length);
  return {
    __typename: 'Ref',
    id: nodeId('Ref', `${repo.id}:${fullName}`),
    name,
    prefix,
    target: () => gitObject(ctx, repo, sha),
    repository: () => repository(ctx, repo),
    associatedPullRequests: (args: Args) => {
      const states = args.states as string[] | null | undefined;
      const pulls = [...repo.pulls.values()]
        .filter((p) => p.headRef === name)
        .filter((p) => !states || states.includes(pullState(p)));
      return connection('associatedPullRequests', pulls, args, (p) => pullRequest(ctx, repo, p));
    },
    refUpdateRule: () => (prefix === 'refs/heads/' ? refUpdateRule(repo, name) : null),
  };
}

/**
 * `Ref.refUpdateRule`: the branch protection a non-admin token may read (GitHub: "Branch protection rules that
 * are viewable by non-admins"), from the store's protection of that branch; null when it has none.
 */
function refUpdateRule(repo: RepoRecord, branch: string): GqlObject | null {
  const protection = repo.protection.get(branch);
  if (!protection) return null;
  return {
    __typename: 'RefUpdateRule',
    pattern: branch,
    requiredStatusCheckContexts: [...protection.requiredContexts],
    requiredApprovingReviewCount: protection.requiredApprovingReviewCount,
    requiresCodeOwnerReviews: false,
    requiresConversationResolution: false,
    requiresLinearHistory: false,
    requiresSignatures: false,
    allowsDeletions: false,
    allowsForcePushes: false,
    blocksCreations: false,
    viewerAllowedToDismissReviews: true,
    viewerCanPush: true,
  };
}

function gitObject(ctx: GraphqlContext, repo: RepoRecord, sha: string): GqlObject | null {
  const tag = repo.tagObjects.get(sha);
  if (tag) {
    return {
      __typename: 'Tag',
      id: tag.nodeId,
      oid: tag.sha,
      abbreviatedOid: tag.sha.slice(0, 7),
      name: tag.tag,
      message: tag.message,
      tagger: { ...tag.tagger, avatarUrl: '', user: null },
      target: () => gitObject(ctx, repo, tag.object.sha),
      repository: () => repository(ctx, repo),
    };
  }
  const commitRecord = repo.commits.get(sha);
  return commitRecord ? commit(ctx, repo, commitRecord) : null;
}

export function commit(ctx: GraphqlContext, repo: RepoRecord, c: CommitRecord): GqlObject {
  const { store } = ctx;
  const [headline = '', ...rest] = c.message.split('\n');
  const url = `${ctx.urls.web}/${repo.fullName}/commit/${c.sha}`;
  const person = (p: CommitRecord['author']) => ({ ...p, avatarUrl: '', user: null });
  return {
    __typename: 'Commit',
    id: c.nodeId,
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    message: c.message,
    messageHeadline: headline,
    messageBody: rest.join('\n').trim(),
    committedDate: c.committer.date,
    authoredDate: c.author.date,
    author: person(c.author),
    committer: person(c.committer),
    url,
    commitUrl: url,
    resourcePath: `/${repo.fullName}/commit/${c.sha}`,
    repository: () => repository(ctx, repo),
    parents: (args: Args) =>
      connection('parents', c.parents, args, (sha) => {
        const parent = repo.commits.get(sha);
        return parent ? commit(ctx, repo, parent) : null;
      }),
    history: (args: Args) => {
      if (args.path !== undefined || args.author !== undefined) {
        throw new Error(
          'The fake GitHub does not implement Commit.history(path/author); add it in resolvers.ts',
        );
      }
      return connection('history', commitHistory(repo, c, args), args, (item) => commit(ctx, repo, item));
    },
    statusCheckRollup: () => rollup(ctx, repo, c),
    associatedPullRequests: (args: Args) =>
      connection(
        'associatedPullRequests',
        [...repo.pulls.values()].filter((p) => store.pullHeadSha(repo, p) === c.sha),
        args,
        (p) => pullRequest(ctx, repo, p),
      ),
  };
}

/**
 * `Commit.history`: the commit and its ancestors (all parents), newest commit date first as GitHub lists them,
 * within `since` and `until` (both inclusive, GitTimestamp strings).
 */
function commitHistory(repo: RepoRecord, from: CommitRecord, args: Args): CommitRecord[] {
  const since = typeof args.since === 'string' ? Date.parse(args.since) : Number.NEGATIVE_INFINITY;
  const until = typeof args.until === 'string' ? Date.parse(args.until) : Number.POSITIVE_INFINITY;
  const { list, times } = ancestors(repo, from);
  // Newest first: the window is the run from the first time <= until to the last time >= since.
  const first = firstIndex(times, (t) => t <= until);
  const end = firstIndex(times, (t) => t < since);
  return list.slice(first, Math.max(first, end));
}

/** The first index whose value passes `test`, in a list where passing values come after failing ones. */
function firstIndex(values: number[], test: (value: number) => boolean): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (test(values[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

interface AncestorList {
  list: CommitRecord[];
  times: number[];
}

/** A commit's ancestors newest first, kept while the repository gains no commit (one document asks many times). */
const ancestorLists = new WeakMap<RepoRecord, { commits: number; lists: Map<string, AncestorList> }>();

function ancestors(repo: RepoRecord, from: CommitRecord): AncestorList {
  let cache = ancestorLists.get(repo);
  if (!cache || cache.commits !== repo.commits.size) {
    cache = { commits: repo.commits.size, lists: new Map() };
    ancestorLists.set(repo, cache);
  }
  const known = cache.lists.get(from.sha);
  if (known) return known;
  const seen = new Set<string>();
  const found: { record: CommitRecord; time: number }[] = [];
  const stack = [from.sha];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    if (seen.has(sha)) continue;
    seen.add(sha);
    const record = repo.commits.get(sha);
    if (!record) continue;
    found.push({ record, time: Date.parse(record.committer.date) });
    stack.push(...record.parents);
  }
  found.sort((a, b) => b.time - a.time || (a.record.sha < b.record.sha ? -1 : 1));
  const answer = { list: found.map((f) => f.record), times: found.map((f) => f.time) };
  cache.lists.set(from.sha, answer);
  return answer;
}

type RollupItem = { kind: 'run'; run: CheckRunRecord } | { kind: 'status'; status: CommitStatusRecord };

function rollupState(items: RollupItem[]): string {
  const states = items.map((item) => {
    if (item.kind === 'status') return upper(item.status.state);
    if (item.run.status !== 'completed') return 'PENDING';
    return ['success', 'neutral', 'skipped'].includes(item.run.conclusion ?? '') ? 'SUCCESS' : 'FAILURE';
  });
  for (const state of ['ERROR', 'FAILURE', 'PENDING']) if (states.includes(state)) return state;
  return 'SUCCESS';
}

function rollup(ctx: GraphqlContext, repo: RepoRecord, c: CommitRecord): GqlObject | null {
  ctx.store.checksRead(repo, c.sha);
  const runs = ctx.store.latestCheckRuns(repo, c.sha).sort((a, b) => a.id - b.id);
  const statuses = ctx.store.latestStatuses(repo, c.sha).sort((a, b) => a.id - b.id);
  if (runs.length === 0 && statuses.length === 0) return null;
  const items: RollupItem[] = [
    ...runs.map((run) => ({ kind: 'run' as const, run })),
    ...statuses.map((status) => ({ kind: 'status' as const, status })),
  ];
  const countBy = <T>(values: T[], key: (v: T) => string) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
    return [...counts].map(([state, count]) => ({ state, count }));
  };
  return {
    __typename: 'StatusCheckRollup',
    id: nodeId('StatusCheckRollup', c.sha),
    state: rollupState(items),
    commit: () => commit(ctx, repo, c),
    contexts: (args: Args) => ({
      ...connection('contexts', items, args, (item) =>
        item.kind === 'run' ? checkRun(ctx, repo, item.run) : statusContext(ctx, repo, item.status),
      ),
      checkRunCount: runs.length,
      statusContextCount: statuses.length,
      checkRunCountsByState: countBy(runs, (r) =>
        upper(r.status === 'completed' ? (r.conclusion ?? 'neutral') : r.status),
      ),
      statusContextCountsByState: countBy(statuses, (s) => upper(s.state)),
    }),
  };
}

/** `isRequired(pullRequestNumber | pullRequestId)`: the context is required by the PR's base branch protection. */
function isRequired(repo: RepoRecord, name: string) {
  return (args: Args) => {
    let pull: PullRequestRecord | undefined;
    if (typeof args.pullRequestNumber === 'number') pull = repo.pulls.get(args.pullRequestNumber);
    else if (typeof args.pullRequestId === 'string') {
      pull = [...repo.pulls.values()].find((p) => p.nodeId === args.pullRequestId);
    } else {
      throw new GqlError(
        'ARGUMENT_ERROR',
        'isRequired requires either a pullRequestId or a pullRequestNumber argument.',
      );
    }
    if (!pull) throw new GqlError('NOT_FOUND', 'Could not resolve to a PullRequest.');
    return repo.protection.get(pull.baseRef)?.requiredContexts.includes(name) ?? false;
  };
}

function checkRun(ctx: GraphqlContext, repo: RepoRecord, run: CheckRunRecord): GqlObject {
  const url = `${ctx.urls.web}/${repo.fullName}/runs/${run.id}`;
  return {
    __typename: 'CheckRun',
    id: run.nodeId,
    databaseId: run.id,
    name: run.name,
    status: upper(run.status),
    conclusion: run.conclusion ? upper(run.conclusion) : null,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    detailsUrl: run.detailsUrl,
    externalId: run.externalId,
    title: run.output.title,
    summary: run.output.summary,
    text: run.output.text,
    url,
    permalink: url,
    resourcePath: `/${repo.fullName}/runs/${run.id}`,
    isRequired: isRequired(repo, run.name),
    repository: () => repository(ctx, repo),
    checkSuite: () => ({
      __typename: 'CheckSuite',
      id: nodeId('CheckSuite', run.checkSuiteId),
      databaseId: run.checkSuiteId,
      status: upper(run.status),
      conclusion: run.conclusion ? upper(run.conclusion) : null,
      app: {
        __typename: 'App',
        id: nodeId('App', run.app.id),
        databaseId: run.app.id,
        name: run.app.name,
        slug: run.app.slug,
      },
      workflowRun: run.workflowName
        ? {
            __typename: 'WorkflowRun',
            id: nodeId('WorkflowRun', run.workflowRunId ?? 0),
            databaseId: run.workflowRunId,
            runNumber: 1,
            event: 'push',
            url: `${ctx.urls.web}/${repo.fullName}/actions/runs/${run.workflowRunId}`,
            workflow: {
              __typename: 'Workflow',
              id: nodeId('Workflow', run.workflowName),
              name: run.workflowName,
            },
          }
        : null,
    }),
  };
}

function statusContext(ctx: GraphqlContext, repo: RepoRecord, status: CommitStatusRecord): GqlObject {
  return {
    __typename: 'StatusContext',
    id: status.nodeId,
    context: status.context,
    state: upper(status.state),
    description: status.description,
    targetUrl: status.targetUrl,
    createdAt: status.createdAt,
    creator: () => actor(ctx, status.creator),
    avatarUrl: () => `${ctx.urls.web}/avatars/u/${status.creator.id}?v=4`,
    isRequired: isRequired(repo, status.context),
    commit: () => {
      const c = repo.commits.get(status.sha);
      return c ? commit(ctx, repo, c) : null;
    },
  };
}

/** GraphQL `Deployment.state`, from the latest status as GitHub derives it. */
export function deploymentState(d: DeploymentRecord): string {
  const state = latestStatus(d)?.state;
  switch (state) {
    case undefined:
    case 'pending':
      return 'PENDING';
    case 'success':
      return 'ACTIVE';
    case 'inactive':
      return d.transientEnvironment ? 'DESTROYED' : 'INACTIVE';
    default:
      return upper(state);
  }
}

export function deployment(ctx: GraphqlContext, repo: RepoRecord, d: DeploymentRecord): GqlObject {
  const refName = d.ref.replace(/^refs\/(heads|tags)\//, '');
  const refFull = repo.refs.has(`refs/heads/${refName}`)
    ? `refs/heads/${refName}`
    : repo.refs.has(`refs/tags/${refName}`)
      ? `refs/tags/${refName}`
      : undefined;
  return {
    __typename: 'Deployment',
    id: d.nodeId,
    databaseId: d.id,
    environment: d.environment,
    latestEnvironment: d.environment,
    originalEnvironment: d.originalEnvironment,
    state: deploymentState(d),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    payload: typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload),
    commitOid: d.sha,
    commit: () => {
      const c = repo.commits.get(d.sha);
      return c ? commit(ctx, repo, c) : null;
    },
    description: d.description,
    task: d.task,
    ref: () => (refFull ? ref(ctx, repo, refFull) : null),
    creator: () => actor(ctx, d.creator),
    repository: () => repository(ctx, repo),
    latestStatus: () => {
      const status = latestStatus(d);
      return status ? deploymentStatus(ctx, repo, d, status) : null;
    },
    // Newest first, so `statuses(first: 1)` is the latest status.
    statuses: (args: Args) =>
      connection('statuses', [...d.statuses].reverse(), args, (s) => deploymentStatus(ctx, repo, d, s)),
  };
}

function deploymentStatus(
  ctx: GraphqlContext,
  repo: RepoRecord,
  d: DeploymentRecord,
  s: DeploymentStatusRecord,
): GqlObject {
  return {
    __typename: 'DeploymentStatus',
    id: s.nodeId,
    state: upper(s.state),
    description: s.description || null,
    environment: s.environment,
    environmentUrl: s.environmentUrl || null,
    logUrl: s.logUrl || null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    creator: () => actor(ctx, s.creator),
    deployment: () => deployment(ctx, repo, d),
  };
}

function pullState(p: PullRequestRecord): string {
  return p.merged ? 'MERGED' : upper(p.state);
}

/** Latest review per author that counts for the decision (approvals, change requests, dismissals). */
function latestReviewsByAuthor(repo: RepoRecord, pull: PullRequestRecord): ReviewRecord[] {
  const latest = new Map<string, ReviewRecord>();
  for (const review of repo.reviews) {
    if (review.pullNumber !== pull.number || review.state === 'PENDING' || review.state === 'COMMENTED')
      continue;
    const seen = latest.get(review.user.login);
    if (!seen || seen.id < review.id) latest.set(review.user.login, review);
  }
  return [...latest.values()].sort((a, b) => a.id - b.id);
}

function reviewDecision(repo: RepoRecord, pull: PullRequestRecord): string | null {
  const protection = repo.protection.get(pull.baseRef);
  if (!protection || protection.requiredApprovingReviewCount === 0) return null;
  const latest = latestReviewsByAuthor(repo, pull);
  if (latest.some((r) => r.state === 'CHANGES_REQUESTED')) return 'CHANGES_REQUESTED';
  const approvals = latest.filter((r) => r.state === 'APPROVED').length;
  return approvals >= protection.requiredApprovingReviewCount ? 'APPROVED' : 'REVIEW_REQUIRED';
}

export function pullRequest(ctx: GraphqlContext, repo: RepoRecord, p: PullRequestRecord): GqlObject {
  const { store } = ctx;
  const headSha = store.pullHeadSha(repo, p);
  const baseSha = store.resolveCommit(repo, p.baseRef) ?? headSha;
  const url = `${ctx.urls.web}/${repo.fullName}/pull/${p.number}`;
  const reviewNode = (r: ReviewRecord) => review(ctx, repo, r);
  return {
    __typename: 'PullRequest',
    id: p.nodeId,
    databaseId: p.id,
    number: p.number,
    title: p.title,
    body: p.body ?? '',
    url,
    resourcePath: `/${repo.fullName}/pull/${p.number}`,
    state: pullState(p),
    isDraft: p.draft,
    merged: p.merged,
    closed: p.state === 'closed',
    mergeable: p.mergeable === null ? 'UNKNOWN' : p.mergeable ? 'MERGEABLE' : 'CONFLICTING',
    headRefName: p.headRef,
    headRefOid: headSha,
    baseRefName: p.baseRef,
    baseRefOid: baseSha,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    author: () => actor(ctx, p.user),
    repository: () => repository(ctx, repo),
    headRef: () => ref(ctx, repo, `refs/heads/${p.headRef}`),
    baseRef: () => ref(ctx, repo, `refs/heads/${p.baseRef}`),
    reviewDecision: () => reviewDecision(repo, p),
    reviews: (args: Args) => {
      const states = args.states as string[] | null | undefined;
      const author = args.author as string | null | undefined;
      const reviews = repo.reviews
        .filter((r) => r.pullNumber === p.number)
        .filter((r) => (!states || states.includes(r.state)) && (!author || r.user.login === author))
        .sort((a, b) => a.id - b.id);
      return connection('reviews', reviews, args, reviewNode);
    },
    latestReviews: (args: Args) =>
      connection('latestReviews', latestReviewsByAuthor(repo, p), args, reviewNode),
    statusCheckRollup: () => {
      const c = repo.commits.get(headSha);
      return c ? rollup(ctx, repo, c) : null;
    },
    commits: (args: Args) =>
      connection('commits', store.commitsBetween(repo, baseSha, headSha), args, (c) => ({
        __typename: 'PullRequestCommit',
        id: nodeId('PullRequestCommit', `${p.id}:${c.sha}`),
        commit: commit(ctx, repo, c),
        url: `${url}/commits/${c.sha}`,
        resourcePath: `/${repo.fullName}/pull/${p.number}/commits/${c.sha}`,
      })),
  };
}

function review(ctx: GraphqlContext, repo: RepoRecord, r: ReviewRecord): GqlObject {
  return {
    __typename: 'PullRequestReview',
    id: r.nodeId,
    databaseId: r.id,
    state: r.state,
    body: r.body,
    submittedAt: r.submittedAt,
    createdAt: r.submittedAt ?? repo.createdAt,
    authorAssociation: r.authorAssociation,
    url: `${ctx.urls.web}/${repo.fullName}/pull/${r.pullNumber}#pullrequestreview-${r.id}`,
    author: () => actor(ctx, r.user),
    commit: () => {
      const c = r.commitId ? repo.commits.get(r.commitId) : undefined;
      return c ? commit(ctx, repo, c) : null;
    },
  };
}

function nodeById(ctx: GraphqlContext, id: string): GqlObject | null {
  const decoded = decodeNodeId(id);
  const notFound = () =>
    new GqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
  if (!decoded) throw notFound();
  for (const repo of ctx.store.repos.values()) {
    const numeric = Number(decoded.id);
    switch (decoded.type) {
      case 'Repository':
        if (repo.id === numeric) return repository(ctx, repo);
        break;
      case 'Deployment': {
        const d = repo.deployments.find((x) => x.id === numeric);
        if (d) return deployment(ctx, repo, d);
        break;
      }
      case 'PullRequest': {
        const p = [...repo.pulls.values()].find((x) => x.id === numeric);
        if (p) return pullRequest(ctx, repo, p);
        break;
      }
      case 'Commit': {
        const c = repo.commits.get(decoded.id);
        if (c) return commit(ctx, repo, c);
        break;
      }
      case 'CheckRun': {
        const run = repo.checkRuns.find((x) => x.id === numeric);
        if (run) return checkRun(ctx, repo, run);
        break;
      }
    }
  }
  throw notFound();
}

/** The root object of queries (and, for now, no mutations). */
export function root(ctx: GraphqlContext): GqlObject {
  return {
    repository: ({ owner, name }: Args) => {
      const repo = ctx.store.findRepo(String(owner), String(name));
      if (!repo) {
        throw new GqlError(
          'NOT_FOUND',
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      return repository(ctx, repo);
    },
    node: ({ id }: Args) => nodeById(ctx, String(id)),
    nodes: ({ ids }: Args) => (ids as string[]).map((id) => nodeById(ctx, id)),
    viewer: () => actor(ctx, ctx.user),
    rateLimit: () => {
      const limit = ctx.rateLimit();
      return {
        cost: 1,
        limit: limit.limit,
        remaining: Math.max(limit.limit - limit.used, 0),
        used: limit.used,
        nodeCount: 1,
        resetAt: new Date(limit.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
    },
  };
}
