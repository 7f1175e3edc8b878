// What the runner tells an action about the run, read from its variables and event file. Deliberately not
// @actions/github's context: that module drags in Octokit, and most steps never call the API.

import { readFileSync } from 'node:fs';
import { type PathRoots, pathRoots } from '../../common/workspace-path.js';

export interface RunContext {
  repository: string;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  refName: string;
  eventName: string;
  event: Record<string, unknown>;
  actor: string;
  serverUrl: string;
  runId: string;
  runAttempt: string;
  workflow: string;
  workspace: string;
  /** The folders every path input must lead into: the workspace and RUNNER_TEMP. */
  roots: PathRoots;
  /** Link to this run's log, for deployment statuses. */
  runUrl: string;
}

function readEvent(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID ?? '';
  const runAttempt = env.GITHUB_RUN_ATTEMPT ?? '1';
  return {
    repository,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    refName: env.GITHUB_REF_NAME ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    event: readEvent(env.GITHUB_EVENT_PATH),
    actor: env.GITHUB_ACTOR ?? process.env.USER ?? 'unknown',
    serverUrl,
    runId,
    runAttempt,
    workflow: env.GITHUB_WORKFLOW ?? '',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    roots: pathRoots(env),
    runUrl:
      repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}/attempts/${runAttempt}` : '',
  };
}

/** How a run outside GitHub names its repository (the CLI's ways, src/cli-repository.ts). */
export const NAME_THE_REPOSITORY =
  'name it with --repository owner/name (or GITHUB_REPOSITORY=owner/name), or run in a checkout whose git remote origin is on GitHub';

/** A run that would call GitHub without a repository (the CLI outside a GitHub checkout): never guessed. */
export class NoRepositoryError extends Error {
  override name = 'NoRepositoryError';
}

/**
 * owner and repo of the run; refuses when there is none, before any call. A workflow always has one
 * (GITHUB_REPOSITORY); a command-line run outside a GitHub checkout may not.
 */
export function requireRepository(
  env: NodeJS.ProcessEnv = process.env,
  purpose = 'call GitHub',
): { owner: string; repo: string } {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = '', ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new NoRepositoryError(
      `no GitHub repository is named${repository ? ` (GITHUB_REPOSITORY is '${repository}', not owner/name)` : ''}, so deploy-kit will not ${purpose}: ${NAME_THE_REPOSITORY}`,
    );
  }
  return { owner, repo };
}

/**
 * The commit a workflow means: the pull request's head on pull_request events (GITHUB_SHA is then the
 * throwaway refs/pull/N/merge commit), the pushed commit otherwise.
 */
export function eventCommit(context: RunContext): { sha: string; refName: string } {
  const pull = context.event.pull_request as { head?: { sha?: string; ref?: string } } | undefined;
  if (context.eventName.startsWith('pull_request') && pull?.head?.sha) {
    return { sha: pull.head.sha, refName: pull.head.ref ?? context.refName };
  }
  return { sha: context.sha, refName: context.refName };
}

/** Who and which run, as deploy-kit records it with every deployment. */
export function runInfo(context: RunContext): {
  id: string;
  attempt: string;
  url: string;
  workflow: string;
  actor: string;
} {
  return {
    id: context.runId,
    attempt: context.runAttempt,
    url: context.runUrl,
    workflow: context.workflow,
    actor: context.actor,
  };
}
