// The `deploy-kit / preflight` check run from an action: the gates engine's CheckRun with the step's saved
// state as its memory (so post can complete what main left in progress) and the step's log.
import { CheckRun, type CheckRunMemo, completeLeftOpen, leftOpen } from '../../gates/check-run.js';
import type { GitHubClient } from '../../github/client.js';
import { runContext } from './context.js';
import * as core from './core.js';
import { CHECK_RUN_NAME } from './gates.js';
import { githubClient } from './github.js';
import { InputReader } from './inputs.js';

const memo: CheckRunMemo = { save: core.saveState, read: core.getState };
const log = { info: core.info, warning: core.warning, debug: core.debug };

/** Creates the check run in progress on the commit (undefined when GitHub would not); post completes it. */
export function startCheckRun(
  client: GitHubClient,
  where: { owner: string; repo: string; sha: string; runUrl: string; now: () => Date },
): Promise<CheckRun | undefined> {
  const { owner, repo, sha, runUrl, now } = where;
  return CheckRun.start({
    client,
    owner,
    repo,
    sha,
    name: CHECK_RUN_NAME,
    detailsUrl: runUrl || undefined,
    now,
    log,
    memo,
  });
}

/** In post: completes the check run main left in progress (killed, or GitHub failed the completing write). */
export async function completeCheckRunLeftOpen(): Promise<void> {
  if (!leftOpen(memo)) return;
  const token = new InputReader().secret('token');
  if (!token) return;
  const { owner, repo, runUrl } = runContext();
  const client = await githubClient(token);
  await completeLeftOpen({
    client,
    owner,
    repo,
    name: CHECK_RUN_NAME,
    detailsUrl: runUrl || undefined,
    now: () => new Date(),
    log,
    memo,
  });
}
