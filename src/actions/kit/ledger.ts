// Chooses the ledger and the artifact store from the `ledger` input. The GitHub ledger and its Octokit load
// only when chosen, so file-ledger runs (a laptop, another CI) never pay for them.
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../../common/input-error.js';
import { type PathRoots, resolveInside } from '../../common/workspace-path.js';
import type { RunAttemptStatus } from '../../deploy/lease.js';
import type { GitHubClient } from '../../github/client.js';
import { readRunAttempt } from '../../github/workflow-runs.js';
import { chooseLedger } from '../../ledger/choice.js';
import type { ArtifactStore, Ledger } from '../../ledger/types.js';
import { NAME_THE_REPOSITORY } from './context.js';
import * as core from './core.js';
import { githubClient } from './github.js';

/** `mustExist`: a reader that needs history (rollback) refuses a missing ledger file instead of reading none. */
export type LedgerSpec = { kind: 'github' } | { kind: 'file'; path: string; mustExist?: boolean };

/** The state in which main leaves, for post, the time until which an unanswered GitHub write may still land. */
export const LATE_WRITES_STATE = 'github-late-writes-until';

const TOKEN_NEEDED = "'token' is needed for ledger: github (or use ledger: file:<path>)";

/**
 * `github`, `file:<path>`, or unset: GitHub when a token is there, else the default file. A file's path is
 * resolved, and must lead inside the workspace or RUNNER_TEMP. GitHub without a token is refused here, with
 * the other inputs (unless `used: false`: an action that opens the ledger only on some paths).
 */
export function parseLedgerSpec(
  label: string,
  text: string | undefined,
  token: string | undefined,
  roots: PathRoots,
  { used = true }: { used?: boolean } = {},
): LedgerSpec {
  const choice = chooseLedger(label, text, Boolean(token));
  if (choice.kind === 'github' && used && !token) throw new InputError('token', TOKEN_NEEDED);
  if (choice.kind === 'github') return choice;
  return { kind: 'file', path: resolveInside({ input: label }, choice.path, roots) };
}

/** The spec for a reader that needs history (rollback): a missing ledger file is an error, not no history. */
export function historyLedger(spec: LedgerSpec): LedgerSpec {
  return spec.kind === 'file' ? { ...spec, mustExist: true } : spec;
}

export interface OpenedLedger {
  ledger: Ledger;
  artifacts?: ArtifactStore;
  /** API calls so far, for the summary footer (GitHub only). */
  apiCalls(): string | undefined;
  describe: string;
  /** The client and repository of the GitHub ledger, for the reads beside the ledger (the workflow run). */
  github?: { client: GitHubClient; owner: string; repo: string };
  /** Whether a lease holder's workflow run attempt has completed (the GitHub ledger, on GitHub). */
  runStatus?: RunAttemptStatus;
  /** The unlock command's --ledger flag, when it is not what the command finds by default. */
  flag?: string;
}

/** What opening a ledger needs besides its spec: the token and repository (GitHub), the workspace (a file). */
export interface LedgerAccess {
  token?: string;
  owner: string;
  repo: string;
  workspace: string;
}

export async function openLedger(spec: LedgerSpec, options: LedgerAccess): Promise<OpenedLedger> {
  if (spec.kind === 'file') {
    const [{ FileLedger }, { FileArtifactStore }] = await Promise.all([
      import('../../ledger/file.js'),
      import('../../ledger/file-artifacts.js'),
    ]);
    const path = isAbsolute(spec.path) ? spec.path : resolve(options.workspace, spec.path);
    return {
      ledger: new FileLedger(path, { mustExist: spec.mustExist ?? false }),
      artifacts: new FileArtifactStore(path),
      apiCalls: () => undefined,
      describe: `file ledger ${path}`,
      flag: `file:${path}`,
    };
  }
  if (!options.token) {
    throw new InputError('token', TOKEN_NEEDED);
  }
  if (!options.owner || !options.repo) {
    throw new InputError(
      'ledger',
      `ledger: github needs the repository the deployments belong to: ${NAME_THE_REPOSITORY}; or record them in a file with ledger: file:<path>`,
    );
  }
  const [client, { GitHubLedger }] = await Promise.all([
    githubClient(options.token),
    import('../../ledger/github.js'),
  ]);
  const hasCache = Boolean(process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL);
  let artifacts: ArtifactStore | undefined;
  if (hasCache) {
    const { CacheArtifactStore } = await import('./cache-artifacts.js');
    artifacts = new CacheArtifactStore({ workspace: options.workspace });
  }
  return {
    ledger: new GitHubLedger({
      client,
      owner: options.owner,
      repo: options.repo,
      onLateWrites: (until) => core.saveState(LATE_WRITES_STATE, String(until)),
    }),
    artifacts,
    apiCalls: () => {
      const count = client.callCount();
      return `${count.rest + count.graphql} API calls (${count.rest} REST, ${count.graphql} GraphQL, ${count.retries} retries)`;
    },
    describe: `GitHub Deployments of ${options.owner}/${options.repo}`,
    github: { client, owner: options.owner, repo: options.repo },
    flag: 'github',
    // Not found, or a token that may not read Actions: the other proofs (process, lease time) still apply.
    runStatus: (runId, attempt) => readRunAttempt(client, options, runId, attempt),
  };
}
