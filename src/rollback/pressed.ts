// When the rollback was asked for: the `pressed-at` input, else the start of the workflow run's current
// attempt as GitHub records it (the click on "Run workflow" or "Re-run"), else the start of this step.
import type { GitHubClient } from '../github/client.js';
import { readWorkflowRun } from '../github/workflow-runs.js';
import type { Press } from './press.js';

/** What the press is read from: the settings' `pressedAt`, `rollbackOf` and the run. */
export interface PressSource {
  pressedAt?: string;
  rollbackOf?: string;
  run: { id: string; attempt: string };
}

/** When this process started: the step's start (an in-process rollback of canary-promote or the release too). */
function stepStart(): number {
  return Date.now() - process.uptime() * 1000;
}

export async function pressOf(
  settings: PressSource,
  github: { client: GitHubClient; owner: string; repo: string } | undefined,
  log: { info(message: string): void },
): Promise<Press> {
  // The release rolling back the deployment it just made: no clock needed (GitHub's are whole seconds, and a
  // fast deploy, smoke test and earlier rollback can share one).
  if (settings.rollbackOf !== undefined) {
    return {
      at: new Date().toISOString(),
      source: `the rollback of deployment ${settings.rollbackOf}`,
      from: settings.rollbackOf,
    };
  }
  if (settings.pressedAt) return { at: settings.pressedAt, source: "the 'pressed-at' input" };
  const started = new Date(stepStart()).toISOString();
  if (github && settings.run.id) {
    try {
      const run = await readWorkflowRun(github.client, github, settings.run.id);
      return {
        at: run.runStartedAt ?? run.createdAt,
        source: `the start of workflow run ${settings.run.id}, attempt ${settings.run.attempt}`,
      };
    } catch (error) {
      // The step's start is later than the press: a rollback that went live in between is taken for an
      // earlier one, while those still at work are still caught. Said, not warned: nothing is wrong yet.
      log.info(
        `could not read when workflow run ${settings.run.id} started (${(error as Error).message}); the start of this step stands for when the rollback was asked for`,
      );
    }
  }
  return { at: started, source: 'the start of this step' };
}
