// deploy-env: record the deployment, run the deploy, finish the record; `post` closes what a cancelled job
// left open, so no deployment ever stays in_progress.

import { runCommand } from '../../command/run.js';
import { deploy } from '../../deploy/deploy.js';
import * as core from '../kit/core.js';
import {
  closeLeftOpen,
  rememberDeployment,
  rememberFinished,
  rememberGroup,
} from '../kit/deployment-post.js';
import { openLedger } from '../kit/ledger.js';
import type { StepContext } from '../kit/run.js';
import { readSettings } from './inputs.js';
import { summaryMarkdown } from './summary.js';

export async function main({ signal }: StepContext): Promise<void> {
  const settings = await readSettings();
  const opened = await openLedger(settings.ledger, settings);
  core.info(`recording in ${opened.describe}`);

  const outcome = await deploy(settings.deploy, {
    ledger: opened.ledger,
    artifacts: opened.artifacts,
    runCommand,
    log: core,
    signal,
    runStatus: opened.runStatus,
    ledgerFlag: opened.flag,
    onGroup: rememberGroup,
    onCreated: (deployment) => {
      rememberDeployment(deployment.id);
      core.info(
        `deployment ${deployment.id} created for ${settings.deploy.version} in ${deployment.environment}`,
      );
    },
  });
  rememberFinished();

  core.setOutput('deployment-id', outcome.deployment.id);
  core.setOutput('version', settings.deploy.version);
  core.setOutput('sha', settings.deploy.sha);
  core.setOutput('previous-version', outcome.previous?.record?.version ?? '');
  core.setOutput('previous-deployment-id', outcome.previous?.id ?? '');
  core.setOutput('url', settings.deploy.url ?? '');
  core.setOutput('result', outcome.result);
  const facts = [opened.describe, opened.apiCalls()].filter((fact): fact is string => Boolean(fact));
  await core.summary.addRaw(summaryMarkdown(outcome, settings.deploy.url, facts)).write();

  if (outcome.result !== 'success') {
    core.setFailed(
      `deploy-env: ${settings.deploy.version} to ${settings.deploy.environment}: ${outcome.reason}`,
    );
  }
}

/** Runs after main, also when the job was cancelled or main was killed: closes a deployment left open. */
export function post(): Promise<void> {
  return closeLeftOpen('deploy-env');
}
