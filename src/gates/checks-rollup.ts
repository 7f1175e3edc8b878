// Reading a commit's checks for the `checks` gate: one GraphQL request per poll (the commit's
// `statusCheckRollup`, with `isRequired` on pull requests and the protected branch's required contexts;
// more pages only past 100 contexts), as ObservedChecks, with the rate-limit headers that pace the polls.
import type { GitHubClient } from '../github/client.js';
import { GitHubApiError } from '../github/errors.js';
import {
  CHECKS_QUERY,
  type ChecksAnswer,
  type GraphqlCheckRun,
  type GraphqlProtectedRef,
  type GraphqlStatusContext,
  type QueryAnswer,
  sendQuery,
} from './github-queries.js';
import type { ChecksGateConfig, GateTarget } from './types.js';

/** GitHub's largest page of a connection. */
const PAGE_SIZE = 100;

/** One context of the rollup, as the gate judges it. */
export interface ObservedCheck {
  kind: 'check-run' | 'status';
  /** The check run's name or the status's context. */
  name: string;
  /** The Actions workflow that made a check run. */
  workflow?: string;
  workflowRunId?: number;
  /** Lower case: a check run's status (`in_progress`), a status's state (`pending`). */
  state: string;
  /** Lower case, once done: a check run's conclusion, or a status's `success`, `failure`, `error`. */
  conclusion?: string;
  /** `isRequired` for the pull request (PR events in `required` mode). */
  required?: boolean;
  url?: string;
}

export interface ChecksSnapshot {
  contexts: ObservedCheck[];
  /** The branch protection asked about (`required` mode), when a branch applies. */
  protection?: { branch: string; contexts: string[]; protected: boolean };
  /** Requests this snapshot took (1, or more past 100 contexts). */
  requests: number;
  /** From the last answer's headers. */
  rate: { remaining?: number; resetAt?: number };
  partialErrors: string[];
}

/** `Workflow / name` for check runs of Actions workflows, else the name. */
export function displayName(check: ObservedCheck): string {
  return check.workflow ? `${check.workflow} / ${check.name}` : check.name;
}

/** The branch whose protection `required` mode reads: the PR's base, the pushed branch, else the default. */
function protectedBranchOf(target: GateTarget): { branch?: string; useDefault: boolean } {
  if (target.pullNumber !== undefined && target.baseRef) {
    return { branch: target.baseRef.replace(/^refs\/heads\//, ''), useDefault: false };
  }
  if (target.ref.startsWith('refs/heads/'))
    return { branch: target.ref.slice('refs/heads/'.length), useDefault: false };
  return { useDefault: true };
}

function observeCheckRun(node: GraphqlCheckRun): ObservedCheck {
  const run = node.checkSuite?.workflowRun;
  const status = node.status.toLowerCase();
  return {
    kind: 'check-run',
    name: node.name,
    ...(run?.workflow?.name ? { workflow: run.workflow.name } : {}),
    ...(typeof run?.databaseId === 'number' ? { workflowRunId: run.databaseId } : {}),
    state: status,
    ...(status === 'completed' ? { conclusion: (node.conclusion ?? 'neutral').toLowerCase() } : {}),
    ...(node.isRequired !== undefined ? { required: node.isRequired } : {}),
    url: node.detailsUrl || node.url,
  };
}

function observeStatus(node: GraphqlStatusContext): ObservedCheck {
  const state = node.state.toLowerCase();
  const done = state === 'success' || state === 'failure' || state === 'error';
  return {
    kind: 'status',
    name: node.context,
    state,
    ...(done ? { conclusion: state } : {}),
    ...(node.isRequired !== undefined ? { required: node.isRequired } : {}),
    ...(node.targetUrl ? { url: node.targetUrl } : {}),
  };
}

function protectionOf(
  ref: GraphqlProtectedRef | null | undefined,
  branch: string,
): ChecksSnapshot['protection'] {
  const contexts = (ref?.refUpdateRule?.requiredStatusCheckContexts ?? []).filter(
    (name): name is string => typeof name === 'string' && name !== '',
  );
  return { branch: ref?.name ?? branch, contexts, protected: Boolean(ref?.refUpdateRule) };
}

/** One poll: the rollup of the commit (all pages), with the branch protection `required` mode needs. */
export async function readChecks(
  client: GitHubClient,
  target: GateTarget,
  mode: ChecksGateConfig['mode'],
  options: { sleep?: (ms: number) => Promise<void>; now?: () => Date } = {},
): Promise<ChecksSnapshot> {
  const required = mode === 'required';
  const withPull = required && target.pullNumber !== undefined;
  const { branch, useDefault } = required ? protectedBranchOf(target) : { useDefault: false };
  const short = target.sha.slice(0, 7);
  const where = `${target.owner}/${target.repo}`;
  const contexts: ObservedCheck[] = [];
  const partialErrors: string[] = [];
  let protection: ChecksSnapshot['protection'];
  let after: string | null = null;
  let requests = 0;
  let headers: Record<string, string | undefined> = {};
  do {
    const first: boolean = requests === 0;
    const answer: QueryAnswer<ChecksAnswer> = await sendQuery<ChecksAnswer>(
      client,
      CHECKS_QUERY,
      {
        owner: target.owner,
        name: target.repo,
        oid: target.sha,
        first: PAGE_SIZE,
        after,
        pullNumber: withPull ? target.pullNumber : null,
        withPull,
        branch: branch ? `refs/heads/${branch}` : '',
        withBranch: first && branch !== undefined,
        withDefaultBranch: first && required && useDefault,
      },
      {
        action: `read the checks of ${short} in ${where}`,
        permission: 'checks: read, statuses: read',
        // The workflow of a check run is a nicety: a token that may not read Actions still gets the rest.
        tolerate: (error) => error.path?.includes('workflowRun') ?? false,
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.now ? { now: options.now } : {}),
      },
    );
    requests += 1;
    headers = answer.headers;
    partialErrors.push(...answer.partialErrors);
    const repository = answer.data.repository;
    if (!repository) {
      throw new GitHubApiError(
        `GitHub refused to read the checks of ${short}: no repository ${where}`,
        'not-found',
        undefined,
      );
    }
    const object = repository.object;
    if (object?.__typename !== 'Commit') {
      throw new GitHubApiError(
        `GitHub refused to read the checks of ${short}: ${where} has no commit ${target.sha}`,
        'not-found',
        undefined,
      );
    }
    if (first && required) {
      if (branch !== undefined) protection = protectionOf(repository.protectedBranch, branch);
      else if (repository.defaultBranchRef)
        protection = protectionOf(repository.defaultBranchRef, repository.defaultBranchRef.name);
    }
    const connection = object.statusCheckRollup?.contexts;
    for (const node of connection?.nodes ?? []) {
      if (node?.__typename === 'CheckRun') contexts.push(observeCheckRun(node));
      else if (node?.__typename === 'StatusContext') contexts.push(observeStatus(node));
    }
    after = connection?.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after);
  const remaining = Number(headers['x-ratelimit-remaining']);
  const reset = Number(headers['x-ratelimit-reset']);
  return {
    contexts,
    ...(protection ? { protection } : {}),
    requests,
    rate: {
      ...(headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining) ? { remaining } : {}),
      ...(headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset)
        ? { resetAt: reset * 1000 }
        : {}),
    },
    partialErrors,
  };
}
