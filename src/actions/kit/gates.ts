// What preflight-gates and the root action read alike for the gates engine: the gates' source (YAML or a
// file), the target the gates judge (commit, ref, pull request, labels) and the env gate's secrets, masked.
import { InputError } from '../../common/input-error.js';
import type { GatesConfig, GateTarget } from '../../gates/types.js';
import type { RunContext } from './context.js';
import { setSecret } from './core.js';
import type { InputReader } from './inputs.js';

/** The name of the check run preflight-gates publishes (and no gate ever waits on). */
export const CHECK_RUN_NAME = 'deploy-kit / preflight';

/** Whether any gate reads GitHub (checks, reviews, Dependabot alerts); branch, freeze, env, command and
 * migrations gates never do, so they need no client, no token and no repository. */
export function gatesReadGitHub(config: GatesConfig): boolean {
  return Boolean(config.checks || config.reviews || config.vulnerabilities?.dependabot);
}

/**
 * The gates as YAML, or the path of a gates file (read by the parser, so its errors give file:line:column);
 * undefined when neither is set and the gates are optional.
 */
export function readGatesSource(
  input: InputReader,
  isGatesFilePath: (text: string) => boolean,
  { required }: { required: boolean },
): { text: string; label: 'gates' | 'gates-file' } | undefined {
  const inline = input.string('gates');
  const file = input.string('gates-file');
  if (inline !== undefined && file !== undefined) {
    throw new InputError('gates', "set either 'gates' (YAML) or 'gates-file' (a path), not both");
  }
  if (inline !== undefined) return { text: inline, label: 'gates' };
  if (file === undefined) {
    if (!required) return undefined;
    throw new InputError(
      'gates',
      "set 'gates' (the gates as YAML) or 'gates-file' (a .yml, .yaml or .json file in the workspace)",
    );
  }
  if (!isGatesFilePath(file)) {
    throw new InputError(
      'gates-file',
      `'gates-file' must be the path of a .yml, .yaml or .json file, got '${file}'`,
    );
  }
  return { text: file, label: 'gates-file' };
}

interface PullRequestEvent {
  number?: number;
  head?: { sha?: string; ref?: string };
  base?: { ref?: string };
  labels?: { name?: string }[];
}

function pullRequestOf(context: RunContext): PullRequestEvent | undefined {
  const pull = context.event.pull_request;
  return pull && typeof pull === 'object' ? (pull as PullRequestEvent) : undefined;
}

/** Who the gates are asked about; on pull_request events, the PR's number, branches and labels come along. */
export function gateTarget(
  context: RunContext,
  env: NodeJS.ProcessEnv,
  given: { sha: string; ref: string; environment?: string; pullNumber?: number },
): GateTarget {
  const pull = pullRequestOf(context);
  const onPullRequest = context.eventName.startsWith('pull_request');
  const pullNumber = given.pullNumber ?? (onPullRequest ? pull?.number : undefined);
  return {
    owner: context.owner,
    repo: context.repo,
    sha: given.sha,
    ref: given.ref,
    eventName: context.eventName,
    labels: (pull?.labels ?? []).map((label) => label.name ?? '').filter(Boolean),
    // GITHUB_JOB is the job's id; a job with a `name:` shows under that name, which the checks gate tells by
    // runId instead (its check run's details URL points at this run).
    selfCheckNames: [...new Set([env.GITHUB_JOB, CHECK_RUN_NAME].filter((name): name is string => !!name))],
    ...(context.runId ? { runId: context.runId } : {}),
    ...(given.environment !== undefined ? { environment: given.environment } : {}),
    ...(pullNumber !== undefined ? { pullNumber } : {}),
    ...(onPullRequest && pull?.base?.ref ? { baseRef: pull.base.ref } : {}),
    // The branch gate judges a pull request by its head branch: refs/pull/N/merge is no branch.
    ...(onPullRequest && pull?.head?.ref ? { headRef: pull.head.ref } : {}),
  };
}

/**
 * The token and the env gate's secret values, masked as soon as their names are known (a command may print
 * one); the list also keeps them out of reports and check runs, which masking does not reach.
 */
export function maskGateSecrets(
  config: GatesConfig,
  env: NodeJS.ProcessEnv,
  token: string | undefined,
): string[] {
  const values = [token, ...(config.env?.secrets ?? []).map((name) => env[name])].filter(
    (value): value is string => value !== undefined && value.trim() !== '',
  );
  for (const value of values) setSecret(value);
  return values;
}
