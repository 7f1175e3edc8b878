// A workflow run as the Actions API reports it: when it was created and when its current attempt started
// (the moment a person pressed "Run workflow" or "Re-run"), and whether it is still going; and whether one
// attempt of it has completed (a deployment lease's holder).
import type { GitHubClient } from './client.js';
import { toGitHubApiError } from './errors.js';

export interface WorkflowRunTimes {
  id: number;
  createdAt: string;
  /** When the latest attempt started (a re-run moves it); GitHub leaves it out on some old runs. */
  runStartedAt?: string;
  status: string | null;
  conclusion: string | null;
}

/** One REST call: GET /repos/{owner}/{repo}/actions/runs/{run_id} (needs `actions: read`). */
export async function readWorkflowRun(
  client: GitHubClient,
  where: { owner: string; repo: string },
  runId: string,
): Promise<WorkflowRunTimes> {
  if (!/^\d+$/.test(runId)) throw new Error(`'${runId}' is not a workflow run id`);
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
      owner: where.owner,
      repo: where.repo,
      run_id: Number(runId),
    });
    return {
      id: Number(data.id),
      createdAt: data.created_at,
      ...(data.run_started_at ? { runStartedAt: data.run_started_at } : {}),
      status: data.status,
      conclusion: data.conclusion,
    };
  } catch (error) {
    throw toGitHubApiError(error, {
      action: `read workflow run ${runId} of ${where.owner}/${where.repo}`,
      permission: 'actions: read',
    });
  }
}

/**
 * Whether one attempt of a run has completed, and when it was last updated: one REST call,
 * GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number} (needs `actions: read`).
 * Undefined when GitHub cannot say (an id that is not one, an unknown run, a token that may not read Actions).
 */
export async function readRunAttempt(
  client: GitHubClient,
  where: { owner: string; repo: string },
  runId: string,
  attempt: string,
): Promise<{ completed: boolean; at?: string } | undefined> {
  if (!/^[1-9][0-9]*$/.test(runId) || !/^[1-9][0-9]*$/.test(attempt)) return undefined;
  try {
    const { data } = await client.request(
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
      { owner: where.owner, repo: where.repo, run_id: Number(runId), attempt_number: Number(attempt) },
    );
    return { completed: data.status === 'completed', at: data.updated_at };
  } catch {
    return undefined;
  }
}
